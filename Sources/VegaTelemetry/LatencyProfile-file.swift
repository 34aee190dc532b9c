#if canImport(Glibc)
import Glibc
#endif
import CVegaSys
import Histogram

/// Why a profile file could not be written or read. Each case names the file and, for a bad
/// file, the byte offset and the field that was wrong.
public enum LatencyProfileError: Error, Equatable, CustomStringConvertible {
    /// `open`/`read`/`write` failed with `errno`.
    case io(path: String, operation: String, errno: Int32)
    /// The file does not start with the profile magic `VEGALATP`.
    case notAProfile(path: String)
    /// The file's format version is not one this build reads.
    case unsupportedVersion(path: String, found: UInt16, supported: UInt16)
    /// The file ends inside `field`, at `offset`, `needed` bytes short.
    case truncated(path: String, field: String, offset: Int, needed: Int)
    /// `field` at `offset` holds a value that cannot be right (`reason` says why).
    case malformed(path: String, field: String, offset: Int, reason: String)
    /// The CRC32C trailer does not match the contents (the file was altered or damaged).
    case checksumMismatch(path: String, stored: UInt32, computed: UInt32)

    public var description: String {
        switch self {
        case .io(let path, let op, let e):
            "\(path): \(op) failed: \(String(cString: strerror(e))) (errno \(e))"
        case .notAProfile(let path):
            "\(path): not a Vega latency profile (no VEGALATP magic at the start)"
        case .unsupportedVersion(let path, let found, let supported):
            "\(path): profile format version \(found) is not supported (this build reads version \(supported))"
        case .truncated(let path, let field, let offset, let needed):
            "\(path): truncated: the file ends in \(field) at byte \(offset), \(needed) byte(s) short"
        case .malformed(let path, let field, let offset, let reason):
            "\(path): malformed \(field) at byte \(offset): \(reason)"
        case .checksumMismatch(let path, let stored, let computed):
            "\(path): checksum mismatch (stored CRC32C \(hex(stored)), contents give \(hex(computed))): the file is damaged"
        }
    }
}

private func hex(_ v: UInt32) -> String {
    let s = String(v, radix: 16)
    return "0x" + String(repeating: "0", count: 8 - s.count) + s
}

// MARK: - Format

// Version 1, little-endian throughout:
//
//   magic "VEGALATP" (8) | version u16 | reserved u16 (0) | section count u32 (3)
//   calibration: ticks/s f64 | anchor ticks u64 | anchor realtime ns u64 | has PHC u8 | 7 × 0 |
//                PHC − realtime i64 | measured-over ns u64
//   counters: samples, dropped, skewed, clamped, outliers (u64 each)
//   series count u32, then per series:
//     kind u8 (0 stage, 1 span) | from u8 | to u8 | significant digits u8 |
//     lowest discernible u64 | highest trackable u64 | total count u64 | min u64 | max u64 |
//     bucket count u32, then per non-empty bucket: value u64 | count u64 (ascending values)
//   worst count u32, then per outlier: kind u8 | from u8 | to u8 | 0 u8 | ns u64 | sample (92 bytes:
//     the nine stamps, sequence, order ID as u64, locate u16, venue u8, flags u8)
//   CRC32C u32 of every byte before it

extension LatencyProfile {
    static let magic: [UInt8] = Array("VEGALATP".utf8)

