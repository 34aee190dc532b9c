import Testing
@testable import VegaOrderEntry

/// The sans-IO client and server sessions, wired back to back with a hand-driven clock.
@Suite struct SoupBinTCPSessionTests {
    @Test func aClientLogsIntoTheCurrentSessionFromSequenceOne() {
        let pair = SessionPair()
        pair.pump()
        #expect(pair.clientEvents == [.accepted("SESSION1", 1)])
        #expect(pair.serverEvents == [.loggedIn("VEGA", 1)])
        #expect(pair.client.checkpoint == SoupBinTCPCheckpoint(session: SoupBinTCPSessionID("SESSION1")!, nextSequence: 1))
        #expect(pair.server.state == .loggedIn && pair.client.state == .loggedIn)
    }

    @Test func theLoginRequestAndAcceptedPacketsHaveTheSpecLayout() {
        let pair = SessionPair()
        // 2.3.1: 'L', username "VEGA  " (upper-cased), password, blank session, sequence 1 left-padded.
        #expect(Array(pair.client.outbox.pending) == packet(0x4C, loginPayload(user: "VEGA", password: "SECRET")))
        pair.toServer(Array(pair.client.outbox.pending))
        // 2.2.1: 'A', session left-padded to 10, sequence number left-padded to 20.
        #expect(Array(pair.server.outbox.pending) == packet(0x41, Array("  SESSION1".utf8) + Array((String(repeating: " ", count: 19) + "1").utf8)))
    }

    @Test func aWrongPasswordIsRejectedAsNotAuthorizedAndBothSidesClose() {
        let pair = SessionPair(client: clientConfig(password: "WRONG"))
        pair.pump()
        #expect(pair.serverEvents == [.disconnect(.loginRejected(.notAuthorized))])
        #expect(pair.clientEvents == [.disconnect(.loginRejected(.notAuthorized))])
        #expect(pair.serverClosed && pair.clientClosed)
    }

    @Test func anUnknownSessionIsRejectedAsNotAvailable() {
        let pair = SessionPair(checkpoint: SoupBinTCPCheckpoint(session: SoupBinTCPSessionID("OTHER")!, nextSequence: 1))
        pair.toServer(Array(pair.client.outbox.pending))
        #expect(Array(pair.server.outbox.pending) == packet(0x4A, [0x53]))
        #expect(pair.serverEvents == [.disconnect(.loginRejected(.sessionNotAvailable))])
    }

