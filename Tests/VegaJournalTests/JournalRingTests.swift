import Glibc
import Testing
import VegaJournal

@Suite struct JournalRingTests {
    @Test func recordsComeOutInOrderWithTheirFieldsAcrossWraps() {
        let ring = JournalRing(capacity: 4096)
        var produced: UInt64 = 0
        var consumed: UInt64 = 0
        for _ in 0..<200 {
            // Fill until full, then drain: every record must come back intact.
            while true {
                let bytes = payload(for: produced, maxLength: 200)
                let ok = bytes.withUnsafeBytes { ring.tryAppend(type: .riskVerdict, flags: UInt16(produced & 0xFFFF), timestamp: produced, bytes: $0) }
                if !ok { break }
                produced += 1
            }
            _ = ring.drain { entry in
                #expect(entry.type == .riskVerdict)
                #expect(entry.timestamp == consumed)
                #expect(entry.flags == UInt16(consumed & 0xFFFF))
                #expect(Array(entry.payload) == payload(for: consumed, maxLength: 200))
                consumed += 1
            }
            #expect(consumed == produced)
        }
        #expect(produced > 2000)  // wrapped many times
        #expect(ring.overflows == 200)  // one failed append per fill round
    }

    @Test func aPayloadLargerThanAQuarterOfTheRingIsRefusedAndCounted() {
        let ring = JournalRing(capacity: 4096)
        let big = [UInt8](repeating: 7, count: ring.maximumPayload + 1)
        #expect(!big.withUnsafeBytes { ring.tryAppend(type: .annotation, timestamp: 0, bytes: $0) })
        #expect(ring.overflows == 1)
        let fits = [UInt8](repeating: 7, count: ring.maximumPayload)
        #expect(fits.withUnsafeBytes { ring.tryAppend(type: .annotation, timestamp: 0, bytes: $0) })
    }

    final class Shared: @unchecked Sendable {
        let ring = JournalRing(capacity: 1 << 16)
    }

    @Test func aProducerThreadAndAConsumerThreadLoseAndReorderNothing() async {
        let shared = Shared()
        let total: UInt64 = 200_000
        let producer = Task.detached {
            var i: UInt64 = 0
            while i < total {
                let bytes = payload(for: i, maxLength: 64)
                if bytes.withUnsafeBytes({ shared.ring.tryAppend(type: .timer, timestamp: i, bytes: $0) }) { i += 1 }
            }
        }
        var next: UInt64 = 0
        var bad = 0
        while next < total {
            _ = shared.ring.drain { e in
                if e.timestamp != next || Array(e.payload) != payload(for: next, maxLength: 64) { bad += 1 }
                next += 1
            }
        }
        await producer.value
        #expect(bad == 0)
        #expect(next == total)
    }
}