    /// The profile in the file format (see the comment above this extension in the source).
    public func encoded() -> [UInt8] {
        var w = ByteWriter()
        w.bytes(Self.magic)
        w.u16(Self.formatVersion)
        w.u16(0)
        w.u32(3)
        w.u64(calibration.ticksPerSecond.bitPattern)
        w.u64(calibration.anchorTicks)
        w.u64(calibration.anchorRealtimeNanoseconds)
        w.u8(calibration.phcMinusRealtimeNanoseconds == nil ? 0 : 1)
        w.bytes([0, 0, 0, 0, 0, 0, 0])
        w.u64(UInt64(bitPattern: calibration.phcMinusRealtimeNanoseconds ?? 0))
        w.u64(calibration.measuredOverNanoseconds)
        for c in [samples, dropped, skewed, clamped, outliers] { w.u64(c) }
        let kept = series.filter { $0.histogram.totalCount > 0 }.sorted { $0.series < $1.series }
        w.u32(UInt32(kept.count))
        for s in kept {
            w.seriesKey(s.series)
            w.u8(UInt8(bitPattern: s.histogram.numberOfSignificantValueDigits.rawValue))
            w.u64(s.histogram.lowestDiscernibleValue)
            w.u64(s.histogram.highestTrackableValue)
            w.u64(s.histogram.totalCount)
            w.u64(s.min)
            w.u64(s.max)
            let buckets = s.histogram.recordedValues().map { ($0.value, $0.count) }
            w.u32(UInt32(buckets.count))
            for (value, count) in buckets {
                w.u64(value)
                w.u64(count)
            }
        }
        w.u32(UInt32(worst.count))
        for o in worst {
            w.seriesKey(o.series)
            w.u8(0)
            w.u64(o.nanoseconds)
            for stage in LatencyStage.allCases { w.u64(o.sample[stage]) }
            w.u64(o.sample.sequence)
            w.u64(o.sample.orderID)
            w.u16(o.sample.locate)
            w.u8(o.sample.venue)
            w.u8(o.sample.flags)
        }
        w.u32(Self.checksum(w.data))
        return w.data
    }

