import Testing
import VegaCore

@Suite("Timestamp")
struct TimestampTests {
    // 2026-11-22T00:00:00Z
    let utc = Timestamp<UTC>(seconds: 1_795_305_600, nanoseconds: 123_456_789)

    @Test func taiIsUTCPlusTheGivenOffsetAndBack() {
        let tai = utc.tai(taiOffset: 37)
        #expect(tai.nanoseconds == utc.nanoseconds + 37_000_000_000)
        #expect(tai.utc(taiOffset: 37) == utc)
        // A different offset (before the 2016 leap second it was 36) gives a different instant.
        #expect(tai.utc(taiOffset: 36) == utc + .seconds(1))
    }

    @Test func differencesAreSignedNanoseconds() {
        let later = utc + .microseconds(5)
        #expect(later - utc == .nanoseconds(5_000))
        #expect(utc - later == .nanoseconds(-5_000))
        #expect(later - .microseconds(5) == utc)
        #expect((later - utc).duration == .microseconds(5))
    }

    @Test func itchTimeIsPlacedOnTheSessionsMidnight() {
        // 2026-11-23 00:00 America/New_York (EST, UTC−5) is 05:00 UTC.
        let midnight = Timestamp<UTC>(seconds: 1_795_410_000, nanoseconds: 0)
        let itch = Timestamp<SinceMidnight>(nanoseconds: 34_200_000_000_123)  // 09:30:00.000000123
        #expect(itch.utc(midnight: midnight) == Timestamp<UTC>(seconds: 1_795_410_000 + 34_200, nanoseconds: 123))
    }

    @Test func monotonicClockNeverGoesBackwards() {
        var previous = Timestamp<Monotonic>.now()
        for _ in 0..<10_000 {
            let now = Timestamp<Monotonic>.now()
            #expect(now >= previous)
            previous = now
        }
    }

    @Test func realtimeClockReadsThisCentury() {
        // A sanity check of the unit (ns, Unix epoch), not of the time: between 2020 and 2100.
        let now = Timestamp<UTC>.now()
        #expect(now.nanoseconds > 1_577_836_800 * 1_000_000_000)
        #expect(now.nanoseconds < 4_102_444_800 * 1_000_000_000)
    }

    @Test func descriptionNamesTheTimescale() {
        #expect(Timestamp<TAI>(nanoseconds: 1_000_000_005).description == "1.000000005 TAI")
    }
}