    @Test func sequencedMessagesAreDeliveredInOrderAndTheCheckpointFollows() {
        let pair = SessionPair()
        pair.pump()
        for m in ["one", "two", "three"] { pair.append(m) }
        pair.pump()
        #expect(Array(pair.clientEvents.dropFirst()) == [
            .sequenced(1, Array("one".utf8)), .sequenced(2, Array("two".utf8)), .sequenced(3, Array("three".utf8)),
        ])
        #expect(pair.client.checkpoint.nextSequence == 4)
        #expect(pair.server.nextSequence == 4)
    }

    @Test func aRejoinFromTheCheckpointReplaysExactlyTheMissedMessages() {
        let pair = SessionPair()
        pair.pump()
        for i in 1...3 { pair.append("m\(i)") }
        pair.pump()
        let checkpoint = pair.client.checkpoint
        for i in 4...6 { pair.append("m\(i)") }  // published while the client is away
        pair.reconnect(checkpoint: checkpoint)
        pair.pump()
        #expect(pair.clientEvents.first == .accepted("SESSION1", 4))
        #expect(pair.sequenced == [4, 5, 6])
        #expect(pair.client.duplicatesDropped == 0)
        // An older checkpoint replays from there.
        pair.reconnect(checkpoint: SoupBinTCPCheckpoint(session: checkpoint.session, nextSequence: 2))
        pair.pump()
        #expect(pair.sequenced == [2, 3, 4, 5, 6])
    }

    @Test func sequenceZeroStartsAtTheLatestMessageAndBeyondTheStreamIsClamped() {
        let pair = SessionPair(checkpoint: SoupBinTCPCheckpoint(session: .blank, nextSequence: 0))
        for i in 1...5 { pair.append("m\(i)") }
        pair.pump()
        #expect(pair.clientEvents.first == .accepted("SESSION1", 5))
        #expect(pair.sequenced == [5])
        pair.reconnect(checkpoint: SoupBinTCPCheckpoint(session: .blank, nextSequence: 100))
        pair.pump()
        #expect(pair.clientEvents == [.accepted("SESSION1", 6)])
        pair.append("m6")
        pair.pump()
        #expect(pair.sequenced == [6])
    }

    @Test func replayedMessagesBelowTheCheckpointAreDroppedNotDeliveredTwice() {
        // A server that resumes earlier than asked: the client must not deliver 2 and 3 again.
        let pair = SessionPair(checkpoint: SoupBinTCPCheckpoint(session: SoupBinTCPSessionID("SESSION1")!, nextSequence: 4))
        pair.toClient(packet(0x41, Array("SESSION1  ".utf8) + Array(("2" + String(repeating: " ", count: 19)).utf8)))
        for m in ["b", "c", "d"] { pair.toClient(packet(0x53, Array(m.utf8))) }
        #expect(pair.clientEvents == [.accepted("SESSION1", 2), .sequenced(4, Array("d".utf8))])
        #expect(pair.client.duplicatesDropped == 2)
    }

    @Test func heartbeatsGoBothWaysAfterOneSecondOfSilenceOnly() {
        let pair = SessionPair()
        pair.pump()
        pair.now += second - 1
        pair.pollBoth()
        #expect(pair.serverOutboxEmpty && pair.clientOutboxEmpty)
        pair.now += 1
        pair.pollBoth()
        #expect(Array(pair.server.outbox.pending) == packet(0x48))
        #expect(Array(pair.client.outbox.pending) == packet(0x52))
        pair.pump()
        // A minute of heartbeats keeps both alive.
        for _ in 0..<60 { pair.now += second; pair.pump() }
        #expect(pair.server.state == .loggedIn && pair.client.state == .loggedIn)
    }

    @Test func silenceBeyondTheIdleTimeoutDisconnectsWithPeerSilent() {
        var config = serverConfig()
        config.idleTimeout = 5 * second
        let pair = SessionPair(server: config)
        pair.pump()
        pair.now += 5 * second - 1
        pair.server.poll(now: pair.now, store: pair.store) { pair.serverEvents.append(ServerEvent($0)) }
        #expect(!pair.serverClosed)
        pair.now += 1
        pair.server.poll(now: pair.now, store: pair.store) { pair.serverEvents.append(ServerEvent($0)) }
        #expect(pair.serverEvents.last == .disconnect(.peerSilent))
        pair.now += 15 * second
        pair.client.poll(now: pair.now) { pair.clientEvents.append(ClientEvent($0)) }
        #expect(pair.clientEvents.last == .disconnect(.peerSilent))
    }

    @Test func noLoginWithinTheLoginTimeoutDisconnects() {
        let pair = SessionPair()
        pair.now += 30 * second
        pair.server.poll(now: pair.now, store: pair.store) { pair.serverEvents.append(ServerEvent($0)) }
        #expect(pair.serverEvents == [.disconnect(.loginTimeout)])
    }

    @Test func logoutClosesBothSides() {
        let pair = SessionPair()
        pair.pump()
        pair.client.logout(now: pair.now) { pair.clientEvents.append(ClientEvent($0)) }
        pair.pump()
        #expect(pair.clientEvents.last == .disconnect(.logout))
        #expect(pair.serverEvents.last == .disconnect(.logout))
    }

    @Test func endOfSessionFollowsTheLastMessageAndResetsTheCheckpoint() {
        let pair = SessionPair()
        pair.pump()
        pair.append("last")
        pair.store.endSession()
        pair.pump()
        #expect(Array(pair.clientEvents.dropFirst()) == [.sequenced(1, Array("last".utf8)), .endOfSession, .disconnect(.endOfSession)])
        #expect(pair.serverEvents.last == .disconnect(.endOfSession))
        #expect(pair.client.checkpoint == .start)
    }

    @Test func unsequencedDataFlowsBothWaysAndIsNotCounted() {
        let pair = SessionPair()
        pair.pump()
        #expect(Array("order".utf8).withUnsafeBytes { pair.client.sendUnsequenced($0, now: pair.now) })
        #expect(Array("note".utf8).withUnsafeBytes { pair.server.sendUnsequenced($0, now: pair.now) })
        pair.pump()
        #expect(pair.serverEvents.last == .unsequenced(Array("order".utf8)))
        #expect(pair.clientEvents.last == .unsequenced(Array("note".utf8)))
        #expect(pair.client.checkpoint.nextSequence == 1)
    }

    @Test(arguments: [
        (packet(0x55, [1]), SoupBinTCPViolation.unexpectedPacket),  // data before login
        (packet(0x52), .unexpectedPacket),  // heartbeat before login
        (packet(0x7E), .unknownPacketType),
        (packet(0x53, [1]), .unexpectedPacket),  // a server-only type from a client
        (packet(0x4C, [1, 2, 3]), .badPacketLength),
        (packet(0x4C, loginPayload(user: "VEGA", password: "SECRET", sequence: "1x")), .badNumericField),
        (packet(0x4C, [0x01] + Array(loginPayload(user: "VEGA", password: "SECRET").dropFirst())), .badAlphanumericField),
        ([0x00, 0x00], .emptyPacket),
        ([0x04, 0x01, 0x55], .packetTooLong),
        (packet(0x4F, [1]), .badPacketLength),
    ])
    func aClientBreakingTheProtocolIsDisconnectedWithTheReason(bytes: [UInt8], violation: SoupBinTCPViolation) {
        let pair = SessionPair()
        pair.toServer(bytes)
        #expect(pair.serverEvents == [.disconnect(.violation(violation))])
        #expect(pair.serverClosed)
    }

    @Test func aSecondLoginOrAHeartbeatWithPayloadAfterLoginIsAViolation() {
        let pair = SessionPair()
        pair.pump()
        pair.toServer(packet(0x4C, loginPayload(user: "VEGA", password: "SECRET")))
        #expect(pair.serverEvents.last == .disconnect(.violation(.unexpectedPacket)))
        let other = SessionPair()
        other.pump()
        other.toServer(packet(0x52, [0]))
        #expect(other.serverEvents.last == .disconnect(.violation(.badPacketLength)))
    }

    @Test func aServerBreakingTheProtocolIsDisconnectedByTheClient() {
        let a = SessionPair()
        a.toClient(packet(0x4A, [0x58]))
        #expect(a.clientEvents == [.disconnect(.violation(.badRejectCode))])
        let b = SessionPair(checkpoint: SoupBinTCPCheckpoint(session: SoupBinTCPSessionID("SESSION1")!, nextSequence: 1))
        b.toClient(packet(0x41, Array("  SESSION2".utf8) + Array((String(repeating: " ", count: 19) + "1").utf8)))
        #expect(b.clientEvents == [.disconnect(.violation(.sessionMismatch))])
        let c = SessionPair()
        c.toClient(packet(0x53, [1]))  // data before Login Accepted
        #expect(c.clientEvents == [.disconnect(.violation(.unexpectedPacket))])
        let d = SessionPair()
        d.pump()
        d.toClient(packet(0x4C, loginPayload(user: "A", password: "B")))  // a client-only type
        #expect(d.clientEvents.last == .disconnect(.violation(.unexpectedPacket)))
    }

    @Test func aFloodAboveTheConfiguredRateIsCutOffButTheSameRateSpreadOutIsNot() {
        var config = serverConfig()
        config.maxInboundPacketsPerSecond = 10
        let calm = SessionPair(server: config)
        calm.pump()  // login: 1 packet
        for _ in 0..<30 { calm.now += second / 5; calm.toServer(packet(0x52)) }
        #expect(!calm.serverClosed)
        let flood = SessionPair(server: config)
        flood.pump()
        flood.toServer(Array([[UInt8]](repeating: packet(0x52), count: 10).joined()))
        #expect(flood.serverEvents.last == .disconnect(.flood))
    }

    @Test func aSlowReaderGetsTheWholeStreamInOrderThroughABoundedOutbox() {
        var config = serverConfig()
        config.outboxCapacity = 256
        let pair = SessionPair(server: config)
        pair.pump()
        for i in 1...500 { pair.append("message number \(i)") }
        pair.server.poll(now: pair.now, store: pair.store) { _ in }
        #expect(pair.server.outbox.count <= 256)
        pair.pump()
        #expect(pair.sequenced == Array(1...500))
    }
}
