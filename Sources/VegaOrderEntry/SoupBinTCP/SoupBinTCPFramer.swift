/// One step of `SoupBinTCPFramer.next`.
@frozen
public enum SoupBinTCPFrame {
    /// A complete packet: its type byte and payload (valid until the framer's next call).
    case packet(UInt8, UnsafeRawBufferPointer)
    /// Every byte given was consumed; feed the next read.
    case needMore
    /// The stream is broken; close the connection.
    case violation(SoupBinTCPViolation)
}

/// Cuts a TCP byte stream into SoupBinTCP logical packets (spec 1.1).
///
/// Complete packets in the caller's bytes are handed out in place (zero copy); only a packet split
/// across reads is copied, into a buffer allocated once at `init` (2 + `maxPacketLength` bytes). A
/// length of 0 or above `maxPacketLength` is an error: the stream cannot be resynchronised, so the
/// caller closes the connection. No allocation after `init`, never traps on any bytes.
public struct SoupBinTCPFramer: ~Copyable {
    /// Largest accepted value of the length field (type byte + payload).
    public let maxPacketLength: Int
    @usableFromInline let partial: UnsafeMutableRawPointer
    @usableFromInline var partialCount = 0

    public init(maxPacketLength: Int) {
        precondition(maxPacketLength >= 1 && maxPacketLength <= 0xFFFF, "SoupBinTCPFramer: maxPacketLength out of 1...65535")
        self.maxPacketLength = maxPacketLength
        partial = UnsafeMutableRawPointer.allocate(byteCount: 2 + maxPacketLength, alignment: 16)
    }

    deinit { partial.deallocate() }

    /// Bytes of an incomplete packet held from earlier reads.
    @inlinable public var bufferedCount: Int { partialCount }

    @inlinable @inline(__always)
    func _check(_ length: Int) -> SoupBinTCPViolation? {
        if length == 0 { return .emptyPacket }
        if length > maxPacketLength { return .packetTooLong }
        return nil
    }

    /// The next packet in `bytes` from offset `i` (advanced past what was used): a complete packet,
    /// `.needMore` once every byte is consumed (a tail is kept for the next read), or the framing
    /// violation that makes the stream unusable. A packet's payload is valid until the next call.
    @inlinable
    public mutating func next(_ bytes: UnsafeRawBufferPointer, _ i: inout Int) -> SoupBinTCPFrame {
        let n = bytes.count
        guard let src = bytes.baseAddress, i < n else { return .needMore }
        if partialCount > 0 {
            if partialCount < 2 {
                let take = min(2 - partialCount, n - i)
                (partial + partialCount).copyMemory(from: src + i, byteCount: take)
                partialCount += take; i += take
                if partialCount < 2 { return .needMore }
            }
            let length = Int(UInt16(bigEndian: partial.loadUnaligned(as: UInt16.self)))
            if let v = _check(length) { partialCount = 0; i = n; return .violation(v) }
            let take = min(2 + length - partialCount, n - i)
            (partial + partialCount).copyMemory(from: src + i, byteCount: take)
            partialCount += take; i += take
            if partialCount < 2 + length { return .needMore }
            partialCount = 0
            return .packet(partial.load(fromByteOffset: 2, as: UInt8.self),
                           UnsafeRawBufferPointer(start: partial + 3, count: length - 1))
        }
        if n - i >= 2 {
            let length = Int(UInt16(bigEndian: (src + i).loadUnaligned(as: UInt16.self)))
            if let v = _check(length) { i = n; return .violation(v) }
            if n - i >= 2 + length {
                let at = src + i
                i += 2 + length
                return .packet(at.load(fromByteOffset: 2, as: UInt8.self),
                               UnsafeRawBufferPointer(start: at + 3, count: length - 1))
            }
        }
        // An incomplete packet (or a lone length byte): always fits in 2 + maxPacketLength.
        partial.copyMemory(from: src + i, byteCount: n - i)
        partialCount = n - i
        i = n
        return .needMore
    }

    /// Forgets a buffered partial packet (after a reconnect).
    @inlinable public mutating func reset() { partialCount = 0 }
}
