import Foundation
import Glibc
import Testing
import VegaEngine
import VegaHardware
import VegaMarketData

/// The late join's catch-up (`LiveFeedQueue`) against a re-request "server" the test holds in
/// its hand: a plain UDP socket that answers only when told to. The multicast group and the
/// server are on loopback; nothing here depends on how fast the machine is, only on enough time
/// passing for the queue's 100 ms silence periods.
@Suite("A live feed's late join: silence from the re-request server ends the catch-up only when nothing later waits on the group",
       .serialized, .enabled(if: geteuid() == 0, "needs root: SO_BINDTODEVICE on lo for the multicast group"))
struct LiveFeedCatchUpTests {
    static let session = MoldUDP64SessionID("LFC0000001")!

    /// The queue, the server socket it sends its requests to (a plain socket: the test reads
    /// each request's source with `recvfrom` to answer it), and a sender on the group.
    final class LFCSetup {
        var queue: LiveFeedQueue
        let server: Int32
        var group: UDPSocketQueue

        init(groupNumber: Int) throws {
            let probe = try UDPSocketQueue(.init(bind: try IPv4Endpoint("127.0.0.1:0"), timestamping: .none))
            let lineA = try IPv4Endpoint("239.198.\(getpid() % 250).\(groupNumber):\(probe.localPort)")
            let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
            }
            guard fd >= 0, bound else { throw LFCError.serverSocket(errno: errno) }
            server = fd
            let venue = EnginePlan.LiveVenue(
                name: "LFC", interface: "lo", lineA: lineA,
                recovery: try IPv4Endpoint("127.0.0.1:\(UInt16(bigEndian: address.sin_port))"),
                orderEntry: try IPv4Endpoint("127.0.0.1:1"), timestamping: .software)
            queue = try LiveFeedQueue(venue, session: LiveFeedCatchUpTests.session)
            group = try UDPSocketQueue(.init(bind: try IPv4Endpoint("127.0.0.1:0"), interface: "lo",
                                             destination: lineA, timestamping: .none))
        }

        deinit { close(server) }
    }

    /// A MoldUDP64 packet of `count` one-byte messages from `sequence` (the catch-up reads only
    /// the header).
    static func packet(sequence: UInt64, count: Int) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 1472)
        let length = buffer.withUnsafeMutableBytes { out -> Int in
            var e = MoldUDP64Encoder(into: out, session: session, sequence: sequence)
            for _ in 0..<count { [UInt8(0x53)].withUnsafeBytes { _ = e.append($0) } }
            return e.finish()
        }
        return Array(buffer[0..<length])
    }

    /// Polls the queue (as the lane does) until it stops catching up or `seconds` pass; returns
    /// the packets it handed over.
    static func poll(_ setup: LFCSetup, seconds: Double, batch: inout RxBatch) throws -> Int {
        let deadline = Date().addingTimeInterval(seconds)
        var handed = 0
        while setup.queue.isCatchingUp && Date() < deadline {
            handed += try setup.queue.receive(into: &batch)
            usleep(2_000)
        }
        return handed
    }

    @Test("a later packet waiting on the group keeps the catch-up asking through a silent server, and an answer reaching it ends the catch-up there")
    func waitsForASlowServerWhileTheGroupIsAhead() throws {
        let setup = try LFCSetup(groupNumber: 1)
        var batch = try RxBatch(capacity: 16, slotSize: 2048)
        // The group is ahead: sequence 50 waits there before the lane reads anything.
        let ahead = Self.packet(sequence: 50, count: 1)
        #expect(ahead.withUnsafeBytes { (try? setup.group.transmit($0)) != nil })
        // Well past the five 100 ms silences that end a catch-up on a quiet group.
        _ = try Self.poll(setup, seconds: 1.5, batch: &batch)
        let stillCatchingUp = setup.queue.isCatchingUp, early = setup.queue.catchUpOutcome
        #expect(stillCatchingUp, "ended on silence with packet 50 waiting: \(String(describing: early))")
        // The server finally answers the latest request (for sequence 1) with 1..<50, sent back
        // to where the request came from, the queue's own recovery socket.
        var request = [UInt8](repeating: 0, count: 64)
        var from = sockaddr_in()
        var fromLength = socklen_t(MemoryLayout<sockaddr_in>.size)
        var got = -1
        let server = setup.server
        let waitUntil = Date().addingTimeInterval(5)
        while Date() < waitUntil {
            let n = request.withUnsafeMutableBytes { buffer in
                withUnsafeMutablePointer(to: &from) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        recvfrom(server, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT), $0, &fromLength)
                    }
                }
            }
            if n > 0 { got = n; break }
            _ = try setup.queue.receive(into: &batch)
            usleep(2_000)
        }
        try #require(got == MoldUDP64.requestLength, "the queue sent no request")
        #expect(request.withUnsafeBytes { UInt64(bigEndian: $0.loadUnaligned(fromByteOffset: 10, as: UInt64.self)) } == 1)
        let answer = Self.packet(sequence: 1, count: 49)
        let sent = answer.withUnsafeBytes { bytes in
            withUnsafePointer(to: &from) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(server, bytes.baseAddress, bytes.count, 0, $0, fromLength) }
            }
        }
        #expect(sent == answer.count)
        let handed = try Self.poll(setup, seconds: 5, batch: &batch)
        let (catching, outcome, next) = (setup.queue.isCatchingUp, setup.queue.catchUpOutcome, setup.queue.catchUpNext)
        #expect(!catching)
        #expect(outcome == .reachedGroup)
        #expect(next == 50)
        #expect(handed >= 1, "the answer was not handed to the lane")
    }

    enum LFCError: Error { case serverSocket(errno: Int32) }

    @Test("on a quiet group a silent server ends the catch-up where it is: nothing more was published")
    func endsOnSilenceWhenTheGroupIsQuiet() throws {
        let setup = try LFCSetup(groupNumber: 2)
        var batch = try RxBatch(capacity: 16, slotSize: 2048)
        _ = try Self.poll(setup, seconds: 10, batch: &batch)
        let (catching, outcome, next) = (setup.queue.isCatchingUp, setup.queue.catchUpOutcome, setup.queue.catchUpNext)
        #expect(!catching)
        #expect(outcome == .serverQuiet)
        #expect(next == 1)
    }

}
