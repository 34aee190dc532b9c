import Testing
import VegaCore
import VegaMarketData
import VegaOrderEntry
import VegaVenue

@Suite struct VenueNodeTests {
    let t0: UInt64 = 5_000_000_000
    let ms: UInt64 = 1_000_000
    let zvzzt = OUCHSymbol("ZVZZT")!

    // MARK: Order entry

    @Test func aWrongPasswordOrAnUnknownUserGetsLoginRejectedAndTheConnectionEnds() throws {
        let node = try VenueNode(configuration: vntConfiguration())
        node.open(now: t0)
        var wrongPassword = VNTClient(node, username: "ALPHA", password: "bravopass", now: t0)
        wrongPassword.exchange(node, now: t0 + 1)
        #expect(wrongPassword.events == [.disconnect(.loginRejected(.notAuthorized))])
        #expect(wrongPassword.pipe.closed == .loginRejected(.notAuthorized))

        var unknown = VNTClient(node, username: "NOBODY", password: "alphapass", now: t0)
        unknown.exchange(node, now: t0 + 2)
        #expect(unknown.events == [.disconnect(.loginRejected(.notAuthorized))])

        // Usernames and passwords are case-insensitive (SoupBinTCP 2.3.1).
        var good = VNTClient(node, username: "alpha", password: "ALPHAPASS", now: t0)
        good.exchange(node, now: t0 + 3)
        #expect(good.events == [.loginAccepted(sequence: 1)])
        #expect(good.pipe.closed == nil)

        // Bytes for the refused connection are counted, not processed.
        [UInt8](repeating: 0x41, count: 5).withUnsafeBytes { node.receive($0, on: wrongPassword.id, now: t0 + 4) }
        let s = node.statistics
        #expect(s.loginsRejected == 2)
        #expect(s.logins == 1)
        #expect(s.connections == 3)
        #expect(s.bytesForUnknownConnection == 5)
    }

