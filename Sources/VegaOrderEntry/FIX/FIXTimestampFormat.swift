import VegaCore

/// FIX UTCTimestamp (`YYYYMMDD-HH:MM:SS.sss`) and LocalMktDate/UTCDateOnly (`YYYYMMDD`) without
/// Foundation: civil-date arithmetic on integers (proleptic Gregorian, Unix epoch). No
/// allocation, no lock, no time zone lookups.
public enum FIXTimestampFormat {
    /// Bytes written by ``writeMillis(_:to:)``.
    @inlinable public static var millisLength: Int { 21 }

    /// Days since 1970-01-01 of a civil date (Howard Hinnant's `days_from_civil`).
    @inlinable @inline(__always)
    public static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil date of a day count since 1970-01-01 (`civil_from_days`).
    @inlinable @inline(__always)
    public static func civil(days z0: Int) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    @inlinable @inline(__always)
    static func daysInMonth(_ year: Int, _ month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    @inlinable @inline(__always)
    static func digits(_ p: UnsafeRawPointer, _ at: Int, _ n: Int) -> Int? {
        var v = 0
        var i = 0
        while i < n {
            let d = p.load(fromByteOffset: at + i, as: UInt8.self) &- 0x30
            if d > 9 { return nil }
            v = v * 10 + Int(d)
            i += 1
        }
        return v
    }

    /// Parses `YYYYMMDD-HH:MM:SS` with an optional fraction of 3, 6 or 9 digits. `nil` for any
    /// other shape or an impossible date/time (seconds may be 60 for a leap second).
    @inlinable
    public static func parse(_ v: UnsafeRawBufferPointer) -> Timestamp<UTC>? {
        guard let p = v.baseAddress else { return nil }
        let n = v.count
        guard n == 17 || n == 21 || n == 24 || n == 27 else { return nil }
        guard p.load(fromByteOffset: 8, as: UInt8.self) == UInt8(ascii: "-"),
              p.load(fromByteOffset: 11, as: UInt8.self) == UInt8(ascii: ":"),
              p.load(fromByteOffset: 14, as: UInt8.self) == UInt8(ascii: ":"),
              let year = digits(p, 0, 4), let month = digits(p, 4, 2), let day = digits(p, 6, 2),
              let hour = digits(p, 9, 2), let minute = digits(p, 12, 2), let second = digits(p, 15, 2)
        else { return nil }
        guard year >= 1970, month >= 1, month <= 12, day >= 1, day <= daysInMonth(year, month),
              hour <= 23, minute <= 59, second <= 60
        else { return nil }
        var nanos = 0
        if n > 17 {
            guard p.load(fromByteOffset: 17, as: UInt8.self) == UInt8(ascii: "."),
                  let f = digits(p, 18, n - 18)
            else { return nil }
            nanos = n == 21 ? f * 1_000_000 : (n == 24 ? f * 1_000 : f)
        }
        let secs = days(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second
        return Timestamp<UTC>(nanoseconds: UInt64(secs) &* 1_000_000_000 &+ UInt64(nanos))
    }

    /// Whether `v` is a well-formed UTCTimestamp (no generic `Optional` comparison, so the
    /// validator stays provably lock- and allocation-free).
    /// Checks shape and ranges only (no epoch arithmetic): the validator's fast path. The date
    /// and the time are each one 8-byte load, checked for digits and separators and turned into
    /// two-digit values a word at a time (SWAR), then range-checked.
    @inlinable
    public static func isValid(_ v: UnsafeRawBufferPointer) -> Bool {
        guard let p = v.baseAddress else { return false }
        let n = v.count
        guard n == 17 || n == 21 || n == 24 || n == 27 else { return false }
        // "YYYYMMDD" at 0, "HH:MM:SS" at 9 (n >= 17: both loads are inside the value).
        let date = p.loadUnaligned(as: UInt64.self)
        let time = p.loadUnaligned(fromByteOffset: 9, as: UInt64.self)
        let colons: UInt64 = 0x0000_FF00_00FF_0000
        if time & colons != 0x0000_3A00_003A_0000 || p.load(fromByteOffset: 8, as: UInt8.self) != UInt8(ascii: "-") {
            return false
        }
        // The colons become '0' so that one digit test covers the word.
        let timeDigits = (time & ~colons) | 0x0000_3000_0030_0000
        if !isDigits8(date) || !isDigits8(timeDigits) { return false }
        // Byte i of `pairs` = digit i × 10 + digit i+1 (no carry: at most 99 per byte).
        let dx = date &- 0x3030_3030_3030_3030
        let dp = dx &* 10 &+ dx >> 8
        let year = Int(dp & 0xFF) &* 100 &+ Int((dp >> 16) & 0xFF)
        let month = Int((dp >> 32) & 0xFF), day = Int((dp >> 48) & 0xFF)
        let tx = timeDigits &- 0x3030_3030_3030_3030
        let tp = tx &* 10 &+ tx >> 8
        let hour = tp & 0xFF, minute = (tp >> 24) & 0xFF, second = (tp >> 48) & 0xFF
        if year < 1970 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) { return false }
        if hour > 23 || minute > 59 || second > 60 { return false }
        if n > 17 {
            if p.load(fromByteOffset: 17, as: UInt8.self) != UInt8(ascii: ".") { return false }
            var i = 18
            while i < n {
                if p.load(fromByteOffset: i, as: UInt8.self) &- 0x30 > 9 { return false }
                i += 1
            }
        }
        return true
    }

    /// Whether all eight bytes of `w` are ASCII digits: high nibble 3, and the low nibble plus 6
    /// does not carry into the high nibble (a carry out of a non-digit byte cannot turn the
    /// answer into true: that byte already fails the first test).
    @inlinable @inline(__always)
    static func isDigits8(_ w: UInt64) -> Bool {
        let high: UInt64 = 0xF0F0_F0F0_F0F0_F0F0
        return w & high == 0x3030_3030_3030_3030 && (w &+ 0x0606_0606_0606_0606) & high == 0x3030_3030_3030_3030
    }

    /// Parses `YYYYMMDD` into days since 1970-01-01, `nil` when malformed.
    @inlinable
    public static func parseDate(_ v: UnsafeRawBufferPointer) -> Int? {
        guard let p = v.baseAddress, v.count == 8,
              let year = digits(p, 0, 4), let month = digits(p, 4, 2), let day = digits(p, 6, 2),
              month >= 1, month <= 12, day >= 1, day <= daysInMonth(year, month)
        else { return nil }
        return days(year: year, month: month, day: day)
    }

    @inlinable @inline(__always)
    static func put(_ p: UnsafeMutableRawPointer, _ at: Int, _ value: Int, _ n: Int) {
        var v = value
        var i = n - 1
        while i >= 0 {
            p.storeBytes(of: UInt8(0x30 + v % 10), toByteOffset: at + i, as: UInt8.self)
            v /= 10
            i -= 1
        }
    }

    /// Writes `YYYYMMDD-HH:MM:SS.sss` (21 bytes, milliseconds truncated) at `p`. The caller
    /// guarantees 21 writable bytes. No allocation.
    @inlinable @_noLocks
    public static func writeMillis(_ t: Timestamp<UTC>, to p: UnsafeMutableRawPointer) {
        let totalSeconds = Int(t.nanoseconds / 1_000_000_000)
        let millis = Int(t.nanoseconds % 1_000_000_000) / 1_000_000
        let days = totalSeconds / 86_400
        let secOfDay = totalSeconds % 86_400
        let date = civil(days: days)
        put(p, 0, date.year, 4)
        put(p, 4, date.month, 2)
        put(p, 6, date.day, 2)
        p.storeBytes(of: UInt8(ascii: "-"), toByteOffset: 8, as: UInt8.self)
        put(p, 9, secOfDay / 3600, 2)
        p.storeBytes(of: UInt8(ascii: ":"), toByteOffset: 11, as: UInt8.self)
        put(p, 12, secOfDay / 60 % 60, 2)
        p.storeBytes(of: UInt8(ascii: ":"), toByteOffset: 14, as: UInt8.self)
        put(p, 15, secOfDay % 60, 2)
        p.storeBytes(of: UInt8(ascii: "."), toByteOffset: 17, as: UInt8.self)
        put(p, 18, millis, 3)
    }

    /// The 21-byte text as a `String` (allocates; for logs and tests).
    public static func string(_ t: Timestamp<UTC>) -> String {
        var bytes = [UInt8](repeating: 0, count: 21)
        bytes.withUnsafeMutableBytes { writeMillis(t, to: $0.baseAddress!) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
