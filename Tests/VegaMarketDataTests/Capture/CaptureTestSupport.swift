import CVegaNet
import Foundation
import VegaCore
import VegaHardware
import VegaHardwareSim
import VegaMarketData

/// A fresh path in the temporary directory; the file is removed when `body` returns.
func withTemporaryCapture<T>(_ name: String = "capture", _ body: (String) throws -> T) rethrows -> T {
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("vega-\(name)-\(UUID().uuidString).pcap").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}

/// A frame as a test describes it: payload, stamps, source, queue.
struct TestFrame: Equatable {
    var payload: [UInt8]
    var hardwareNanoseconds: UInt64?
    var softwareNanoseconds: UInt64?
    var source: IPv4Endpoint?
    var queue: UInt16 = 0

    var meta: vega_rx_meta {
        var m = vega_rx_meta()
        if let hw = hardwareNanoseconds { m.hw_ns = hw; m.flags |= UInt32(VEGA_FRAME_HAS_HW) }
        if let sw = softwareNanoseconds { m.sw_ns = sw; m.flags |= UInt32(VEGA_FRAME_HAS_SW) }
        if let s = source { m.src_addr = s.address; m.src_port = s.port; m.flags |= UInt32(VEGA_FRAME_HAS_SOURCE) }
        m.queue = queue
        m.len = UInt32(payload.count)
        return m
    }
}

/// Feeds `frames` to `writer` as RxFrames, the way a tap sees them after a receive.
func write(_ frames: [TestFrame], to writer: inout PcapWriter, captureTime: Timestamp<UTC> = Timestamp(nanoseconds: 42)) throws
    -> [CaptureTimestampSource]
{
    var batch = try RxBatch(capacity: 1, slotSize: 65_536)
    var sources: [CaptureTimestampSource] = []
    for f in frames {
        f.payload.withUnsafeBytes { batch.copyIn(0, bytes: $0, meta: f.meta) }
        batch.setCount(1)
        sources.append(writer.write(batch[0], captureTime: captureTime))
    }
    return sources
}

/// What a replayed frame looked like, copied out of the batch.
struct ReplayedFrame: Equatable {
    var payload: [UInt8]
    var hardwareNanoseconds: UInt64?
    var softwareNanoseconds: UInt64?
    var source: IPv4Endpoint?
    var queue: UInt16
    var recorded: Bool
    var truncated: Bool

    init(_ f: RxFrame) {
        payload = Array(f.bytes)
        hardwareNanoseconds = f.hardwareTimestamp?.nanoseconds
        softwareNanoseconds = f.softwareTimestamp?.nanoseconds
        source = f.meta.flags & UInt32(VEGA_FRAME_HAS_SOURCE) != 0 ? IPv4Endpoint(addressBE: f.meta.src_addr, port: f.meta.src_port) : nil
        queue = f.queue
        recorded = f.meta.flags & vegaFrameRecordedFlag != 0
        truncated = f.isTruncated
    }
}

/// Receives until the queue is finished (as fast as possible), with a bound on calls so a bug
/// cannot hang the suite.
func drain<C: ReplayClock>(_ q: inout PcapReplayQueue<C>, batchCapacity: Int = 8, slotSize: Int = 2048) throws -> [ReplayedFrame] {
    var batch = try RxBatch(capacity: batchCapacity, slotSize: slotSize)
    var out: [ReplayedFrame] = []
    var calls = 0
    while !q.isFinished && calls < 1_000_000 {
        let n = try q.receive(into: &batch)
        for i in 0..<n { out.append(ReplayedFrame(batch[i])) }
        calls += 1
    }
    return out
}

/// The replay clock of a simulated host: time moves only when the test advances the SimClock.
struct SimReplayClock: ReplayClock {
    let clock: SimClock
    func monotonicNanoseconds() -> UInt64 { clock.now.nanoseconds }
}

/// MoldUDP64 downstream packets, built by hand from the specification: Session (10 ASCII),
/// Sequence Number (8, big-endian), Message Count (2, big-endian), then for each message a
/// 2-byte big-endian length and the message bytes.
enum MoldUDP64 {
    static func packet(session: String, sequence: UInt64, messages: [[UInt8]]) -> [UInt8] {
        header(session: session, sequence: sequence, count: UInt16(messages.count))
            + messages.flatMap { m in [UInt8(m.count >> 8), UInt8(m.count & 0xFF)] + m }
    }

    /// A heartbeat (count 0) or end of session (count 0xFFFF): the header alone.
    static func header(session: String, sequence: UInt64, count: UInt16) -> [UInt8] {
        precondition(session.utf8.count <= 10)
        let s = Array(session.utf8) + [UInt8](repeating: 0x20, count: 10 - session.utf8.count)
        return s + withUnsafeBytes(of: sequence.bigEndian, Array.init) + withUnsafeBytes(of: count.bigEndian, Array.init)
    }
}
