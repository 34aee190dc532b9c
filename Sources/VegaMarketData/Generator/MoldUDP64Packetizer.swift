/// Packs ITCH messages into MoldUDP64 1.00 downstream packets, the way NASDAQ's publisher does.
///
/// A packet is: Session (10 ASCII bytes), Sequence Number (8, big-endian: the sequence number of
/// the packet's first message), Message Count (2), then for each message a 2-byte big-endian
/// length and the message. Sequence numbers start at 1 and count messages, not packets, so they
/// are contiguous from one packet to the next. Messages are packed until the next one would take
/// the packet past `maximumPacketSize` (UDP payload bytes, header included; 1400 by default so a
/// packet fits a 1500-byte Ethernet MTU with IP/UDP headers and VLAN tags to spare).
///
/// `finish()` flushes the last partial packet and, if `endOfSession` is set, sends the
/// end-of-session packet (count 0xFFFF, sequence = the next message's sequence number, no
/// messages), then finishes the output.
public struct MoldUDP64Packetizer<Output: MoldUDP64PacketSink>: ITCHMessageSink {
    public static var headerSize: Int { 20 }
    /// The end-of-session marker in the Message Count field.
    public static var endOfSessionCount: UInt16 { 0xFFFF }

    public var output: Output
    /// The 10 session bytes as sent (ASCII, space-padded).
    public let session: [UInt8]
    public let maximumPacketSize: Int
    public let endOfSession: Bool
    /// Sequence number the next message will get.
    public private(set) var nextSequence: UInt64
    public private(set) var packetsWritten: UInt64 = 0

    private var packet: [UInt8]
    private var count: UInt16 = 0

    /// - Parameters:
    ///   - session: up to 10 printable ASCII characters (space-padded to 10).
    ///   - maximumPacketSize: at least 20 + 2 + 44 (one header and the longest ITCH message), at
    ///     most 65,507 (the largest UDP payload over IPv4).
    public init(output: Output, session: String, firstSequence: UInt64 = 1, maximumPacketSize: Int = 1400,
                endOfSession: Bool = true) throws(ITCHGeneratorError) {
        let bytes = Array(session.utf8)
        guard bytes.count <= 10, bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else {
            throw .invalidConfiguration(field: "session", value: "\"\(session)\"",
                                        expected: "at most 10 printable ASCII characters")
        }
        guard maximumPacketSize >= Self.headerSize + 2 + GeneratorITCHEncoder.maximumLength, maximumPacketSize <= 65_507
        else {
            throw .invalidConfiguration(field: "maximum packet size", value: "\(maximumPacketSize)",
                                        expected: "66...65507 bytes")
        }
        self.output = output
        self.session = bytes + Array(repeating: 0x20, count: 10 - bytes.count)
        self.maximumPacketSize = maximumPacketSize
        self.endOfSession = endOfSession
        self.nextSequence = firstSequence
        packet = []
        packet.reserveCapacity(maximumPacketSize)
        startPacket()
    }

    private mutating func startPacket() {
        packet.removeAll(keepingCapacity: true)
        packet.append(contentsOf: session)
        packet.append(contentsOf: repeatElement(0, count: 10))  // sequence and count, patched at flush
        count = 0
    }

    public mutating func write(message: UnsafeRawBufferPointer) throws(ITCHGeneratorError) {
        if packet.count + 2 + message.count > maximumPacketSize || count == UInt16.max - 1 {
            try flush()
        }
        packet.append(UInt8(truncatingIfNeeded: message.count >> 8))
        packet.append(UInt8(truncatingIfNeeded: message.count))
        packet.append(contentsOf: message)
        count += 1
    }

    /// Sends the packet being filled, if it holds any message.
    public mutating func flush() throws(ITCHGeneratorError) {
        guard count > 0 else { return }
        let sequence = nextSequence
        try send(sequence: sequence, count: count)
        nextSequence += UInt64(count)
        startPacket()
    }

    private mutating func send(sequence: UInt64, count: UInt16) throws(ITCHGeneratorError) {
        for i in 0..<8 { packet[10 + i] = UInt8(truncatingIfNeeded: sequence >> (56 - 8 * UInt64(i))) }
        packet[18] = UInt8(truncatingIfNeeded: count >> 8)
        packet[19] = UInt8(truncatingIfNeeded: count)
        // A local reference to the bytes, so `output` can be mutated while they are lent out
        // (no copy: the array is not written until the next packet starts).
        let bytes = packet
        var result: Result<Void, ITCHGeneratorError> = .success(())
        bytes.withUnsafeBytes { raw in
            do throws(ITCHGeneratorError) {
                try output.write(packet: raw, sequence: sequence, count: count)
            } catch {
                result = .failure(error)
            }
        }
        try result.get()
        packetsWritten += 1
    }

    public mutating func finish() throws(ITCHGeneratorError) {
        try flush()
        if endOfSession {
            try send(sequence: nextSequence, count: Self.endOfSessionCount)
            startPacket()
        }
        try output.finish()
    }
}
