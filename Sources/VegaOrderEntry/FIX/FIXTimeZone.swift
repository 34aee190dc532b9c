#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A time zone for session schedules: UTC, a fixed offset, or an IANA zone read from the
/// system's compiled tz database (TZif files under `/usr/share/zoneinfo`).
///
/// For IANA zones the UTC offset at an instant comes from the file's transition list (Debian
/// ships "fat" TZif files with explicit transitions through 2037); after the last transition
/// the last offset applies. Offsets never come from the process's `TZ` or locale.
public struct FIXTimeZone: Sendable, Hashable, CustomStringConvertible {
    /// Transition instants (UTC seconds), ascending, and the offset (seconds east of UTC) in
    /// force from each one.
    let transitions: [Int64]
    let offsets: [Int32]
    let initialOffset: Int32
    public let name: String

    /// UTC.
    public static let utc = FIXTimeZone(name: "UTC", fixedOffsetSeconds: 0)

    /// A zone with a constant offset, `seconds` east of UTC.
    public init(name: String, fixedOffsetSeconds seconds: Int) {
        self.name = name
        transitions = []
        offsets = []
        initialOffset = Int32(seconds)
    }

    /// Parses `UTC`, `GMT`, a fixed offset (`+02:00`, `-0500`, `UTC+01:00`), or an IANA name
    /// (`America/New_York`) found under `zoneinfoDirectory`.
    public init(parsing text: String, zoneinfoDirectory: String = "/usr/share/zoneinfo") throws(FIXTimeZoneError) {
        let t = text.trimmingWhitespace
        if t == "UTC" || t == "GMT" || t == "Z" { self = .utc; return }
        var rest = Substring(t)
        if rest.hasPrefix("UTC") || rest.hasPrefix("GMT") { rest = rest.dropFirst(3) }
        if let sign = rest.first, sign == "+" || sign == "-" {
            let digits = rest.dropFirst().filter { $0 != ":" }
            guard digits.count == 4 || digits.count == 2, digits.allSatisfy(\.isASCII), let v = Int(digits) else {
                throw FIXTimeZoneError(text: text, reason: "expected an offset like +02:00 or -0500")
            }
            let hours = digits.count == 2 ? v : v / 100
            let minutes = digits.count == 2 ? 0 : v % 100
            guard hours <= 14, minutes < 60 else { throw FIXTimeZoneError(text: text, reason: "offset out of range (at most ±14:00)") }
            let secs = (hours * 3600 + minutes * 60) * (sign == "-" ? -1 : 1)
            self.init(name: t, fixedOffsetSeconds: secs)
            return
        }
        guard !t.contains(".."), !t.hasPrefix("/"), !t.isEmpty else {
            throw FIXTimeZoneError(text: text, reason: "not a zone name")
        }
        let path = zoneinfoDirectory + "/" + t
        guard let data = FIXTimeZone.readFile(path) else {
            throw FIXTimeZoneError(text: text, reason: "no such zone (\(path) not readable); use UTC, an offset like +02:00, or an IANA name")
        }
        guard let parsed = FIXTimeZone.parseTZif(data) else {
            throw FIXTimeZoneError(text: text, reason: "\(path) is not a TZif file")
        }
        self.init(name: t, transitions: parsed.transitions, offsets: parsed.offsets, initial: parsed.initial)
    }

    init(name: String, transitions: [Int64], offsets: [Int32], initial: Int32) {
        self.name = name
        self.transitions = transitions
        self.offsets = offsets
        self.initialOffset = initial
    }

    /// Seconds east of UTC in force at `utcSeconds`.
    public func offset(atUTC utcSeconds: Int64) -> Int {
        guard let first = transitions.first, utcSeconds >= first else { return Int(initialOffset) }
        var lo = 0
        var hi = transitions.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if transitions[mid] <= utcSeconds { lo = mid } else { hi = mid - 1 }
        }
        return Int(offsets[lo])
    }

    public var description: String { name }

    static func readFile(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { return nil }
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, 65536) }
            if n < 0 { return nil }
            if n == 0 { break }
            out += chunk[0..<n]
            if out.count > 1 << 20 { return nil }
        }
        return out
    }

    /// RFC 8536: uses the 64-bit (version 2+) block when present.
    static func parseTZif(_ d: [UInt8]) -> (transitions: [Int64], offsets: [Int32], initial: Int32)? {
        func be32(_ at: Int) -> Int64? {
            guard at + 4 <= d.count else { return nil }
            return Int64(Int32(bitPattern: UInt32(d[at]) << 24 | UInt32(d[at + 1]) << 16 | UInt32(d[at + 2]) << 8 | UInt32(d[at + 3])))
        }
        func be64(_ at: Int) -> Int64? {
            guard at + 8 <= d.count else { return nil }
            var v: UInt64 = 0
            for k in 0..<8 { v = v << 8 | UInt64(d[at + k]) }
            return Int64(bitPattern: v)
        }
        func header(_ at: Int) -> (isut: Int, isstd: Int, leap: Int, time: Int, type: Int, char: Int, version: UInt8)? {
            guard at + 44 <= d.count, d[at] == 0x54, d[at + 1] == 0x5A, d[at + 2] == 0x69, d[at + 3] == 0x66 else { return nil }
            guard let a = be32(at + 20), let b = be32(at + 24), let c = be32(at + 28), let e = be32(at + 32),
                  let f = be32(at + 36), let g = be32(at + 40) else { return nil }
            return (Int(a), Int(b), Int(c), Int(e), Int(f), Int(g), d[at + 4])
        }
        guard let h1 = header(0) else { return nil }
        var at = 44
        var h = h1
        var timeSize = 4
        if h1.version >= 0x32 {
            at += h1.time * 4 + h1.time + h1.type * 6 + h1.char + h1.leap * 8 + h1.isstd + h1.isut
            guard let h2 = header(at) else { return nil }
            h = h2
            at += 44
            timeSize = 8
        }
        var times: [Int64] = []
        for i in 0..<h.time {
            guard let t = timeSize == 8 ? be64(at + i * 8) : be32(at + i * 4) else { return nil }
            times.append(t)
        }
        at += h.time * timeSize
        guard at + h.time <= d.count else { return nil }
        let idx = Array(d[at..<(at + h.time)])
        at += h.time
        var typeOffsets: [Int32] = []
        for i in 0..<h.type {
            guard let o = be32(at + i * 6) else { return nil }
            typeOffsets.append(Int32(o))
        }
        guard !typeOffsets.isEmpty else { return nil }
        var offs: [Int32] = []
        for i in idx {
            guard Int(i) < typeOffsets.count else { return nil }
            offs.append(typeOffsets[Int(i)])
        }
        return (times, offs, typeOffsets[0])
    }
}

/// Why a time zone setting was refused.
public struct FIXTimeZoneError: Error, Sendable, Hashable, CustomStringConvertible {
    public var text: String
    public var reason: String
    public var description: String { "time zone \"\(text)\": \(reason)" }
}

extension StringProtocol {
    var trimmingWhitespace: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
        return String(s)
    }
}
