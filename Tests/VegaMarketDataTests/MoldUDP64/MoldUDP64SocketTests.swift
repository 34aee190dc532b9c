import Glibc
import Testing
import VegaCore
import VegaHardware
import VegaMarketData

/// The same feed handler on kernel sockets: A and B as two multicast groups on loopback with
/// SO_TIMESTAMPING, re-requests over unicast UDP to a `MoldUDP64UDPRequestServer`.
@Suite struct MoldUDP64SocketTests {
    static var monotonicNow: UInt64 { Timestamp<Monotonic>.now().nanoseconds }

    static func send(_ queue: inout UDPSocketQueue, _ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.withUnsafeBytes { raw in (try? queue.transmit(raw)) != nil }
    }

    @Test("over loopback multicast A/B sockets and a UDP re-request server: every message once, in order, each with a kernel software stamp",
          .enabled(if: geteuid() == 0, "needs root: SO_BINDTODEVICE on lo for the multicast lines"))
    func loopbackMulticast() throws {
        let groupA = try IPv4Endpoint("239.198.18.1:0"), groupB = try IPv4Endpoint("239.198.18.2:0")
        // Ports from the pid so parallel runs of the suite do not collide.
        let portA = UInt16(30_000 + Int(getpid()) % 10_000), portB = portA &+ 1
        func receiver(_ group: IPv4Endpoint, _ port: UInt16) throws(HardwareSetupError) -> UDPSocketQueue {
            try UDPSocketQueue(.init(bind: IPv4Endpoint(addressBE: 0, port: port),
                                     multicastGroup: IPv4Endpoint(addressBE: group.address, port: port),
                                     interface: "lo", timestamping: .software, receiveBufferBytes: 4 << 20))
        }
        func sender(_ group: IPv4Endpoint, _ port: UInt16) throws(HardwareSetupError) -> UDPSocketQueue {
            try UDPSocketQueue(.init(bind: try IPv4Endpoint("127.0.0.1:0"), interface: "lo",
                                     destination: IPv4Endpoint(addressBE: group.address, port: port), timestamping: .none))
        }
        var server = try MoldUDP64UDPRequestServer(
            server: MoldUDP64RequestServer(session: testSession, capacity: 1 << 14, slotBytes: 64, maxPayload: 1472),
            bind: IPv4Endpoint("127.0.0.1:0"))
        let recovery = try UDPSocketQueue(.init(bind: IPv4Endpoint("127.0.0.1:0"),
                                                destination: IPv4Endpoint("127.0.0.1:\(server.port)"), timestamping: .software))
        var handler = try FeedHandler(
            session: MoldUDP64SessionConfiguration(session: testSession, requestDelayNanoseconds: 200_000,
                                                   requestTimeoutNanoseconds: 50_000_000, maxRetries: 5),
            lineA: try receiver(groupA, portA), lineB: try receiver(groupB, portB), recovery: recovery,
            consumer: RecordingConsumer())
        var sendA = try sender(groupA, portA), sendB = try sender(groupB, portB)

        let total: UInt64 = 2_000
        var buffer = [UInt8](repeating: 0, count: 1472)
        var next: UInt64 = 1, index = 0
        while next <= total {
            let n = min(4, total - next + 1)
            let length = buffer.withUnsafeMutableBytes { out -> Int in
                var e = MoldUDP64Encoder(into: out, session: testSession, sequence: next)
                for q in next..<(next + n) { Synthetic.message(q).withUnsafeBytes { _ = server.server.append($0); e.append($0) } }
                return e.finish()
            }
            // Deterministic losses: every 7th packet only on B, every 11th only on A, every 50th on neither.
            if index % 50 != 0 {
                if index % 7 != 0 { #expect(Self.send(&sendA, buffer[0..<length])) }
                if index % 11 != 0 { #expect(Self.send(&sendB, buffer[0..<length])) }
            }
            index += 1
            next += n
            _ = handler.poll(now: Self.monotonicNow)
            _ = server.serve()
        }
        let eos = buffer.withUnsafeMutableBytes { MoldUDP64Encoder.endOfSession(into: $0, session: testSession, nextSequence: total + 1) }
        #expect(Self.send(&sendA, buffer[0..<eos]) && Self.send(&sendB, buffer[0..<eos]))
        // A generous bound on waiting, not a timing assertion.
        let deadline = Self.monotonicNow + 20_000_000_000
        while handler.output.consumer.sequences.count < Int(total) && Self.monotonicNow < deadline {
            _ = handler.poll(now: Self.monotonicNow)
            _ = server.serve()
            sched_yield()
        }
        let consumer = handler.output.consumer
        #expect(consumer.sequences == Array(1...total))
        #expect(consumer.badPayloads == 0 && consumer.staleMarks.isEmpty)
        #expect(consumer.times.allSatisfy { $0.hasKernel && $0.kernelNanoseconds > 0 })
        let c = handler.session.counters
        #expect(c.retransmission.firstCopies > 0 && c.lineA.firstCopies > 0 && c.lineB.firstCopies > 0)
        #expect(server.server.counters.answered > 0)
    }
}