    /// CRC32C (Castagnoli) of `bytes`: the file's trailer.
    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { vega_crc32c(0, $0.baseAddress, $0.count) }
    }

    /// Reads a profile from `bytes` in the file format; `path` names the source in errors.
    ///
    /// - Throws: ``LatencyProfileError`` — `.notAProfile`, `.unsupportedVersion`, `.truncated`
    ///   (with the field and offset), `.malformed` (a value that cannot be right) or
    ///   `.checksumMismatch`. Never traps on bad input.
    public init(decoding bytes: [UInt8], path: String = "<memory>") throws(LatencyProfileError) {
        var r = ByteReader(bytes: bytes, path: path)
        guard bytes.count >= 8, Array(bytes[0..<8]) == Self.magic else {
            if bytes.count < 8, bytes == Array(Self.magic.prefix(bytes.count)), !bytes.isEmpty {
                throw .truncated(path: path, field: "magic", offset: 0, needed: 8 - bytes.count)
            }
            throw .notAProfile(path: path)
        }
        r.offset = 8
        let version = try r.u16("format version")
        guard version == Self.formatVersion else {
            throw .unsupportedVersion(path: path, found: version, supported: Self.formatVersion)
        }
        // Check the trailer before parsing further, so damage is reported as damage rather than
        // as whatever field it happened to hit — but only when the file is long enough to have one.
        if bytes.count >= 16 {
            let body = bytes.count - 4
            let stored = UInt32(bytes[body]) | UInt32(bytes[body + 1]) << 8 | UInt32(bytes[body + 2]) << 16
                | UInt32(bytes[body + 3]) << 24
            let computed = bytes.withUnsafeBytes { vega_crc32c(0, $0.baseAddress, body) }
            if stored != computed {
                // A file cut short also fails the check: parse first to say "truncated" when it is.
                var probe = r
                probe.limit = bytes.count
                if let truncation = Self.findTruncation(&probe) { throw truncation }
                throw .checksumMismatch(path: path, stored: stored, computed: computed)
            }
            r.limit = body
        }
        self = try Self.parseBody(&r)
        guard r.offset == r.limit else {
            throw .malformed(path: path, field: "end of data", offset: r.offset,
                             reason: "\(r.limit - r.offset) unexpected byte(s) before the checksum")
        }
        guard bytes.count >= 16 else { throw .truncated(path: path, field: "checksum", offset: bytes.count, needed: 4) }
    }

    /// Parses as if the body ran to the end of the file; returns the truncation error it meets,
    /// if the file ends inside a field.
    private static func findTruncation(_ r: inout ByteReader) -> LatencyProfileError? {
        do {
            _ = try parseBody(&r)
            if r.limit - r.offset < 4 {
                return .truncated(path: r.path, field: "checksum", offset: r.limit, needed: 4 - (r.limit - r.offset))
            }
            return nil
        } catch {
            if case .truncated = error { return error }
            return nil
        }
    }

    private static func parseBody(_ r: inout ByteReader) throws(LatencyProfileError) -> LatencyProfile {
        let path = r.path
        let reserved = try r.u16("reserved")
        guard reserved == 0 else { throw .malformed(path: path, field: "reserved", offset: r.offset - 2, reason: "must be 0, found \(reserved)") }
        let sections = try r.u32("section count")
        guard sections == 3 else {
            throw .malformed(path: path, field: "section count", offset: r.offset - 4, reason: "version 1 has 3 sections, found \(sections)")
        }
        let rateOffset = r.offset
        let rate = Double(bitPattern: try r.u64("calibration rate"))
        guard rate.isFinite && rate > 0 else {
            throw .malformed(path: path, field: "calibration rate", offset: rateOffset, reason: "\(rate) ticks/s is not a positive rate")
        }
        let anchorTicks = try r.u64("calibration anchor ticks")
        let anchorRealtime = try r.u64("calibration anchor time")
        let hasPHC = try r.u8("calibration PHC flag")
        guard hasPHC <= 1 else { throw .malformed(path: path, field: "calibration PHC flag", offset: r.offset - 1, reason: "must be 0 or 1, found \(hasPHC)") }
        try r.skip(7, "calibration padding")
        let phc = Int64(bitPattern: try r.u64("calibration PHC offset"))
        let over = try r.u64("calibration interval")
        let calibration = TSCCalibration(ticksPerSecond: rate, anchorTicks: anchorTicks, anchorRealtimeNanoseconds: anchorRealtime,
                                         phcMinusRealtimeNanoseconds: hasPHC == 1 ? phc : nil, measuredOverNanoseconds: over)
        var profile = LatencyProfile(calibration: calibration)
        profile.samples = try r.u64("samples counter")
        profile.dropped = try r.u64("dropped counter")
        profile.skewed = try r.u64("skewed counter")
        profile.clamped = try r.u64("clamped counter")
        profile.outliers = try r.u64("outliers counter")

        let seriesCount = try r.u32("series count")
        guard seriesCount <= 64 else {
            throw .malformed(path: path, field: "series count", offset: r.offset - 4, reason: "\(seriesCount) series; at most 64 exist")
        }
        for i in 0..<Int(seriesCount) {
            let keyOffset = r.offset
            let key = try r.seriesKey("series \(i) key")
            guard profile[key] == nil else {
                throw .malformed(path: path, field: "series \(i) key", offset: keyOffset, reason: "\(key.name) appears twice")
            }
            let digitsOffset = r.offset
            let digitsRaw = try r.u8("series \(key.name) precision")
            guard let digits = SignificantDigits(rawValue: Int8(bitPattern: digitsRaw)) else {
                throw .malformed(path: path, field: "series \(key.name) precision", offset: digitsOffset,
                                 reason: "\(digitsRaw) significant digits; 0…5 are valid")
            }
            let lowest = try r.u64("series \(key.name) lowest value")
            let highestOffset = r.offset
            let highest = try r.u64("series \(key.name) highest value")
            guard lowest >= 1, highest >= 2 * lowest, highest <= UInt64.max / 2 else {
                throw .malformed(path: path, field: "series \(key.name) range", offset: highestOffset - 8,
                                 reason: "lowest \(lowest), highest \(highest): need 1 ≤ lowest and 2 × lowest ≤ highest ≤ 2^63")
            }
            let total = try r.u64("series \(key.name) total count")
            let minOffset = r.offset
            let minValue = try r.u64("series \(key.name) min")
            let maxValue = try r.u64("series \(key.name) max")
            guard total > 0, minValue <= maxValue, maxValue <= highest else {
                throw .malformed(path: path, field: "series \(key.name) min/max", offset: minOffset,
                                 reason: "count \(total), min \(minValue), max \(maxValue), highest \(highest): inconsistent")
            }
            let bucketCountOffset = r.offset
            let buckets = try r.u32("series \(key.name) bucket count")
            guard UInt64(buckets) <= total else {
                throw .malformed(path: path, field: "series \(key.name) bucket count", offset: bucketCountOffset,
                                 reason: "\(buckets) buckets for \(total) samples")
            }
            // Checked before reserving room for them: a count the rest of the file cannot hold is a cut file.
            guard Int(buckets) * 16 <= r.limit - r.offset else {
                throw .truncated(path: path, field: "series \(key.name) buckets", offset: r.offset,
                                 needed: Int(buckets) * 16 - (r.limit - r.offset))
            }
            var histogram = Histogram<UInt64>(lowestDiscernibleValue: lowest, highestTrackableValue: highest,
                                              numberOfSignificantValueDigits: digits)
            var sum: UInt64 = 0
            var previous: UInt64? = nil
            var entries: [(UInt64, UInt64)] = []
            entries.reserveCapacity(Int(buckets))
            for b in 0..<Int(buckets) {
                let entryOffset = r.offset
                let value = try r.u64("series \(key.name) bucket \(b) value")
                let count = try r.u64("series \(key.name) bucket \(b) count")
                if let p = previous, value <= p {
                    throw .malformed(path: path, field: "series \(key.name) bucket \(b)", offset: entryOffset,
                                     reason: "value \(value) not above the previous bucket's \(p)")
                }
                guard count > 0, value <= highest, sum <= UInt64.max - count else {
                    throw .malformed(path: path, field: "series \(key.name) bucket \(b)", offset: entryOffset,
                                     reason: "value \(value), count \(count): empty, out of range or overflowing")
                }
                previous = value
                sum += count
                entries.append((value, count))
            }
            guard sum == total else {
                throw .malformed(path: path, field: "series \(key.name) buckets", offset: bucketCountOffset,
                                 reason: "bucket counts add up to \(sum), the header says \(total)")
            }
            // Re-record so that the exact min and max land in their own buckets (same counts), and the
            // histogram's min/max equal the ones written.
            guard let first = entries.first, let last = entries.last,
                  histogram.valuesAreEquivalent(first.0, minValue), histogram.valuesAreEquivalent(last.0, maxValue) else {
                throw .malformed(path: path, field: "series \(key.name) min/max", offset: minOffset,
                                 reason: "min \(minValue) / max \(maxValue) are not in the first / last bucket")
            }
            // The first bucket's samples are recorded as the exact min, the last bucket's as the exact
            // max (a lone bucket: one min, the rest max): same buckets, and min/max as written.
            for (index, entry) in entries.enumerated() {
                var count = entry.1
                if index == 0 {
                    histogram.record(minValue)
                    count -= 1
                }
                guard count > 0 else { continue }
                histogram.record(index == entries.count - 1 ? maxValue : entry.0, count: count)
            }
            profile.series.append(Series(series: key, histogram: histogram, min: minValue, max: maxValue))
        }

        let worstCount = try r.u32("worst-sample count")
        guard Int(worstCount) * 104 <= r.limit - r.offset else {
            throw .truncated(path: path, field: "worst samples", offset: r.offset, needed: Int(worstCount) * 104 - (r.limit - r.offset))
        }
        for i in 0..<Int(worstCount) {
            let key = try r.seriesKey("worst sample \(i) series")
            try r.skip(1, "worst sample \(i) padding")
            let ns = try r.u64("worst sample \(i) latency")
            var sample = TickToTradeSample()
            for stage in LatencyStage.allCases { sample[stage] = try r.u64("worst sample \(i) \(stage.name) stamp") }
            sample.sequence = try r.u64("worst sample \(i) sequence")
            sample.orderID = try r.u64("worst sample \(i) order ID")
            sample.locate = try r.u16("worst sample \(i) locate")
            sample.venue = try r.u8("worst sample \(i) venue")
            sample.flags = try r.u8("worst sample \(i) flags")
            profile.worst.append(LatencyOutlier(series: key, nanoseconds: ns, sample: sample))
        }
        return profile
    }

    /// Writes the profile to `path` (created or replaced; written to `path.tmp` then renamed, so a
    /// reader never sees half a file).
    /// - Throws: ``LatencyProfileError/io(path:operation:errno:)``.
    public func write(to path: String) throws(LatencyProfileError) {
        let bytes = encoded()
        let tmp = path + ".tmp"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .io(path: tmp, operation: "open", errno: errno) }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                let e = errno
                close(fd)
                unlink(tmp)
                throw .io(path: tmp, operation: "write", errno: e)
            }
            written += n
        }
        guard close(fd) == 0 else { let e = errno; unlink(tmp); throw .io(path: tmp, operation: "close", errno: e) }
        guard rename(tmp, path) == 0 else { let e = errno; unlink(tmp); throw .io(path: path, operation: "rename", errno: e) }
    }

    /// Reads the profile file at `path`.
    /// - Throws: ``LatencyProfileError``: `.io` when it cannot be read, otherwise what
    ///   ``init(decoding:path:)`` throws for its contents.
    public static func read(from path: String) throws(LatencyProfileError) -> LatencyProfile {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(path: path, operation: "open", errno: errno) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, operation: "read", errno: errno)
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
            guard bytes.count <= 1 << 30 else {
                throw .malformed(path: path, field: "file size", offset: bytes.count, reason: "over 1 GiB: not a profile")
            }
        }
        return try LatencyProfile(decoding: bytes, path: path)
    }
}

