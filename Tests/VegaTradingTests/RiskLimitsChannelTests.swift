import Glibc
import Synchronization
import Testing
import VegaCore
import VegaTrading

@Suite("Risk limits: validation and run-time hand-over")
struct RiskLimitsChannelTests {
    @Test func validationNamesTheFieldTheValueAndWhatWasExpected() {
        func error(_ l: RiskLimits) -> TradingConfigurationError? {
            do { try l.validate(capacity: smallCapacity); return nil } catch { return error }
        }
        #expect(error(RiskLimits()) == nil)
        #expect(error(RiskLimits(instruments: [InstrumentID(3): InstrumentLimits(maxLong: 0)]))?.field == "instruments[3].maxLong")
        #expect(error(RiskLimits(instruments: [InstrumentID(8): InstrumentLimits()]))?.field == "instruments[8]")
        let rate = error(RiskLimits(accounts: [AccountID(2): AccountLimits(orderRate: RateLimit(perSecond: 10, burst: 0))]))
        #expect(rate == TradingConfigurationError(field: "accounts[2].orderRate.burst", value: "0", expected: "1...1000000"))
        #expect(error(RiskLimits(lane: LaneLimits(collar: CollarPolicy(basisPoints: 0))))?.field == "lane.collar.basisPoints")
        #expect(error(RiskLimits(accountDefaults: AccountLimits(lossLimit: -5)))?.field == "accountDefaults.lossLimit")
        #expect(error(RiskLimits(lane: LaneLimits(maxRejects: 3, rejectWindow: 0)))?.field == "lane.rejectWindow")
        #expect(error(RiskLimits(instrumentDefaults: InstrumentLimits(maxOrderQuantity: 1 << 41)))?.description
                == "invalid trading configuration: instrumentDefaults.maxOrderQuantity = 2199023255552, expected 1...1099511627776, or UInt64.max for no limit")
        var cap = smallCapacity
        cap.venues = 300
        #expect(error(RiskLimits()) == nil)
        #expect((try? RiskLimits().validate(capacity: cap)) == nil)
    }

    @Test func publishIsRefusedWhileThePreviousUpdateIsUnappliedAndInvalidLimitsChangeNothing() throws {
        let channel = try RiskLimitsChannel(capacity: smallCapacity, limits: RiskLimits())
        var lane = channel.laneEnd
        try channel.publish(RiskLimits(instrumentDefaults: InstrumentLimits(maxOrderQuantity: 10)))
        #expect(throws: RiskLimitsChannel.PublishError.busy) {
            try channel.publish(RiskLimits(instrumentDefaults: InstrumentLimits(maxOrderQuantity: 20)))
        }
        #expect(lane.instrument(1).maxOrderQuantity == .max)
        let first = lane.poll()
        #expect(first)
        #expect(lane.instrument(1).maxOrderQuantity == 10)
        let again = lane.poll()
        #expect(!again)
        #expect(channel.isApplied && channel.appliedVersion == 1)
        #expect(throws: RiskLimitsChannel.PublishError.self) {
            try channel.publish(RiskLimits(instrumentDefaults: InstrumentLimits(maxLong: -1)))
        }
        #expect(channel.published.instrumentDefaults.maxOrderQuantity == 10)
    }

    /// A control thread publishes a sequence of limits while the lane polls between "events":
    /// the lane only ever sees complete tables (every field of a version agrees), in order.
    @Test func aControlThreadHandsLimitsToAPollingLaneWithoutTearing() async throws {
        let channel = try RiskLimitsChannel(capacity: smallCapacity, limits: RiskLimits())
        let versions = 2_000
        let control = Thread {
            var k = 1
            while k <= versions {
                let q = UInt64(k)
                var l = RiskLimits(instrumentDefaults: InstrumentLimits(maxOrderQuantity: q, maxLong: Int64(q)))
                l.lane.maxOpenOrders = Int64(q)
                do throws(RiskLimitsChannel.PublishError) {
                    try channel.publish(l)
                    k += 1
                } catch .busy {
                    continue
                } catch {
                    Issue.record("publish failed: \(error)")
                    return
                }
            }
        }
        var lane = channel.laneEnd
        var last: UInt64 = 0
        let deadline = ContinuousClock.now + .seconds(60)
        while last < UInt64(versions) && ContinuousClock.now < deadline {
            _ = lane.poll()
            let q = lane.instrument(5).maxOrderQuantity
            guard q != .max else { continue }
            #expect(lane.instrument(0).maxLong == Int64(q))
            #expect(lane.lane.maxOpenOrders == Int64(q))
            #expect(q >= last)
            last = q
        }
        control.join()
        #expect(last == UInt64(versions))
    }
}

/// A joinable thread for tests (the control side runs on its own thread, as in production).
final class Thread: @unchecked Sendable {
    private var handle = pthread_t()
    private let body: @Sendable () -> Void

    init(_ body: @escaping @Sendable () -> Void) {
        self.body = body
        let box = Unmanaged.passRetained(self).toOpaque()
        pthread_create(&handle, nil, { raw in
            let me = Unmanaged<Thread>.fromOpaque(raw!).takeRetainedValue()
            me.body()
            return nil
        }, box)
    }

    func join() { pthread_join(handle, nil) }
}
