import Glibc
import Testing
import VegaCore
import VegaHardware

/// A full send buffer must never repeat or lose a byte of the stream: the lane retries a frame
/// whose `transmit` threw, so a throw must mean "nothing of it was sent", and a frame the kernel
/// took only part of must have its rest sent next.
@Suite("TCPSocketQueue: partial sends keep the byte stream exact")
struct TCPSocketQueuePartialSendTests {
    static func frame(_ k: Int, size: Int) -> [UInt8] {
        var f = [UInt8](repeating: UInt8(truncatingIfNeeded: k &* 31 &+ 7), count: size)
        f[0] = UInt8(truncatingIfNeeded: k >> 24); f[1] = UInt8(truncatingIfNeeded: k >> 16)
        f[2] = UInt8(truncatingIfNeeded: k >> 8); f[3] = UInt8(truncatingIfNeeded: k)
        return f
    }

    @Test("a slow reader: frames retried after EAGAIN arrive once each, in order, whole")
    func slowReaderGetsEveryFrameOnce() throws {
        let listener = try TCPListener(bind: IPv4Endpoint("127.0.0.1:0"))
        var client = try TCPSocketQueue(connectTo: IPv4Endpoint(addressBE: IPv4Endpoint("127.0.0.1").address, port: listener.port),
                                        timestamping: .none)
        let server = try listener.accept(timestamping: .none)
        var small: Int32 = 4_096
        setsockopt(client.fd, SOL_SOCKET, SO_SNDBUF, &small, socklen_t(MemoryLayout<Int32>.size))
        setsockopt(server.fd, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))

        let count = 400, size = 1_000
        var received: [UInt8] = []
        received.reserveCapacity(count * size)
        var scratch = [UInt8](repeating: 0, count: 65_536)
        func read(max: Int) {
            var got = 0
            while got < max {
                let n = scratch.withUnsafeMutableBytes { recv(server.fd, $0.baseAddress, Swift.min($0.count, max - got), Int32(MSG_DONTWAIT)) }
                if n <= 0 { break }
                received.append(contentsOf: scratch[0..<n])
                got += n
            }
        }
        var refusals = 0
        var sawTail = false
        var k = 0
        while k < count {
            let f = Self.frame(k, size: size)
            do {
                _ = try f.withUnsafeBytes { try client.transmit($0) }
                if client.pendingTailBytes > 0 { sawTail = true }
                k += 1
            } catch {
                // Refused whole: the reader takes a little, then the same frame is tried again.
                refusals += 1
                read(max: 1_500)
                usleep(200)
            }
            #expect(refusals < 1_000_000)
        }
        // Let the tail out, read the rest.
        var batch = try RxBatch(capacity: 4, slotSize: 2_048)
        for _ in 0..<10_000 where received.count < count * size {
            _ = try client.receive(into: &batch)   // sends a pending tail first
            read(max: 65_536)
            if received.count < count * size { usleep(100) }
        }
        #expect(refusals > 0, "the send buffer never filled: the test did not exercise the path")
        #expect(sawTail, "no partial send happened")
        #expect(client.pendingTailBytes == 0)
        #expect(received.count == count * size)
        var expected: [UInt8] = []
        for i in 0..<count { expected.append(contentsOf: Self.frame(i, size: size)) }
        #expect(received == expected)
    }
}
