import Foundation
import Testing
import VegaCore
@testable import VegaEngine
import VegaJournal
import VegaMarketData
import VegaTrading

/// A lost order-entry connection and its reconnection are lane inputs: journaled, so replay
/// ends and restarts the session at the same points and reproduces what the lane refused while
/// it was down and what it sent after.
@Suite("Lane journal replay across a lost and re-established order-entry connection")
struct LaneReplayReconnectTests {
    typealias B = LaneTestBytes

    /// Logs in, loses venue 0's connection, quotes (refused), reconnects, logs in again, quotes.
    /// `journaled`: through the lane's own calls; otherwise the session is ended and restarted
    /// behind the journal's back (what the live driver did before).
    static func record(into directory: String, journaled: Bool) throws -> LaneCounters {
        let journal = try LaneReplayTests.startJournal(in: directory, configuration: "setup: reconnect")
        var lane = try LaneReplayTests.journaledLane(B.setup(), journal: journal)
        B.logIn(&lane)
        if journaled {
            let lost = lane.orderEntryLost(venue: 0, now: 2_500)
            let outOfRange = lane.orderEntryLost(venue: 9, now: 2_501)
            #expect(lost)
            #expect(!outOfRange, "a venue out of range is ignored")
        } else {
            _ = lane.core.sessions[0].transportLost()
        }
        // The market opens: the market maker quotes, but the session is down.
        B.openMarket(&lane, venue: 0, locate: 7, bid: 1_900_000, ask: 1_901_000, shares: 300, now: 3_000)
        if journaled {
            lane.orderEntryReconnected(venue: 0, now: 6_000)
        } else {
            lane.core.sessions[0].reconnected(now: 6_000)
            lane.flush(now: 6_000)
        }
        B.loginAccepted(sequence: 3).withUnsafeBytes { lane.handleOrderEntry(venue: 0, bytes: $0, now: 7_000) }
        B.packet(sequence: 4, [B.add(locate: 7, reference: 4, side: .sell, shares: 200, price: 1_900_800)]).withUnsafeBytes {
            lane.handleFrame(venue: 0, line: .a, bytes: $0, times: EventTimes(exchange: Timestamp(nanoseconds: 0)), now: 8_000)
        }
        lane.handleTimer(now: 9_000_000)
        lane.cancelAll(now: 10_000_000)
        let counters = lane.core.counters
        _ = consume lane
        try journal.close()
        return counters
    }

    @Test("a journaled loss and reconnection replay to the same decisions and bytes")
    func replayAcrossReconnect() throws {
        let dir = LaneReplayTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let live = try Self.record(into: dir, journaled: true)
        // The run went through what matters: refusals while down, a second login, orders after.
        #expect(live.sessionDisconnects == 1)
        #expect(live.sessionDown > 0, "\(live)")
        #expect(live.logins == 2, "\(live)")
        let result = try LaneReplay.run(directory: dir) { _ in B.setup() }
        #expect(result.matches, "\(result)")
        // What risk saw: the quotes after the login (the refusals while down never reach it).
        #expect(result.journaled.decisions == live.intents - live.sessionDown && result.journaled.decisions >= 2, "\(result)")
        #expect(result.journaled.outboundMessages >= 2, "the quotes after the login: \(result)")
    }

    @Test("the same run with the loss and reconnection kept out of the journal does not replay: the journal is what makes it exact")
    func unjournaledReconnectDiverges() throws {
        let dir = LaneReplayTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let live = try Self.record(into: dir, journaled: false)
        #expect(live.sessionDown > 0)
        let result = try LaneReplay.run(directory: dir) { _ in B.setup() }
        #expect(!result.matches, "\(result)")
    }
}
