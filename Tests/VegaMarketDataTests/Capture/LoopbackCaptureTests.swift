import CVegaNet
import Foundation
import Testing
import VegaCore
import VegaHardware
import VegaMarketData

@Suite("capturing a live UDP socket")
struct LoopbackCaptureTests {
    @Test("datagrams received on loopback with kernel stamps, tapped to a capture, replay with the same payloads, sources and kernel stamps")
    func loopbackCaptureReplays() throws {
        var receiver = try UDPSocketQueue(.init(bind: try IPv4Endpoint("127.0.0.1:0"), timestamping: .software))
        let port = receiver.localPort
        let loopback = try IPv4Endpoint("127.0.0.1")
        var sender = try UDPSocketQueue(.init(
            bind: try IPv4Endpoint("127.0.0.1:0"), destination: IPv4Endpoint(addressBE: loopback.address, port: port),
            timestamping: .none))
        let senderPort = sender.localPort
        let count = 300
        var payloads: [[UInt8]] = []
        for i in 0..<count {
            var messages: [[UInt8]] = []
            for m in 0..<(i % 4) {
                let length: Int = 10 + (i * 7 + m) % 90
                messages.append([UInt8](repeating: UInt8(truncatingIfNeeded: i + m), count: length))
            }
            payloads.append(MoldUDP64.packet(session: "LOOPBACK01", sequence: UInt64(i) * 3 + 1, messages: messages))
        }

        try withTemporaryCapture("loopback") { path in
            var tap = try CaptureTap(path: path, .init(destination: IPv4Endpoint(addressBE: loopback.address, port: port)), flushEvery: 64)
            var received: [TestFrame] = []
            var batch = try RxBatch(capacity: 32, slotSize: 2048)
            // Send in bursts the socket buffer can hold (a 300-datagram burst overflows the default
            // SO_RCVBUF on loopback), receiving as we go. Wait on the condition, bounded; no sleeps.
            var sent = 0
            let deadline = Timestamp<Monotonic>.now().nanoseconds + 10_000_000_000
            while received.count < count && Timestamp<Monotonic>.now().nanoseconds < deadline {
                if sent == received.count {
                    for p in payloads[sent..<min(sent + 16, count)] { _ = try p.withUnsafeBytes { try sender.transmit($0) } }
                    sent = min(sent + 16, count)
                }
                let n = try receiver.receive(into: &batch)
                try tap.record(batch)
                for i in 0..<n {
                    let f = batch[i]
                    received.append(TestFrame(payload: Array(f.bytes), softwareNanoseconds: f.softwareTimestamp?.nanoseconds,
                                              source: IPv4Endpoint(addressBE: f.meta.src_addr, port: f.meta.src_port)))
                }
            }
            try #require(received.count == count, "all \(count) datagrams arrive on loopback")
            let counters = try tap.finish()
            #expect(counters.records == UInt64(count))
            #expect(counters.softwareStamped + counters.captureTimeStamped == UInt64(count))
            #expect(received.map(\.payload) == payloads, "loopback keeps order")

            var q = try PcapReplayQueue(path: path, .init(filter: .init(destinationPort: port)))
            let replayed = try drain(&q, batchCapacity: 16)
            try #require(replayed.count == count)
            for (r, f) in zip(replayed, received) {
                #expect(r.payload == f.payload)
                #expect(r.source == IPv4Endpoint(addressBE: loopback.address, port: senderPort))
                if let sw = f.softwareNanoseconds {
                    #expect(r.softwareNanoseconds == sw, "the kernel stamp comes back to the nanosecond")
                } else {
                    // HARDWARE-NOTES: a frame can arrive unstamped; it was captured with the capture time.
                    #expect(r.softwareNanoseconds == nil)
                }
            }
            #expect(received.contains { $0.softwareNanoseconds != nil }, "loopback stamps in software")
            #expect(q.skipped.malformed == 0)
        }
    }
}
