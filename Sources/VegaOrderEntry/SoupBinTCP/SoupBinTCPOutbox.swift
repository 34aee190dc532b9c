/// A session's bytes waiting to be written to the socket: fixed capacity, allocated once.
///
/// The session writes whole packets into it; the transport writes `pending` to the socket and calls
/// `consume` with what the kernel took. Bounded on purpose: a peer that stops reading fills it, and
/// the session then refuses new data (`false` from its send calls) instead of buffering without
/// limit. No allocation after `init`; not thread-safe (one owner).
public struct SoupBinTCPOutbox: ~Copyable {
    @usableFromInline let storage: UnsafeMutableRawPointer
    public let capacity: Int
    @usableFromInline var head = 0
    @usableFromInline var tail = 0

    /// Allocates `capacity` bytes (the only allocation).
    public init(capacity: Int) {
        precondition(capacity >= 64, "SoupBinTCPOutbox: capacity below one login packet")
        self.capacity = capacity
        storage = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
    }

    deinit { storage.deallocate() }

    /// Bytes waiting to be sent.
    @inlinable public var count: Int { tail - head }
    @inlinable public var isEmpty: Bool { tail == head }

    /// The waiting bytes, valid until the next mutating call.
    @inlinable public var pending: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: storage + head, count: tail - head) }

    /// Drops the first `n` waiting bytes (the ones the socket accepted).
    @inlinable
    public mutating func consume(_ n: Int) {
        head += min(n, tail - head)
        if head == tail { head = 0; tail = 0 }
    }

    /// Room for `n` more bytes at the end, moving waiting bytes to the front if that makes room;
    /// `nil` if it cannot. Write there, then `commit(n)`.
    @inlinable
    public mutating func reserve(_ n: Int) -> UnsafeMutableRawPointer? {
        if capacity - tail >= n { return storage + tail }
        guard capacity - (tail - head) >= n else { return nil }
        (storage).copyMemory(from: storage + head, byteCount: tail - head)
        tail -= head
        head = 0
        return storage + tail
    }

    @inlinable
    public mutating func commit(_ n: Int) { tail += n }

    /// Writes one packet header (length, type) and reserves its payload; `nil` if it does not fit.
    /// The caller fills the payload and calls `commit(3 + payloadCount)`.
    @inlinable
    public mutating func _packet(_ type: SoupBinTCPPacketType, payloadCount: Int) -> UnsafeMutableRawPointer? {
        guard payloadCount < 0xFFFF, let p = reserve(3 + payloadCount) else { return nil }
        p.storeBytes(of: UInt16(1 + payloadCount).bigEndian, toByteOffset: 0, as: UInt16.self)
        p.storeBytes(of: type.byte, toByteOffset: 2, as: UInt8.self)
        return p + 3
    }

    /// Appends one packet carrying `payload`; `false` (nothing written) if it does not fit.
    @inlinable @discardableResult
    public mutating func append(_ type: SoupBinTCPPacketType, payload: UnsafeRawBufferPointer) -> Bool {
        guard let body = _packet(type, payloadCount: payload.count) else { return false }
        if let src = payload.baseAddress, payload.count > 0 { body.copyMemory(from: src, byteCount: payload.count) }
        commit(3 + payload.count)
        return true
    }

    /// Appends one packet whose payload `encode` writes in place (at most `maxPayload` bytes; it
    /// returns how many it wrote, 0 meaning "nothing to send"): an OUCH message goes from its encoder
    /// to the socket buffer with no intermediate copy.
    @inlinable @discardableResult
    public mutating func append(_ type: SoupBinTCPPacketType, maxPayload: Int,
                                _ encode: (UnsafeMutableRawBufferPointer) -> Int) -> Bool {
        guard let body = _packet(type, payloadCount: maxPayload) else { return false }
        let n = encode(UnsafeMutableRawBufferPointer(start: body, count: maxPayload))
        guard n > 0 && n <= maxPayload else { return false }
        (body - 3).storeBytes(of: UInt16(1 + n).bigEndian, toByteOffset: 0, as: UInt16.self)
        commit(3 + n)
        return true
    }
}
