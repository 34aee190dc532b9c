import VegaCore
import VegaMarketData

/// Bytes written by hand from the MoldUDP64 1.00 layout, independent of `MoldUDP64Encoder`:
/// Session (10 ASCII) | Sequence Number (8, big-endian) | Message Count (2, big-endian) |
/// blocks of Message Length (2, big-endian) + Message Data.
enum Wire {
    static func be64(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (56 - 8 * UInt64($0))) } }
    static func be16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xFF)] }
    static func session(_ s: String) -> [UInt8] {
        let b = Array(s.utf8)
        return b + [UInt8](repeating: 0x20, count: 10 - b.count)
    }

    static func header(_ session: String, _ sequence: UInt64, _ count: UInt16) -> [UInt8] {
        Self.session(session) + be64(sequence) + be16(count)
    }

    static func packet(_ sequence: UInt64, _ messages: [[UInt8]]) -> [UInt8] { packet("SESSION001", sequence, messages) }

    static func packet(_ session: String, _ sequence: UInt64, _ messages: [[UInt8]]) -> [UInt8] {
        var out = header(session, sequence, UInt16(messages.count))
        for m in messages { out += be16(UInt16(m.count)) + m }
        return out
    }

    static func heartbeat(_ session: String = "SESSION001", next: UInt64) -> [UInt8] { header(session, next, 0) }
    static func endOfSession(_ session: String = "SESSION001", next: UInt64) -> [UInt8] { header(session, next, 0xFFFF) }
    static func request(_ sequence: UInt64, _ count: UInt16) -> [UInt8] { header("SESSION001", sequence, count) }
}

/// A synthetic message that names its own sequence number: 8 bytes of it, then a pattern of
/// `length - 8` bytes derived from it.
enum Synthetic {
    static func message(_ sequence: UInt64, length: Int = 24) -> [UInt8] {
        var out = Wire.be64(sequence)
        for k in 8..<max(length, 8) { out.append(UInt8(truncatingIfNeeded: sequence &* 131 &+ UInt64(k))) }
        return out
    }

    /// The sequence a message names, or nil when its pattern is broken.
    static func sequence(of bytes: UnsafeRawBufferPointer) -> UInt64? {
        guard bytes.count >= 8 else { return nil }
        var s: UInt64 = 0
        for i in 0..<8 { s = s << 8 | UInt64(bytes[i]) }
        for k in 8..<bytes.count where bytes[k] != UInt8(truncatingIfNeeded: s &* 131 &+ UInt64(k)) { return nil }
        return s
    }
}

let testSession = MoldUDP64SessionID("SESSION001")!

/// Records everything a session emits (allocates: tests only).
struct Recorder: MoldUDP64SessionOutput {
    struct Delivered: Equatable {
        var sequence: UInt64
        var bytes: [UInt8]
        var times: EventTimes
    }

    var delivered: [Delivered] = []
    var requests: [[UInt8]] = []
    var events: [MoldUDP64SessionEvent] = []

    mutating func deliver(message: UnsafeRawBufferPointer, sequence: UInt64, times: EventTimes) {
        delivered.append(Delivered(sequence: sequence, bytes: Array(message), times: times))
    }

    /// Encoded as the feed handler would send it, so tests compare wire bytes.
    mutating func request(session: MoldUDP64SessionID, sequence: UInt64, count: UInt16) {
        var bytes = [UInt8](repeating: 0, count: 20)
        let n = bytes.withUnsafeMutableBytes { MoldUDP64Encoder.request(into: $0, session: session, sequence: sequence, count: count) }
        requests.append(Array(bytes[0..<n]))
    }

    mutating func event(_ event: MoldUDP64SessionEvent) { events.append(event) }

    var sequences: [UInt64] { delivered.map(\.sequence) }
}

/// A consumer that records sequences, times and stale marks (allocates: tests only).
struct RecordingConsumer: MarketDataMessageConsumer {
    var sequences: [UInt64] = []
    var times: [EventTimes] = []
    var staleMarks: [UInt16?] = []
    var badPayloads = 0

    mutating func consume(message: UnsafeRawBufferPointer, sequence: UInt64, times: EventTimes) {
        if Synthetic.sequence(of: message) != sequence { badPayloads += 1 }
        sequences.append(sequence)
        self.times.append(times)
    }

    mutating func markStale(locate: UInt16?) { staleMarks.append(locate) }
}

extension MoldUDP64Session {
    /// Feeds a byte array (tests).
    mutating func feed(_ bytes: [UInt8], line: MoldUDP64Line = .a, now: UInt64 = 0, times: EventTimes = EventTimes(exchange: Timestamp(nanoseconds: 0)),
                       into out: inout Recorder) {
        bytes.withUnsafeBytes { receive(datagram: $0, line: line, frameTimes: times, now: now, output: &out) }
    }
}

