import VegaCore

/// When a session may be connected: a daily window (StartTime–EndTime) or a weekly one
/// (StartDay StartTime – EndDay EndTime), in a time zone.
///
/// A window whose end is before its start wraps midnight (or the week's end). Start equal to end
/// means the session runs all the time and a new period begins at that time each day (or week).
/// Each period is a new FIX session: sequence numbers reset when the first period boundary after
/// the store's creation time has passed (``FIXSession`` does this).
public struct FIXSchedule: Sendable, Hashable {
    /// Seconds after local midnight.
    public var startTime: Int
    public var endTime: Int
    /// 0 = Sunday … 6 = Saturday; both `nil` for a daily schedule.
    public var startDay: Int?
    public var endDay: Int?
    public var timeZone: FIXTimeZone

    public init(startTime: Int, endTime: Int, startDay: Int? = nil, endDay: Int? = nil, timeZone: FIXTimeZone = .utc) {
        self.startTime = startTime
        self.endTime = endTime
        self.startDay = startDay
        self.endDay = endDay
        self.timeZone = timeZone
    }

    var period: Int64 { startDay == nil ? 86_400 : 604_800 }
    var startOffset: Int64 { Int64((startDay ?? 0) * 86_400 + startTime) }
    var endOffset: Int64 { Int64((endDay ?? 0) * 86_400 + endTime) }

    /// Local seconds since the period's origin (midnight, or Sunday midnight for weekly).
    func positionInPeriod(localSeconds: Int64) -> Int64 {
        if startDay == nil { return mod(localSeconds, 86_400) }
        // 1970-01-01 was a Thursday: day 0 → weekday 4.
        let days = floorDiv(localSeconds, 86_400)
        let weekday = mod(days + 4, 7)
        return weekday * 86_400 + mod(localSeconds, 86_400)
    }

    /// Whether `t` falls inside a session window.
    public func contains(_ t: Timestamp<UTC>) -> Bool {
        let utc = Int64(t.nanoseconds / 1_000_000_000)
        let local = utc + Int64(timeZone.offset(atUTC: utc))
        let x = positionInPeriod(localSeconds: local)
        let s = startOffset, e = endOffset
        if s == e { return true }
        if s < e { return x >= s && x <= e }
        return x >= s || x <= e
    }

    /// Start (UTC) of the session period containing `t`, or of the last one before `t` when `t`
    /// is outside any window.
    public func periodStart(containing t: Timestamp<UTC>) -> Timestamp<UTC> {
        let utc = Int64(t.nanoseconds / 1_000_000_000)
        let offset = Int64(timeZone.offset(atUTC: utc))
        let local = utc + offset
        let x = positionInPeriod(localSeconds: local)
        var back = x - startOffset
        if back < 0 { back += period }
        let startLocal = local - back
        // The offset at the period start may differ (a DST change inside the period).
        let startUTC = startLocal - Int64(timeZone.offset(atUTC: startLocal - offset))
        return Timestamp(nanoseconds: UInt64(max(0, startUTC)) * 1_000_000_000)
    }

    /// Parses `HH:MM:SS` into seconds after midnight.
    public static func parseTime(_ text: String) -> Int? {
        let parts = text.trimmingWhitespace.split(separator: ":")
        guard parts.count == 3 || parts.count == 2,
              let h = Int(parts[0]), let m = Int(parts[1]), h >= 0, h < 24, m >= 0, m < 60 else { return nil }
        let s = parts.count == 3 ? Int(parts[2]) : 0
        guard let s, s >= 0, s < 60 else { return nil }
        return h * 3600 + m * 60 + s
    }

    /// Parses a day name (`Sunday`, `sun`, `su`, case-insensitive) into 0…6.
    public static func parseDay(_ text: String) -> Int? {
        let t = text.trimmingWhitespace.lowercased()
        let names = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]
        guard t.count >= 2 else { return nil }
        return names.firstIndex { $0.hasPrefix(t) }
    }
}

@inline(__always) func mod(_ a: Int64, _ b: Int64) -> Int64 { let r = a % b; return r < 0 ? r + b : r }
@inline(__always) func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { (a - mod(a, b)) / b }
