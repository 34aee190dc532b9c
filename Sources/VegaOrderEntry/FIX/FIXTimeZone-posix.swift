/// The POSIX TZ rule at the end of a TZif v2+ file (`EST5EDT,M3.2.0,M11.1.0`): the offsets
/// after the last explicit transition. Slim TZif files stop listing transitions once a rule
/// suffices, so without this rule every later instant would get the last listed offset.
/// Supported: names plain or `<…>`, offsets `[+-]hh[:mm[:ss]]`, rules `Mm.w.d[/time]`; other
/// rule forms (`Jn`, `n`) are treated as "no daylight saving time".
struct FIXPosixTZRule: Sendable, Hashable {
    /// Seconds east of UTC.
    var standardOffset: Int
    var daylightOffset: Int?
    var start: Transition?
    var end: Transition?

    struct Transition: Sendable, Hashable {
        var month: Int, week: Int, weekday: Int, seconds: Int
    }

    init?(_ text: String) {
        var s = Substring(text)
        func name() -> Bool {
            if s.first == "<" {
                guard let close = s.firstIndex(of: ">") else { return false }
                s = s[s.index(after: close)...]
                return true
            }
            let n = s.prefix { $0.isLetter }
            guard n.count >= 3 else { return false }
            s = s.dropFirst(n.count)
            return true
        }
        func time() -> Int? {
            var sign = 1
            if s.first == "+" { s = s.dropFirst() } else if s.first == "-" { sign = -1; s = s.dropFirst() }
            var parts: [Int] = []
            while true {
                let digits = s.prefix { $0.isASCII && $0.isNumber }
                guard !digits.isEmpty, let v = Int(digits) else { return nil }
                parts.append(v)
                s = s.dropFirst(digits.count)
                if s.first == ":" && parts.count < 3 { s = s.dropFirst() } else { break }
            }
            return sign * (parts[0] * 3600 + (parts.count > 1 ? parts[1] * 60 : 0) + (parts.count > 2 ? parts[2] : 0))
        }
        func transition() -> Transition? {
            guard s.first == "M" else { return nil }
            s = s.dropFirst()
            var nums: [Int] = []
            for i in 0..<3 {
                let digits = s.prefix { $0.isASCII && $0.isNumber }
                guard let v = Int(digits) else { return nil }
                nums.append(v)
                s = s.dropFirst(digits.count)
                if i < 2 { guard s.first == "." else { return nil }; s = s.dropFirst() }
            }
            var seconds = 7200
            if s.first == "/" {
                s = s.dropFirst()
                guard let t = time() else { return nil }
                seconds = t
            }
            guard (1...12).contains(nums[0]), (1...5).contains(nums[1]), (0...6).contains(nums[2]) else { return nil }
            return Transition(month: nums[0], week: nums[1], weekday: nums[2], seconds: seconds)
        }
        guard name(), let std = time() else { return nil }
        standardOffset = -std  // POSIX offsets are positive west of Greenwich
        if s.isEmpty { return }
        guard name() else { return nil }
        if let c = s.first, c == "+" || c == "-" || c.isNumber, let dst = time() { daylightOffset = -dst } else { daylightOffset = standardOffset + 3600 }
        guard s.first == "," else { daylightOffset = nil; return }
        s = s.dropFirst()
        guard let a = transition(), s.first == "," else { daylightOffset = nil; return }
        s = s.dropFirst()
        guard let b = transition() else { daylightOffset = nil; return }
        start = a
        end = b
    }

    /// Local midnight (as UTC-based seconds of the local calendar) of the rule's day in `year`.
    static func day(_ t: Transition, year: Int) -> Int {
        let first = FIXTimestampFormat.days(year: year, month: t.month, day: 1)
        let weekdayOfFirst = ((first + 4) % 7 + 7) % 7  // 1970-01-01 was a Thursday
        var dayOfMonth = 1 + (t.weekday - weekdayOfFirst + 7) % 7 + (t.week - 1) * 7
        let length = FIXTimestampFormat.daysInMonth(year, t.month)
        while dayOfMonth > length { dayOfMonth -= 7 }
        return first + dayOfMonth - 1
    }

    /// Seconds east of UTC at `utc`.
    func offset(atUTC utc: Int64) -> Int {
        guard let dst = daylightOffset, let start, let end else { return standardOffset }
        let year = FIXTimestampFormat.civil(days: Int(floorDiv(utc + Int64(standardOffset), 86_400))).year
        // DST starts at a standard-time wall clock and ends at a daylight-time one.
        let startUTC = Int64(FIXPosixTZRule.day(start, year: year) * 86_400 + start.seconds - standardOffset)
        let endUTC = Int64(FIXPosixTZRule.day(end, year: year) * 86_400 + end.seconds - dst)
        let inDST = startUTC < endUTC ? (utc >= startUTC && utc < endUTC) : (utc >= startUTC || utc < endUTC)
        return inDST ? dst : standardOffset
    }
}
