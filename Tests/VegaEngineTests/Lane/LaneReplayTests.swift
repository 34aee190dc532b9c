import Foundation
import Testing
import VegaCore
import VegaEngine
import VegaJournal
import VegaMarketData
import VegaStrategy
import VegaTrading

@Suite("Lane journal replay: the same inputs through the same code reproduce every decision and byte")
struct LaneReplayTests {
    typealias B = LaneTestBytes
    typealias JournaledLane = Lane<LaneTestQueue, LaneTestQueue, LiveLaneTap>

    /// Runs a two-venue lane (market maker + arbitrage) over hand-built inputs with a journal.
    /// A started journal in `directory` holding `configuration` first (as `vega run` writes it).
    static func startJournal(in directory: String, configuration: String = "setup: test") throws -> Journal {
        let journal = try Journal.open(JournalConfiguration(directory: directory))
        try journal.start()
        _ = Array(configuration.utf8).withUnsafeBytes { journal.ring.tryAppend(type: .configurationChange, timestamp: 1, bytes: $0) }
        return journal
    }

    /// A lane of `setup`, built at `now` 1,000, that journals into `journal`.
    static func journaledLane(_ setup: LaneSetup, journal: Journal) throws -> JournaledLane {
        let channel = try RiskLimitsChannel(capacity: setup.capacity, limits: setup.limits)
        let core = try LaneCore(setup: setup, limits: channel, tap: LiveLaneTap(journal: journal, receiveStamps: false), now: 1_000)
        return try JournaledLane(core: core, setup: setup, journal: journal, now: 1_000,
                                 marketData: { _ in LaneTestQueue() }, orderEntry: { _ in LaneTestQueue() })
    }

    static func record(into directory: String, setup: LaneSetup) throws -> (decisions: UInt64, outbound: UInt64) {
        let journal = try startJournal(in: directory)
        var lane = try journaledLane(setup, journal: journal)
        B.logIn(&lane, venues: 0..<2)
        // The market maker quotes 1_900_300 / 1_901_300 around this (its ask above the
        // arbitrage's buy at 1_901_000, so no leg would trade against our own quote).
        B.openMarket(&lane, venue: 0, locate: 7, bid: 1_900_600, ask: 1_901_000, shares: 300, now: 3_000)
        B.openMarket(&lane, venue: 1, locate: 3, bid: 1_905_000, ask: 1_906_000, shares: 200, now: 4_000)
        // A gap on venue 0 (sequence 5 while 4 is next): the session asks for a re-request.
        B.packet(sequence: 5, [B.add(locate: 7, reference: 9, side: .buy, shares: 100, price: 1_900_100)]).withUnsafeBytes {
            lane.handleFrame(venue: 0, line: .a, bytes: $0, times: EventTimes(exchange: Timestamp(nanoseconds: 0)), now: 5_000)
        }
        lane.handleTimer(now: 6_000_000)
        lane.cancelAll(now: 7_000_000)
        let decisions = lane.core.counters.intents
        let outbound = lane.core.counters.ordersSent + lane.core.counters.cancelsSent + lane.core.counters.replacesSent
        _ = consume lane
        try journal.close()
        return (decisions, outbound)
    }

    static func temporaryDirectory() -> String {
        let path = NSTemporaryDirectory() + "vega-lane-replay-\(UInt64.random(in: 0...UInt64.max))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("replaying a journal reproduces the live lane's decisions and outbound bytes exactly")
    func replayMatches() throws {
        let dir = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let setup = B.setup(arbitrage: true)
        let live = try Self.record(into: dir, setup: setup)
        #expect(live.decisions >= 4)
        var configurations: [String] = []
        let result = try LaneReplay.run(directory: dir) { text in
            configurations.append(text)
            return setup
        }
        #expect(configurations == ["setup: test"])
        #expect(result.matches, "\(result)")
        #expect(result.journaled.decisions == live.decisions)
        #expect(result.replayed.outboundMessages == live.outbound)
        #expect(result.problems.isEmpty)
        // And twice gives the same hash.
        let again = try LaneReplay.run(directory: dir) { _ in setup }
        #expect(again.replayed == result.replayed)
    }

    @Test("replay through a different lane (another strategy parameter) is detected as different")
    func replayDetectsDifference() throws {
        let dir = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let setup = B.setup(arbitrage: true)
        _ = try Self.record(into: dir, setup: setup)
        var other = setup
        other.marketMakers[0].parameters.halfSpread = Price4(rawValue: 700)
        let result = try LaneReplay.run(directory: dir) { _ in other }
        #expect(!result.matches)
    }

    @Test("a journal without the lane's records says what is missing")
    func notALaneJournal() throws {
        let dir = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let journal = try Journal.open(JournalConfiguration(directory: dir))
        try journal.start()
        _ = Array("hello".utf8).withUnsafeBytes { journal.ring.tryAppend(type: .annotation, timestamp: 1, bytes: $0) }
        try journal.close()
        #expect(throws: LaneReplay.Failure.self) { try LaneReplay.run(directory: dir) { _ in B.setup() } }
    }
}
