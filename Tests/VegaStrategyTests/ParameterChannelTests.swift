import Logging
import Foundation
import Synchronization
import Testing
import VegaStrategy

/// 128 words that a writer always sets to the same value: a reader that ever sees two
/// different words has read a torn copy. (Large, so a write takes long enough for reads to
/// overlap it often.)
struct Probe: StrategyParameters {
    var words: InlineArray<128, Int64>
    init(_ v: Int64) { words = InlineArray(repeating: v) }
    var values: [Int64] { (0..<128).map { words[$0] } }
    static func == (a: Probe, b: Probe) -> Bool { a.values == b.values }
    func validate() throws(ParameterError) {
        if words[0] < 0 { throw ParameterError(parameter: "Probe.words", value: "\(words[0])", expected: "≥ 0") }
    }
}

@Suite struct ParameterChannelTests {
    @Test func invalidValuesAreRefusedWithTheReasonAndNeverPublished() throws {
        let channel = try ParameterChannel(Probe(1))
        #expect(throws: ParameterError(parameter: "Probe.words", value: "-5", expected: "≥ 0")) {
            try channel.publish(Probe(-5))
        }
        #expect(channel.version == 1)
        #expect(channel.current() == Probe(1))
        #expect(throws: ParameterError.self) { try ParameterChannel(Probe(-1)) }
    }

    @Test func marketMakerParametersAreValidated() {
        let good = MarketMakerParameters(halfSpread: px(300), quoteSize: qty(100), maxPosition: qty(1_000))
        #expect(throws: Never.self) { try good.validate() }
        var bad = good
        bad.maxPosition = qty(50)
        #expect(throws: ParameterError(parameter: "MarketMaker.maxPosition", value: "50",
                                       expected: "quoteSize (100)...1099511627776 shares")) { try bad.validate() }
        bad = good
        bad.halfSpread = px(-1)
        #expect(throws: ParameterError.self) { try bad.validate() }
        bad = good
        bad.widenAtVPIN = 600_000
        bad.pullAtVPIN = 500_000
        #expect(throws: ParameterError.self) { try bad.validate() }
        bad = good
        bad.quoteSize = qty(0)
        #expect(throws: ParameterError.self) { try bad.validate() }
    }

    @Test func subscriptionSeesEachNewVersionOnce() throws {
        let channel = try ParameterChannel(Probe(1))
        var sub = ParameterSubscription(channel)
        #expect(sub.poll() == Probe(1))
        #expect(sub.poll() == nil)
        try channel.publish(Probe(2))
        try channel.publish(Probe(3))
        // Only the latest matters: intermediate values are skipped.
        #expect(sub.poll() == Probe(3))
        #expect(sub.version == 3)
        #expect(sub.poll() == nil)
    }

    @Test func lanePollingWhileAControlThreadPublishesNeverSeesATornOrOlderValue() throws {
        // 100,000 publications: keep their info lines out of the test log.
        var quiet = Logger(label: "vega.strategy.parameters.test")
        quiet.logLevel = .error
        let channel = try ParameterChannel(Probe(0), logger: quiet)
        let last: Int64 = 100_000
        let stop = Atomic<Bool>(false)
        let writer = Thread {
            var v: Int64 = 1
            while v <= last && !stop.load(ordering: .relaxed) {
                _ = try? channel.publish(Probe(v))
                v += 1
            }
        }
        writer.start()
        defer { stop.store(true, ordering: .relaxed) }

        var sub = ParameterSubscription(channel)
        var seen: Int64 = -1
        var observed = 0
        var torn = 0
        var backwards = 0
        let deadline = Date().addingTimeInterval(60)
        while seen < last && Date() < deadline {
            guard let p = sub.poll() else { continue }
            let values = p.values
            if Set(values).count != 1 { torn += 1 }
            if values[0] <= seen { backwards += 1 }
            seen = values[0]
            observed += 1
        }
        #expect(seen == last, "the lane saw the final value")
        #expect(torn == 0)
        #expect(backwards == 0)
        #expect(observed > 1)
    }
}
