#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import VegaCore
@testable import VegaOrderEntry

/// OUCH over SoupBinTCP over real loopback TCP sockets: Vega's client and server runners, the same
/// sans-IO sessions the lane uses, and a venue stand-in that answers each Enter Order.
@Suite(.serialized) struct SoupBinTCPLiveTests {
    /// A server whose application accepts every Enter Order and fills it at once at its price.
    func venue(_ config: SoupBinTCPServerConfiguration = serverConfig()) throws -> SoupBinTCPSocketServer {
        let server = try SoupBinTCPSocketServer(configuration: config)
        var matchNumber: UInt64 = 1_000
        server.onUnsequenced = { [unowned server] _, payload in
            guard case .enterOrder(let o)? = try? OUCHDecoder.parseInbound(payload) else { return }
            let order = o.message
            let now = OUCHTimestamp(nanoseconds: 34_200_000_000_000)
            server.appendSequenced(maxLength: 128) {
                OUCHOrderAccepted(accepting: order, timestamp: now, orderReferenceNumber: UInt64(order.userRefNum) + 500).encode(into: $0)
            }
            matchNumber += 1
            let m = matchNumber
            server.appendSequenced(maxLength: 128) {
                OUCHOrderExecuted(timestamp: now, userRefNum: order.userRefNum, quantity: order.quantity, price: order.price,
                                  liquidityFlag: .removed, matchNumber: m).encode(into: $0)
            }
        }
        return server
    }

    @Test func anEnterOrderIsAcceptedThenExecutedOverLoopback() throws {
        let server = try venue()
        let client = try SoupBinTCPSocketClient(configuration: clientConfig(), port: server.port)
        var outbound: [OUCHOutboundMessage] = []
        var copies: [[UInt8]] = []  // keep the bytes the views point into
        client.onSequenced = { _, payload in copies.append(Array(payload)) }
        #expect(runUntil({ server.step(); client.step() }) { client.isLoggedIn })
        let order = OUCHEnterOrder(userRefNum: 1, side: .buy, quantity: 300, symbol: aapl, price: Price4(rawValue: 1_502_500),
                                   timeInForce: .immediateOrCancel, clOrdID: OUCHClOrdID("LIVE-1")!)
        #expect(client.send(maxPayload: 64) { order.encode(into: $0) })
        #expect(runUntil({ server.step(); client.step() }) { copies.count == 2 })
        var decoder = OUCHDecoder()
        for c in copies { c.withUnsafeBytes { if let m = decoder.decodeOutbound($0) { outbound.append(m) } } }
        #expect(decoder.counters.decoded == 2)
        // The views point into `copies`, alive until the end of the test.
        withExtendedLifetime(copies) {
            guard outbound.count == 2, case .orderAccepted(let a) = outbound[0], case .orderExecuted(let e) = outbound[1] else {
                Issue.record("expected Accepted then Executed"); return
            }
            #expect(a.userRefNum == 1 && a.quantity == 300 && a.price == order.price && a.orderReferenceNumber == 501)
            #expect(a.clOrdID == order.clOrdID && a.timeInForce == .immediateOrCancel && a.orderState == .live)
            #expect(e.userRefNum == 1 && e.quantity == 300 && e.price == order.price && e.matchNumber == 1_001)
        }
        #expect(client.checkpoint.nextSequence == 3)
        client.logout()
        #expect(runUntil({ server.step() }) { server.openConnections.isEmpty })
        #expect(server.disconnects.map(\.reason) == [.logout])
    }

    @Test func aClientCutOffMidStreamRejoinsAtItsCheckpointWithNothingLostOrDuplicated() throws {
        let server = try venue()
        let path = NSTemporaryDirectory() + "vega-soup-checkpoint-\(getpid()).dat"
        defer { unlink(path) }
        unlink(path)
        func publish(_ range: ClosedRange<UInt64>) {
            for i in range {
                server.appendSequenced(maxLength: 64) {
                    OUCHOrderExecuted(timestamp: ts, userRefNum: 7, quantity: 1, price: Price4(rawValue: 1), liquidityFlag: .added,
                                      matchNumber: i).encode(into: $0)
                }
            }
        }
        var received: [UInt64] = []
        func record(_ sequence: UInt64, _ payload: UnsafeRawBufferPointer) {
            guard case .orderExecuted(let e)? = try? OUCHDecoder.parseOutbound(payload) else { Issue.record("not Executed"); return }
            #expect(e.matchNumber == sequence)  // message i was published as sequence i
            received.append(e.matchNumber)
        }
        publish(1...3_000)
        let first = try SoupBinTCPSocketClient(configuration: clientConfig(), port: server.port,
                                               checkpointFile: try SoupBinTCPCheckpointFile(path: path))
        first.onSequenced = record
        #expect(runUntil({ server.step(); first.step() }) { received.count >= 700 })
        first.dropConnection()  // mid-stream: messages in flight in the kernel are lost with it
        #expect(runUntil({ server.step() }) { server.openConnections.isEmpty })
        publish(3_001...4_000)  // published while the client is away

        let file = try SoupBinTCPCheckpointFile(path: path)
        let saved = try #require(file.load())
        #expect(saved.nextSequence == UInt64(received.count) + 1)
        #expect(saved.session == SoupBinTCPSessionID("SESSION1"))
        let second = try SoupBinTCPSocketClient(configuration: clientConfig(), port: server.port, checkpointFile: file)
        second.onSequenced = record
        #expect(runUntil({ server.step(); second.step() }) { received.count >= 4_000 })
        #expect(received == Array(1...4_000))
        #expect(second.accepted?.sequenceNumber == saved.nextSequence)
        #expect(server.logins.map(\.nextSequence) == [1, saved.nextSequence])
        #expect(second.duplicatesDropped == 0)
        #expect(server.disconnects.first?.reason == .transportClosed)
    }