// MARK: - Byte helpers

struct ByteWriter {
    var data: [UInt8] = []
    mutating func bytes(_ b: [UInt8]) { data.append(contentsOf: b) }
    mutating func u8(_ v: UInt8) { data.append(v) }
    mutating func u16(_ v: UInt16) { for i in 0..<2 { data.append(UInt8(truncatingIfNeeded: v >> (8 * i))) } }
    mutating func u32(_ v: UInt32) { for i in 0..<4 { data.append(UInt8(truncatingIfNeeded: v >> (8 * i))) } }
    mutating func u64(_ v: UInt64) { for i in 0..<8 { data.append(UInt8(truncatingIfNeeded: v >> (8 * i))) } }
    mutating func seriesKey(_ s: LatencySeries) {
        switch s {
        case .stage(let stage): u8(0); u8(stage.rawValue); u8(stage.rawValue)
        case .endToEnd(let from, let to): u8(1); u8(from.rawValue); u8(to.rawValue)
        }
    }
}

struct ByteReader {
    let bytes: [UInt8]
    let path: String
    var offset = 0
    var limit: Int

    init(bytes: [UInt8], path: String) {
        self.bytes = bytes
        self.path = path
        limit = bytes.count
    }

    mutating func take(_ n: Int, _ field: String) throws(LatencyProfileError) -> Int {
        guard limit - offset >= n else { throw .truncated(path: path, field: field, offset: offset, needed: n - (limit - offset)) }
        defer { offset += n }
        return offset
    }
    mutating func skip(_ n: Int, _ field: String) throws(LatencyProfileError) {
        let at = try take(n, field)
        for i in at..<at + n where bytes[i] != 0 {
            throw .malformed(path: path, field: field, offset: i, reason: "must be 0, found \(bytes[i])")
        }
    }
    mutating func u8(_ field: String) throws(LatencyProfileError) -> UInt8 { bytes[try take(1, field)] }
    mutating func u16(_ field: String) throws(LatencyProfileError) -> UInt16 {
        let at = try take(2, field)
        return UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8
    }
    mutating func u32(_ field: String) throws(LatencyProfileError) -> UInt32 {
        let at = try take(4, field)
        var v: UInt32 = 0
        for i in 0..<4 { v |= UInt32(bytes[at + i]) << (8 * i) }
        return v
    }
    mutating func u64(_ field: String) throws(LatencyProfileError) -> UInt64 {
        let at = try take(8, field)
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(bytes[at + i]) << (8 * i) }
        return v
    }
    mutating func seriesKey(_ field: String) throws(LatencyProfileError) -> LatencySeries {
        let at = offset
        let kind = try u8(field)
        let fromRaw = try u8(field)
        let toRaw = try u8(field)
        switch kind {
        case 0:
            guard let s = LatencyStage(rawValue: toRaw), fromRaw == toRaw else {
                throw .malformed(path: path, field: field, offset: at, reason: "stage \(toRaw) is not a stage (0…8)")
            }
            return .stage(s)
        case 1:
            guard let f = LatencyStage(rawValue: fromRaw), let t = LatencyStage(rawValue: toRaw), f < t else {
                throw .malformed(path: path, field: field, offset: at, reason: "span \(fromRaw)→\(toRaw) is not a span of stages")
            }
            return .endToEnd(from: f, to: t)
        default:
            throw .malformed(path: path, field: field, offset: at, reason: "series kind \(kind); 0 (stage) or 1 (span) expected")
        }
    }
}