    @Test func crossingOUCHOrdersGetAcceptedExecutedReplacedAndCanceledOverSoupBinTCP() throws {
        let node = try VenueNode(configuration: vntConfiguration())
        node.open(now: t0)
        var a = VNTClient(node, username: "ALPHA", password: "alphapass", now: t0)
        var b = VNTClient(node, username: "BRAVO", password: "bravopass", now: t0)
        a.exchange(node, now: t0 + 1)
        b.exchange(node, now: t0 + 1)
        #expect(a.events == [.loginAccepted(sequence: 1)])
        #expect(b.events == [.loginAccepted(sequence: 1)])

        a.send(node, now: t0 + 10) { OUCHEnterOrder(userRefNum: 10, side: .buy, quantity: 300, symbol: zvzzt, price: Price4(rawValue: 100_000)).encode(into: $0) }
        #expect(a.takeReplies() == [.accepted(ref: 10, qty: 300, price: 100_000, orderRef: 1)])

        b.send(node, now: t0 + 20) { OUCHEnterOrder(userRefNum: 7, side: .sell, quantity: 100, symbol: zvzzt, price: Price4(rawValue: 99_000)).encode(into: $0) }
        #expect(b.takeReplies() == [.accepted(ref: 7, qty: 100, price: 99_000, orderRef: 2),
                                    .executed(ref: 7, qty: 100, price: 100_000, added: false)])
        a.readReplies(now: t0 + 21)
        #expect(a.takeReplies() == [.executed(ref: 10, qty: 100, price: 100_000, added: true)])

        // Replace the 200 left: a new price loses priority and gets a new order reference.
        a.send(node, now: t0 + 30) { OUCHReplaceOrder(origUserRefNum: 10, userRefNum: 11, quantity: 150, price: Price4(rawValue: 100_100)).encode(into: $0) }
        #expect(a.takeReplies() == [.replaced(orig: 10, ref: 11, qty: 150, price: 100_100, orderRef: 3)])
        #expect(node.matchingEngine.depth(1, side: .buy).map(\.quantity) == [150])

        a.send(node, now: t0 + 40) { OUCHCancelOrder(userRefNum: 11, quantity: 0).encode(into: $0) }
        #expect(a.takeReplies() == [.canceled(ref: 11, qty: 150, reason: OUCHCancelReason.userRequested.rawValue)])
        #expect(node.matchingEngine.restingOrderCount == 0)

        // An order in an unknown symbol is rejected; the stream stays contiguous.
        b.send(node, now: t0 + 50) { OUCHEnterOrder(userRefNum: 8, side: .buy, quantity: 1, symbol: OUCHSymbol("NOPE")!, price: Price4(rawValue: 100)).encode(into: $0) }
        #expect(b.takeReplies() == [.rejected(ref: 8, reason: OUCHRejectReason.invalidSymbol.rawValue)])
        #expect(a.sequences == [1, 2, 3, 4])
        #expect(b.sequences == [1, 2, 3])
        let s = node.statistics
        #expect(s.ouchMessages == 5)
        #expect(s.ouchReplies == 7)
        #expect(s.executions == 1)
        #expect(s.executedShares == 100)
    }

    @Test func aFirmThatReconnectsWithItsCheckpointGetsTheRepliesItMissed() throws {
        let node = try VenueNode(configuration: vntConfiguration())
        node.open(now: t0)
        var a = VNTClient(node, username: "ALPHA", password: "alphapass", now: t0)
        var b = VNTClient(node, username: "BRAVO", password: "bravopass", now: t0)
        a.exchange(node, now: t0 + 1)
        b.exchange(node, now: t0 + 1)
        a.send(node, now: t0 + 10) { OUCHEnterOrder(userRefNum: 1, side: .sell, quantity: 500, symbol: zvzzt, price: Price4(rawValue: 101_000)).encode(into: $0) }
        #expect(a.takeReplies().count == 1)
        let checkpoint = a.session.checkpoint
        #expect(checkpoint.nextSequence == 2)
        node.disconnect(a.id)
        // While ALPHA is away, BRAVO trades against its resting order twice.
        for (i, ref) in [UInt32(5), 6].enumerated() {
            b.send(node, now: t0 + 20 + UInt64(i)) { OUCHEnterOrder(userRefNum: ref, side: .buy, quantity: 100, symbol: zvzzt, price: Price4(rawValue: 101_000)).encode(into: $0) }
        }
        var again = VNTClient(node, username: "ALPHA", password: "alphapass", checkpoint: checkpoint, now: t0 + 30)
        again.exchange(node, now: t0 + 30)
        #expect(again.events == [
            .loginAccepted(sequence: 2),
            .sequenced(sequence: 2, reply: .executed(ref: 1, qty: 100, price: 101_000, added: true)),
            .sequenced(sequence: 3, reply: .executed(ref: 1, qty: 100, price: 101_000, added: true)),
        ])
        #expect(node.replyCount(firm: "alpha") == 3)
    }

    @Test func malformedOUCHIsCountedAndTheConnectionKeepsWorking() throws {
        let node = try VenueNode(configuration: vntConfiguration())
        node.open(now: t0)
        var a = VNTClient(node, username: "ALPHA", password: "alphapass", now: t0)
        a.exchange(node, now: t0)
        a.send(node, now: t0 + 1) { buffer in buffer[0] = 0x4F; buffer[1] = 1; return 2 }
        #expect(node.statistics.ouchMalformed == 1)
        #expect(a.takeReplies().isEmpty)
        a.send(node, now: t0 + 2) { OUCHEnterOrder(userRefNum: 2, side: .buy, quantity: 100, symbol: zvzzt, price: Price4(rawValue: 99_000)).encode(into: $0) }
        #expect(a.takeReplies() == [.accepted(ref: 2, qty: 100, price: 99_000, orderRef: 1)])
        #expect(a.pipe.closed == nil)
    }

    @Test func heartbeatsGoOutWhenIdleAndASilentClientTimesOut() throws {
        let packets = VNTPackets()
        let node = try VenueNode(configuration: vntConfiguration()) { packets.packets.append(Array($0)) }
        node.open(now: t0)
        let afterOpen = packets.packets.count
        var a = VNTClient(node, username: "ALPHA", password: "alphapass", now: t0)
        a.exchange(node, now: t0)
        node.step(now: t0 + 500 * ms)
        #expect(packets.packets.count == afterOpen, "nothing to say yet")
        #expect(a.pipe.bytes.isEmpty)
        node.step(now: t0 + 1_000 * ms)
        // A MoldUDP64 heartbeat (count 0) naming the next sequence number, and a SoupBinTCP
        // Server Heartbeat ('H').
        #expect(packets.packets.count == afterOpen + 1)
        let heartbeat = try #require(packets.packets.last)
        heartbeat.withUnsafeBytes { raw in
            guard case .packet(let p) = MoldUDP64Packet.parse(raw) else { Issue.record("malformed"); return }
            #expect(p.kind == .heartbeat)
            #expect(p.sequence == node.nextMarketDataSequence)
        }
        #expect(a.pipe.bytes == [0, 1, UInt8(ascii: "H")])
        #expect(node.statistics.marketDataHeartbeats == 1)
        // The client says nothing for the idle timeout (15 s): the venue ends the connection.
        node.step(now: t0 + 15_001 * ms)
        #expect(a.pipe.closed == .peerSilent)
        #expect(node.statistics.disconnects == 1)
    }

    @Test func closingEndsTheDayOnBothFeedsAndCancelsWhatRests() throws {
        let packets = VNTPackets()
        let node = try VenueNode(configuration: vntConfiguration()) { packets.packets.append(Array($0)) }
        node.open(now: t0)
        var a = VNTClient(node, username: "ALPHA", password: "alphapass", now: t0)
        a.exchange(node, now: t0)
        a.send(node, now: t0 + 1) { OUCHEnterOrder(userRefNum: 3, side: .buy, quantity: 200, symbol: zvzzt, price: Price4(rawValue: 99_500)).encode(into: $0) }
        _ = a.takeReplies()
        node.close(now: t0 + 2)
        a.readReplies(now: t0 + 2)
        #expect(a.events == [
            .loginAccepted(sequence: 1),
            .sequenced(sequence: 2, reply: .canceled(ref: 3, qty: 200, reason: OUCHCancelReason.closed.rawValue)),
            .endOfSession, .disconnect(.endOfSession),
        ])
        #expect(a.pipe.closed == .endOfSession)
        // The feed: every message, then end of session announcing the next sequence number.
        let last = try #require(packets.packets.last)
        last.withUnsafeBytes { raw in
            guard case .packet(let p) = MoldUDP64Packet.parse(raw) else { Issue.record("malformed"); return }
            #expect(p.kind == .endOfSession)
            #expect(p.sequence == node.nextMarketDataSequence)
        }
        let messages = vntMessages(in: packets.packets)
        #expect(UInt64(messages.count) == node.nextMarketDataSequence - 1)
        // System events O S … Q at open, M E C at close.
        let systemEvents = messages.filter { $0.first == UInt8(ascii: "S") }.map { $0[11] }
        #expect(systemEvents == Array("OSQMEC".utf8))
        vntExpectBooksRebuilt(from: messages, equal: node.matchingEngine, locates: [1, 2])
        #expect(node.matchingEngine.restingOrderCount == 0)
        // Nothing after the close.
        node.step(now: t0 + 5_000 * ms)
        #expect(packets.packets.last == last)
    }

    // MARK: Market data

    /// Background flow and a firm's orders, published over MoldUDP64; one packet lost on the
    /// way. Vega's own MoldUDP64 session asks the venue for it, and Vega's ITCH handler and books
    /// rebuild the venue's book exactly.
    @Test func vegasMarketDataPathRebuildsTheVenuesBookAndRecoversALostPacketByReRequest() throws {
        let packets = VNTPackets()
        let node = try VenueNode(configuration: vntConfiguration(flow: .init(seed: 42, messagesPerSecond: 20_000))) {
            packets.packets.append(Array($0))
        }
        node.open(now: t0)
        var a = VNTClient(node, username: "ALPHA", password: "alphapass", now: t0)
        a.exchange(node, now: t0)
        for i in 1...1_500 {
            let now = t0 + UInt64(i) * ms
            node.step(now: now)
            if i % 100 == 0 {
                a.send(node, now: now) { OUCHEnterOrder(userRefNum: UInt32(i), side: i % 200 == 0 ? .buy : .sell, quantity: 300, symbol: zvzzt,
                                                        price: Price4(rawValue: 100_000)).encode(into: $0) }
            }
        }
        #expect(a.takeReplies().count >= 15)
        let stats = node.statistics
        #expect(stats.backgroundActions == 30_000)
        #expect(stats.restingOrders > 50)

        var session = MoldUDP64Session(MoldUDP64SessionConfiguration(session: MoldUDP64SessionID("TESTV00001")!))
        var recorder = VNTRecorder()
        let lost = 40
        var clock: UInt64 = 1_000_000
        for (i, packet) in packets.packets.enumerated() {
            clock += 100_000
            if i != lost {
                packet.withUnsafeBytes {
                    session.receive(datagram: $0, line: .a, frameTimes: EventTimes(exchange: Timestamp(nanoseconds: 0)), now: clock, output: &recorder)
                }
            }
            session.poll(now: clock, output: &recorder)
            let requests = recorder.requests
            recorder.requests = []
            for request in requests {
                var answers: [[UInt8]] = []
                request.withUnsafeBytes { raw in node.answerRequest(raw) { answers.append(Array($0)) } }
                for answer in answers {
                    answer.withUnsafeBytes {
                        session.receive(datagram: $0, line: .retransmission, frameTimes: EventTimes(exchange: Timestamp(nanoseconds: 0)),
                                        now: clock, output: &recorder)
                    }
                }
            }
        }
        #expect(node.statistics.reRequests >= 1)
        #expect(node.statistics.reRequestsAnswered == node.statistics.reRequests)
        #expect(session.nextSequence == node.nextMarketDataSequence)
        #expect(UInt64(recorder.messages.count) == node.nextMarketDataSequence - 1)
        #expect(recorder.messages == vntMessages(in: packets.packets))
        vntExpectBooksRebuilt(from: recorder.messages, equal: node.matchingEngine, locates: [1, 2])
    }

    @Test func aMalformedOrForeignReRequestGetsNoAnswerAndIsCounted() throws {
        let node = try VenueNode(configuration: vntConfiguration())
        node.open(now: t0)
        var answered = 0
        [UInt8](repeating: 0x20, count: 7).withUnsafeBytes { node.answerRequest($0) { _ in answered += 1 } }
        var request = [UInt8](repeating: 0, count: 20)
        let n = request.withUnsafeMutableBytes { MoldUDP64Encoder.request(into: $0, session: MoldUDP64SessionID("OTHER00001")!, sequence: 1, count: 1) }
        request[0..<n].withUnsafeBytes { node.answerRequest($0) { _ in answered += 1 } }
        #expect(answered == 0)
        #expect(node.statistics.reRequests == 2)
        #expect(node.statistics.reRequestsRefused == 2)
    }

    // MARK: Background flow

    func runFlow(seed: UInt64, rate: Double, steps: Int) throws -> (packets: [[UInt8]], statistics: VenueNodeStatistics) {
        let packets = VNTPackets()
        let node = try VenueNode(configuration: vntConfiguration(flow: .init(seed: seed, messagesPerSecond: rate))) {
            packets.packets.append(Array($0))
        }
        node.open(now: t0)
        for i in 1...steps { node.step(now: t0 + UInt64(i) * ms) }
        return (packets.packets, node.statistics)
    }

    @Test func backgroundFlowRunsAtTheConfiguredRateAndTheSameSeedGivesTheSameBytes() throws {
        let first = try runFlow(seed: 7, rate: 10_000, steps: 1_000)
        let second = try runFlow(seed: 7, rate: 10_000, steps: 1_000)
        let other = try runFlow(seed: 8, rate: 10_000, steps: 1_000)
        #expect(first.packets == second.packets)
        #expect(first.statistics == second.statistics)
        #expect(first.packets != other.packets)
        // One second at 10,000 actions/s.
        #expect(first.statistics.backgroundActions == 10_000)
        // About 6 % of actions are marketable and most of those trade.
        #expect(first.statistics.executions >= 200)
        #expect(first.statistics.executions <= 2_000)
        // Timestamps follow `now`: the last message is stamped within the second after the open.
        let messages = vntMessages(in: first.packets)
        let stamps = messages.map { m in m[5..<11].reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }
        #expect(stamps == stamps.sorted())
        let open: UInt64 = 34_200_000_000_000
        #expect(stamps.first == open)
        #expect(stamps.last! > open + 990 * ms && stamps.last! <= open + 1_000 * ms)
    }

    @Test func aStepAfterALongPauseCatchesUpAtMostMaxActionsPerStep() throws {
        var flow = VenueNodeConfiguration.BackgroundFlow(seed: 1, messagesPerSecond: 10_000)
        flow.maxActionsPerStep = 500
        let node = try VenueNode(configuration: vntConfiguration(flow: flow))
        node.open(now: t0)
        node.step(now: t0 + 1_000 * ms)
        #expect(node.statistics.backgroundActions == 500)
        node.step(now: t0 + 1_000 * ms)
        #expect(node.statistics.backgroundActions == 1_000)
    }

    // MARK: Other sources and configuration

    @Test func applyPublishesAndObservesEngineEventsFromOtherSources() throws {
        let packets = VNTPackets()
        let node = try VenueNode(configuration: vntConfiguration()) { packets.packets.append(Array($0)) }
        var observed: [VenueEvent] = []
        node.eventObserver = { event, _ in observed.append(event) }
        node.open(now: t0)
        node.apply(now: t0 + 1) { engine, events in engine.setHalted(2, true, into: &events) }
        #expect(observed == [.tradingStatus(locate: 2, halted: true)])
        let last = vntMessages(in: packets.packets).last!
        #expect(last.first == UInt8(ascii: "H"))
        #expect(last[19] == UInt8(ascii: "H"))
    }

    @Test func aBadConfigurationIsRefusedNamingTheField() {
        func field(_ change: (inout VenueNodeConfiguration) -> Void) -> String? {
            var c = vntConfiguration(flow: .init(seed: 1, messagesPerSecond: 10))
            change(&c)
            do throws(VenueNodeError) {
                _ = try VenueNode(configuration: c)
                return nil
            } catch {
                if case .invalidConfiguration(_, let field, _, _) = error { return field }
                return error.description
            }
        }
        #expect(field { _ in } == nil)
        #expect(field { $0.instruments[1].locate = 1 } == "instruments[1].locate")
        #expect(field { $0.firms[1].username = "alpha" } == "firms[1].username")
        #expect(field { $0.firms[0].password = "much-too-long" } == "firms[0].password")
        #expect(field { $0.firms[0].firm = 1_003 } == "firms[0].firm")
        #expect(field { $0.marketDataSession = "ELEVENCHARS" } == "marketDataSession")
        #expect(field { $0.instruments = [] } == "instruments")
        #expect(field { $0.backgroundFlow!.messagesPerSecond = -1 } == "backgroundFlow.messagesPerSecond")
    }
}