    @Test func garbageHalfPacketsWrongPasswordsAndFloodsEachCloseOnlyTheirOwnConnection() throws {
        var config = serverConfig()
        config.idleTimeout = 400_000_000  // a stalled half packet is found in 0.4 s
        config.heartbeatInterval = 100_000_000
        config.maxInboundPacketsPerSecond = 1_000
        let server = try venue(config)
        var goodConfig = clientConfig()
        goodConfig.heartbeatInterval = 100_000_000  // keeps the good client inside the short idle timeout
        let good = try SoupBinTCPSocketClient(configuration: goodConfig, port: server.port)
        var goodMessages = 0
        good.onSequenced = { _, _ in goodMessages += 1 }
        func turn() { server.step(); good.step() }
        #expect(runUntil(turn) { good.isLoggedIn })

        let garbage = RawPeer(port: server.port)
        garbage.send(Array("GARBAGE FROM A CONFUSED PEER\r\n".utf8), pump: turn)
        let stalled = RawPeer(port: server.port)
        stalled.send(Array(packet(0x4C, loginPayload(user: "VEGA", password: "SECRET")).prefix(20)), pump: turn)
        let intruder = RawPeer(port: server.port)
        intruder.send(packet(0x4C, loginPayload(user: "VEGA", password: "GUESS")), pump: turn)
        let flooder = RawPeer(port: server.port)
        flooder.send(packet(0x4C, loginPayload(user: "VEGA", password: "SECRET")), pump: turn)
        #expect(runUntil(turn) { server.logins.count == 2 })
        flooder.send(Array([[UInt8]](repeating: packet(0x52), count: 5_000).joined()), pump: turn)

        let peers = [garbage, stalled, intruder, flooder]
        #expect(runUntil({ turn(); peers.forEach { $0.poll() } }) { peers.allSatisfy(\.closedByPeer) })
        let reasons = Set(server.disconnects.map(\.reason))
        #expect(reasons == [.violation(.packetTooLong), .peerSilent, .loginRejected(.notAuthorized), .flood])
        #expect(intruder.received == packet(0x4A, [0x41]))  // Login Rejected, Not Authorized, then close
        // The good session never noticed: still logged in, and still served.
        #expect(good.isLoggedIn)
        let order = OUCHEnterOrder(userRefNum: 2, side: .sell, quantity: 10, symbol: aapl, price: Price4(rawValue: 1_000_000))
        #expect(good.send(maxPayload: 64) { order.encode(into: $0) })
        #expect(runUntil(turn) { goodMessages == 2 })
        #expect(server.openConnections.count == 1)
    }

    @Test func aClientThatStopsReadingIsCutOffInsteadOfBufferedWithoutLimit() throws {
        var config = serverConfig()
        config.idleTimeout = 500_000_000
        config.outboxCapacity = 64 << 10
        config.maxInboundPacketsPerSecond = 0  // its heartbeats come every loop turn; not a flood test
        let server = try SoupBinTCPSocketServer(configuration: config, maxMessages: 1 << 20, maxBytes: 48 << 20)
        let slow = RawPeer(port: server.port)
        slow.send(packet(0x4C, loginPayload(user: "VEGA", password: "SECRET")), pump: { server.step() })
        #expect(runUntil({ server.step() }) { server.logins.count == 1 })
        // 36 MB in all, more than the kernel's socket buffers hold, published a slice per loop turn.
        // The peer keeps sending heartbeats (so it is not silent) but never reads.
        var published = 0
        func turn() {
            for _ in 0..<10_000 where published < 1_000_000 {
                let i = UInt64(published)
                server.appendSequenced(maxLength: 64) {
                    OUCHOrderExecuted(timestamp: ts, userRefNum: 1, quantity: 1, price: .zero, liquidityFlag: .added,
                                      matchNumber: i).encode(into: $0)
                }
                published += 1
            }
            slow.send(packet(0x52), pump: {})
            server.step()
        }
        #expect(runUntil(turn) { !server.disconnects.isEmpty })
        #expect(server.disconnects.map(\.reason) == [.peerNotReading])
    }
}
