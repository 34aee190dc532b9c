/// The parsed form of one received FIX message: a fixed-capacity array of ``FIXField``
/// (tag, offset, length) over the caller's bytes. Parsing copies no value and allocates nothing.
///
/// Allocate one index per receive path before trading (``init(capacity:)`` is the only
/// allocation) and reuse it for every message. After ``parse(_:)`` succeeds, ``view`` reads the
/// fields; it points into the caller's buffer, so the buffer must stay unchanged while the view
/// is used. Not thread-safe; `~Copyable` so the storage has exactly one owner.
public struct FIXFieldIndex: ~Copyable {
    @usableFromInline let storage: UnsafeMutablePointer<FIXField>
    /// Maximum number of fields a message may have; more is "garbled" (``FIXGarbledReason/tooManyFields``).
    public let capacity: Int
    @usableFromInline var _count: Int = 0
    @usableFromInline var _base: UnsafeRawPointer? = nil
    @usableFromInline var _length: Int = 0

    /// Allocates room for `capacity` fields (12 bytes each).
    @inlinable
    public init(capacity: Int = 256) {
        precondition(capacity >= 4, "a FIX message has at least 4 fields")
        self.capacity = capacity
        self.storage = .allocate(capacity: capacity)
    }

    deinit { storage.deallocate() }

    /// The fields of the last successful ``parse(_:)``. Valid while the parsed bytes and this
    /// index are unchanged.
    @inlinable
    public var view: FIXView {
        FIXView(base: _base, length: _length, fields: UnsafePointer(storage), count: _count)
    }

    /// Splits one complete message (from `8=` to the SOH after `10=nnn`) into fields and checks
    /// its framing: BeginString, BodyLength and MsgType first, CheckSum last, BodyLength and
    /// CheckSum correct. Returns `nil` on success, else why the bytes are garbled.
    ///
    /// Semantics (required tags, enumerations, order) are ``FIXValidator``'s job. O(bytes), no
    /// allocation, no lock.
    @inlinable
    public mutating func parse(_ message: UnsafeRawBufferPointer) -> FIXGarbledReason? {
        _count = 0
        _base = message.baseAddress
        _length = message.count
        guard let base = message.baseAddress, message.count >= 20 else { return .missingBeginString }
        let end = message.count
        if base.load(fromByteOffset: end - 1, as: UInt8.self) != 0x01 { return .malformedField }
        var p = 0
        var n = 0
        var bodyStart = 0
        var trailerStart = 0
        while p < end {
            // tag
            var tag: UInt32 = 0
            let tagStart = p
            var c = base.load(fromByteOffset: p, as: UInt8.self)
            while c != UInt8(ascii: "=") {
                let d = c &- 0x30
                if d > 9 || p - tagStart >= 9 { return .malformedField }
                tag = tag &* 10 &+ UInt32(d)
                p += 1
                if p >= end { return .malformedField }
                c = base.load(fromByteOffset: p, as: UInt8.self)
            }
            if p == tagStart { return .malformedField }
            // A non-canonical tag ("035") is kept as tag 0 so the validator rejects it.
            if base.load(fromByteOffset: tagStart, as: UInt8.self) == 0x30 { tag = 0 }
            p += 1
            let valueStart = p
            p = FIXFieldIndex.findSOH(base, from: p, end: end)
            if p >= end { return .malformedField }
            if n == capacity { return .tooManyFields }
            if n == 0 && tag != 8 { return .missingBeginString }
            if n == 1 && tag != 9 { return .badBodyLength }
            if n == 2 && tag != 35 { return .missingMsgType }
            if n == 2 { bodyStart = tagStart }
            if tag == 10 { trailerStart = tagStart }
            storage[n] = FIXField(tag: tag, offset: UInt32(valueStart), length: UInt32(p - valueStart))
            n += 1
            p += 1
        }
        _count = n
        if n < 4 || storage[n - 1].tag != 10 { return .bodyLengthMismatch }
        // BodyLength: bytes after "9=…<SOH>" up to and including the SOH before "10=".
        let bl = storage[1]
        guard let bodyLength = FIXView.parseUnsigned(base + Int(bl.offset), Int(bl.length)) else {
            return .badBodyLength
        }
        if bodyLength != trailerStart - bodyStart { return .bodyLengthMismatch }
        let cs = storage[n - 1]
        if cs.length != 3 { return .badCheckSum }
        guard let expected = FIXView.parseUnsigned(base + Int(cs.offset), 3) else { return .badCheckSum }
        if UInt64(FIXChecksum.compute(UnsafeRawBufferPointer(start: base, count: trailerStart))) != expected {
            return .badCheckSum
        }
        return nil
    }
}

extension FIXFieldIndex {
    /// Offset of the first SOH at or after `from`, or `end`. Eight bytes per step (SWAR: a
    /// byte equal to 0x01 becomes zero after XOR, and the has-zero-byte trick finds the first).
    @inlinable @inline(__always) @_noLocks
    static func findSOH(_ base: UnsafeRawPointer, from: Int, end: Int) -> Int {
        var p = from
        while p + 8 <= end {
            let x = base.loadUnaligned(fromByteOffset: p, as: UInt64.self) ^ 0x0101_0101_0101_0101
            let t = (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
            if t != 0 { return p + t.trailingZeroBitCount >> 3 }
            p += 8
        }
        while p < end && base.load(fromByteOffset: p, as: UInt8.self) != 0x01 { p += 1 }
        return p
    }
}

/// The FIX CheckSum: the byte sum modulo 256 of everything before the `10=` field.
public enum FIXChecksum {
    /// A plain byte loop: the optimiser vectorises it (measured faster than a hand-written
    /// eight-bytes-per-step version).
    @inlinable @_noLocks
    public static func compute(_ bytes: UnsafeRawBufferPointer) -> UInt8 {
        var sum: UInt32 = 0
        for b in bytes { sum &+= UInt32(b) }
        return UInt8(sum & 0xFF)
    }
}
