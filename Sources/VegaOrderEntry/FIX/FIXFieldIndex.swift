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
    /// A data field (FIX type `data`: RawData 96, EncodedText 355, SecureData 91, XmlData 213, …)
    /// that directly follows its length field (95, 354, 90, 212, …) is taken as exactly that many
    /// bytes, so SOH and `=` inside it are data; a length that does not end on a SOH is
    /// ``FIXGarbledReason/badDataLength``. Semantics (required tags, enumerations, order) are
    /// ``FIXValidator``'s job. O(bytes), no allocation, no lock.
    @inlinable
    public mutating func parse(_ message: UnsafeRawBufferPointer) -> FIXGarbledReason? {
        _count = 0
        _base = message.baseAddress
        _length = message.count
        guard let base = message.baseAddress, message.count >= 20 else { return .missingBeginString }
        // Offsets and lengths are stored as UInt32 (no message comes near 4 GiB: the framer
        // bounds them by MaxMessageSize).
        guard message.count <= Int(UInt32.max) else { return .malformedField }
        let end = message.count
        // A local copy: stores through it cannot be taken for stores to `self`.
        let storage = self.storage
        let capacity = self.capacity
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
            // A data field (RawData 96, EncodedText 355, …) right after its length field is
            // exactly that many bytes, SOH and '=' included; every other value ends at SOH.
            // All data tags lie in 91...622: the range test spares the table load for most tags.
            if tag &- 91 <= 531 && FIXDictionary.tagInfo(tag) & 0x40 != 0 && n > 0
                && storage[n - 1].tag == FIXDictionary.dataLengthTag(tag)
            {
                let lengthField = storage[n - 1]
                guard let length = FIXView.parseUnsigned(base + Int(lengthField.offset), Int(lengthField.length)),
                      length < UInt64(end - valueStart),
                      base.load(fromByteOffset: valueStart + Int(length), as: UInt8.self) == 0x01
                else { return .badDataLength }
                p = valueStart + Int(length)
            } else {
                p = FIXFieldIndex.findSOH(base, from: p, end: end)
            }
            if p >= end { return .malformedField }
            if n == capacity { return .tooManyFields }
            if n == 0 && tag != 8 { return .missingBeginString }
            if n == 1 && tag != 9 { return .badBodyLength }
            if n == 2 && tag != 35 { return .missingMsgType }
            if n == 2 { bodyStart = tagStart }
            if tag == 10 { trailerStart = tagStart }
            storage[n] = FIXField(tag: tag, offset: UInt32(truncatingIfNeeded: valueStart),
                                  length: UInt32(truncatingIfNeeded: p &- valueStart))
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
        if UInt64(FIXChecksum.sum16(base, trailerStart)) != expected {
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
    /// Eight bytes per step: see ``sum(_:_:)``.
    @inlinable @_noLocks
    public static func compute(_ bytes: UnsafeRawBufferPointer) -> UInt8 {
        guard let p = bytes.baseAddress else { return 0 }
        return sum(p, bytes.count)
    }

    /// The byte sum modulo 256 of `n` bytes at `p`, 64 bytes per step: the bytes are added
    /// lane-wise into four `SIMD16<UInt8>` (each lane wraps modulo 256, which is what a byte sum
    /// modulo 256 needs; four accumulators are four independent adds), then 32 and 16 bytes, the
    /// last partial block is one load that ends at `p + n` with the lanes already counted masked
    /// off, and the 16 lanes are folded once at the end by two 64-bit words (no call). Reads no
    /// byte outside `p ..< p + n`; below 16 bytes it is ``sum(_:_:)``. No allocation, no lock.
    @inlinable @inline(__always)
    public static func sum16(_ p: UnsafeRawPointer, _ n: Int) -> UInt8 {
        if n < 16 { return sum(p, n) }
        var acc = SIMD16<UInt8>(repeating: 0)
        var odd = SIMD16<UInt8>(repeating: 0)
        var i = 0
        if n >= 64 {
            var acc2 = SIMD16<UInt8>(repeating: 0)
            var odd2 = SIMD16<UInt8>(repeating: 0)
            while i &+ 64 <= n {
                acc &+= p.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
                odd &+= p.loadUnaligned(fromByteOffset: i &+ 16, as: SIMD16<UInt8>.self)
                acc2 &+= p.loadUnaligned(fromByteOffset: i &+ 32, as: SIMD16<UInt8>.self)
                odd2 &+= p.loadUnaligned(fromByteOffset: i &+ 48, as: SIMD16<UInt8>.self)
                i &+= 64
            }
            acc &+= acc2
            odd &+= odd2
        }
        if i &+ 32 <= n {
            acc &+= p.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
            odd &+= p.loadUnaligned(fromByteOffset: i &+ 16, as: SIMD16<UInt8>.self)
            i &+= 32
        }
        acc &+= odd
        if i &+ 16 <= n {
            acc &+= p.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
            i &+= 16
        }
        let rest = n &- i
        if rest != 0 {
            let last = p.loadUnaligned(fromByteOffset: n &- 16, as: SIMD16<UInt8>.self)
            let lane = SIMD16<UInt8>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
            let fresh = lane .>= SIMD16<UInt8>(repeating: UInt8(truncatingIfNeeded: 16 &- rest))
            acc &+= last.replacing(with: 0, where: .!fresh)
        }
        // Fold: even and odd bytes of both halves into four 16-bit lanes (at most 1,020 each),
        // then the lanes into the top 16 bits by one multiplication (at most 4,080: no carry out).
        let words = unsafeBitCast(acc, to: SIMD2<UInt64>.self)
        let m: UInt64 = 0x00FF_00FF_00FF_00FF
        let lanes = (words[0] & m) &+ ((words[0] >> 8) & m) &+ (words[1] & m) &+ ((words[1] >> 8) & m)
        return UInt8(truncatingIfNeeded: (lanes &* 0x0001_0001_0001_0001) >> 48)
    }

    /// The byte sum modulo 256 of `n` bytes at `p` for a writer that owns the bytes behind them:
    /// the caller guarantees that the bytes from `p + n` up to the next multiple of 64 from `p`
    /// are readable and zero, so whole 64-byte blocks are added with no tail handling (four
    /// `SIMD16<UInt8>` accumulators), then folded as in ``sum16(_:_:)``. No allocation, no lock.
    @inlinable @inline(__always)
    public static func sumZeroPadded(_ p: UnsafeRawPointer, _ n: Int) -> UInt8 {
        var a = SIMD16<UInt8>(repeating: 0), b = a, c = a, d = a
        var i = 0
        while i < n {
            a &+= p.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
            b &+= p.loadUnaligned(fromByteOffset: i &+ 16, as: SIMD16<UInt8>.self)
            c &+= p.loadUnaligned(fromByteOffset: i &+ 32, as: SIMD16<UInt8>.self)
            d &+= p.loadUnaligned(fromByteOffset: i &+ 48, as: SIMD16<UInt8>.self)
            i &+= 64
        }
        let words = unsafeBitCast((a &+ b) &+ (c &+ d), to: SIMD2<UInt64>.self)
        let m: UInt64 = 0x00FF_00FF_00FF_00FF
        let lanes = (words[0] & m) &+ ((words[0] >> 8) & m) &+ (words[1] & m) &+ ((words[1] >> 8) & m)
        return UInt8(truncatingIfNeeded: (lanes &* 0x0001_0001_0001_0001) >> 48)
    }

    /// The byte sum modulo 256 of `n` bytes at `p`, eight bytes per step: the even and odd
    /// bytes of each word are added into four 16-bit lanes (at most 510 per word, so a lane
    /// cannot carry into its neighbour within 128 words), and the lanes are folded every 1 KiB.
    @inlinable @inline(__always)
    public static func sum(_ p: UnsafeRawPointer, _ n: Int) -> UInt8 {
        let mask: UInt64 = 0x00FF_00FF_00FF_00FF
        var total: UInt64 = 0
        var i = 0
        while i + 8 <= n {
            var lanes: UInt64 = 0
            let stop = n - 7 < i + 1024 ? n - 7 : i + 1024
            while i < stop {
                let w = p.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                lanes &+= (w & mask) &+ ((w >> 8) & mask)
                i += 8
            }
            total &+= (lanes & 0xFFFF) &+ ((lanes >> 16) & 0xFFFF) &+ ((lanes >> 32) & 0xFFFF) &+ (lanes >> 48)
        }
        while i < n {
            total &+= UInt64(p.load(fromByteOffset: i, as: UInt8.self))
            i += 1
        }
        return UInt8(truncatingIfNeeded: total)
    }
}
