import VegaCore

/// Writes FIX tag=value messages into one buffer allocated up front; nothing per message.
///
/// Usage: ``begin(_:)`` (writes MsgType), `append` the header fields (49, 56, 34, 52, …) then
/// the body, and ``finish()``, which writes BeginString and BodyLength in front of the body
/// (the body starts at a fixed headroom offset, so no byte moves) and CheckSum at the end. The
/// returned bytes live in the encoder until the next ``begin(_:)``. If a message outgrows the
/// buffer, appends stop and ``finish()`` returns `nil`: nothing traps, nothing reallocates.
/// `~Copyable`: one owner for the buffer.
public struct FIXEncoder: ~Copyable {
    @usableFromInline let storage: UnsafeMutableRawPointer
    /// Buffer size in bytes (the largest message is a little smaller: see ``headroom``).
    public let capacity: Int
    @usableFromInline var position: Int
    @usableFromInline var overflowed = false
    @usableFromInline let beginStringBytes: UnsafeMutableRawPointer
    @usableFromInline let beginStringCount: Int

    /// Space reserved in front of the body for `8=<BeginString>|9=<BodyLength>|`.
    @inlinable public static var headroom: Int { 40 }

    /// Allocates `capacity` bytes. `beginString` is at most 16 bytes (`FIX.4.4`, `FIXT.1.1`).
    public init(capacity: Int = 8192, beginString: String = "FIX.4.4") {
        precondition(capacity > FIXEncoder.headroom + 16, "capacity too small")
        precondition(beginString.utf8.count <= 16, "BeginString longer than 16 bytes")
        self.capacity = capacity
        self.storage = .allocate(byteCount: capacity, alignment: 16)
        self.position = FIXEncoder.headroom
        self.beginStringCount = beginString.utf8.count
        self.beginStringBytes = .allocate(byteCount: 16, alignment: 1)
        for (i, b) in beginString.utf8.enumerated() {
            beginStringBytes.storeBytes(of: b, toByteOffset: i, as: UInt8.self)
        }
    }

    deinit {
        storage.deallocate()
        beginStringBytes.deallocate()
    }

    /// Starts a message: discards the previous one and writes `35=<msgType>`.
    @inlinable
    public mutating func begin(_ msgType: FIXMsgType) {
        position = FIXEncoder.headroom
        overflowed = false
        tag(35)
        byte(msgType.byte0)
        if msgType.byteCount == 2 { byte(msgType.byte1) }
        byte(0x01)
    }

    @inlinable @inline(__always)
    mutating func byte(_ b: UInt8) {
        if position < capacity - 8 {  // keep room for "10=nnn|"
            storage.storeBytes(of: b, toByteOffset: position, as: UInt8.self)
            position += 1
        } else {
            overflowed = true
        }
    }

    @inlinable @inline(__always)
    mutating func unsigned(_ value: UInt64) {
        var digits = 1
        var v = value
        while v >= 10 { v /= 10; digits += 1 }
        if position + digits >= capacity - 8 { overflowed = true; return }
        var i = position + digits - 1
        v = value
        while true {
            storage.storeBytes(of: UInt8(0x30 &+ v % 10), toByteOffset: i, as: UInt8.self)
            v /= 10
            if v == 0 { break }
            i -= 1
        }
        position += digits
    }

    @inlinable @inline(__always)
    mutating func tag(_ t: UInt32) {
        unsigned(UInt64(t))
        byte(UInt8(ascii: "="))
    }

    /// `tag=<decimal integer>`.
    @inlinable
    public mutating func append(_ t: UInt32, int value: Int64) {
        tag(t)
        if value < 0 { byte(UInt8(ascii: "-")) }
        unsigned(value.magnitude)
        byte(0x01)
    }

    /// `tag=<one byte>` (FIX `char`, e.g. Side `1`).
    @inlinable
    public mutating func append(_ t: UInt32, char value: UInt8) {
        tag(t)
        byte(value)
        byte(0x01)
    }

    /// `tag=<bytes>`; the bytes must not contain SOH (except a data field: see ``append(_:data:)``).
    @inlinable
    public mutating func append(_ t: UInt32, bytes value: UnsafeRawBufferPointer) {
        tag(t)
        if position + value.count >= capacity - 8 { overflowed = true; return }
        if let src = value.baseAddress, value.count > 0 {
            (storage + position).copyMemory(from: src, byteCount: value.count)
            position += value.count
        }
        byte(0x01)
    }

    /// A length-prefixed data field and its length: `95=<count>|96=<bytes>|` for
    /// `append(96, data: bytes)`. The bytes may contain SOH and `=` (FIX type `data`: RawData 96,
    /// EncodedText 355, SecureData 91, XmlData 213, …); the receiver finds the end by the length.
    /// `dataTag` must be one of ``FIXDictionary/dataLengthTag(_:)``'s data tags (else traps:
    /// a programming error, not input).
    @inlinable
    public mutating func append(_ dataTag: UInt32, data value: UnsafeRawBufferPointer) {
        let lengthTag = FIXDictionary.dataLengthTag(dataTag)
        precondition(lengthTag != 0, "tag \(dataTag) is not a FIX data field")
        append(lengthTag, int: Int64(value.count))
        append(dataTag, bytes: value)
    }

    /// `tag=<text>` (off the lane: a `String` may need bridging to contiguous UTF-8).
    public mutating func append(_ t: UInt32, string value: String) {
        var copy = value
        copy.withUTF8 { append(t, bytes: UnsafeRawBufferPointer($0)) }
    }

    /// `tag=<price>` in the shortest exact decimal form (`100`, `100.25`, `-0.0001`). The generic
    /// part only reads the scale; the digits are written by ``append(_:decimal:decimals:)``, which
    /// is not generic, so an unspecialised call costs one extra call, not generic arithmetic.
    @inlinable
    public mutating func append<S: PriceScale>(_ t: UInt32, price: Price<S>) {
        append(t, decimal: price.rawValue, decimals: S.decimals)
    }

    /// `tag=<raw / 10^decimals>` in the shortest exact decimal form (`decimals` 0...18).
    @inlinable
    public mutating func append(_ t: UInt32, decimal raw: Int64, decimals: Int) {
        tag(t)
        if raw < 0 { byte(UInt8(ascii: "-")) }
        var unit: UInt64 = 1
        var k = 0
        while k < decimals { unit &*= 10; k += 1 }
        let magnitude = raw.magnitude
        let whole = magnitude / unit
        unsigned(whole)
        var fraction = magnitude &- whole &* unit
        if fraction != 0 {
            byte(UInt8(ascii: "."))
            var digits = decimals
            while fraction % 10 == 0 { fraction /= 10; digits -= 1 }
            // Leading zeros of the fraction ("0.0001").
            var width = 1
            var f = fraction
            while f >= 10 { f /= 10; width += 1 }
            while width < digits { byte(0x30); width += 1 }
            unsigned(fraction)
        }
        byte(0x01)
    }

    /// `tag=<quantity>` as a whole number.
    @inlinable
    public mutating func append(_ t: UInt32, quantity: Quantity) {
        tag(t)
        unsigned(quantity.rawValue)
        byte(0x01)
    }

    /// `tag=YYYYMMDD-HH:MM:SS.sss` (UTC, milliseconds: FIX 4.4's UTCTimestamp precision).
    @inlinable
    public mutating func append(_ t: UInt32, timestamp: Timestamp<UTC>) {
        tag(t)
        if position + FIXTimestampFormat.millisLength >= capacity - 8 { overflowed = true; return }
        FIXTimestampFormat.writeMillis(timestamp, to: storage + position)
        position += FIXTimestampFormat.millisLength
        byte(0x01)
    }

    /// Completes the message (BeginString, BodyLength in front; CheckSum behind) and returns
    /// its bytes, valid until the next ``begin(_:)``; `nil` if it did not fit.
    @inlinable
    public mutating func finish() -> UnsafeRawBufferPointer? {
        if overflowed { return nil }
        let bodyLength = position - FIXEncoder.headroom
        // Prefix "8=" + BeginString + SOH + "9=" + digits + SOH, right-aligned to the body.
        var digits = 1
        var v = bodyLength
        while v >= 10 { v /= 10; digits += 1 }
        let prefix = 2 + beginStringCount + 1 + 2 + digits + 1
        let start = FIXEncoder.headroom - prefix
        var p = start
        storage.storeBytes(of: UInt8(ascii: "8"), toByteOffset: p, as: UInt8.self)
        storage.storeBytes(of: UInt8(ascii: "="), toByteOffset: p + 1, as: UInt8.self)
        p += 2
        (storage + p).copyMemory(from: beginStringBytes, byteCount: beginStringCount)
        p += beginStringCount
        storage.storeBytes(of: 0x01, toByteOffset: p, as: UInt8.self)
        storage.storeBytes(of: UInt8(ascii: "9"), toByteOffset: p + 1, as: UInt8.self)
        storage.storeBytes(of: UInt8(ascii: "="), toByteOffset: p + 2, as: UInt8.self)
        p += 3
        var i = p + digits - 1
        v = bodyLength
        while true {
            storage.storeBytes(of: UInt8(0x30 + v % 10), toByteOffset: i, as: UInt8.self)
            v /= 10
            if v == 0 { break }
            i -= 1
        }
        storage.storeBytes(of: 0x01, toByteOffset: p + digits, as: UInt8.self)
        let sum = FIXChecksum.sum16(storage + start, position - start)
        var q = position
        storage.storeBytes(of: UInt8(ascii: "1"), toByteOffset: q, as: UInt8.self)
        storage.storeBytes(of: UInt8(ascii: "0"), toByteOffset: q + 1, as: UInt8.self)
        storage.storeBytes(of: UInt8(ascii: "="), toByteOffset: q + 2, as: UInt8.self)
        storage.storeBytes(of: 0x30 + sum / 100, toByteOffset: q + 3, as: UInt8.self)
        storage.storeBytes(of: 0x30 + sum / 10 % 10, toByteOffset: q + 4, as: UInt8.self)
        storage.storeBytes(of: 0x30 + sum % 10, toByteOffset: q + 5, as: UInt8.self)
        storage.storeBytes(of: 0x01, toByteOffset: q + 6, as: UInt8.self)
        q += 7
        return UnsafeRawBufferPointer(start: storage + start, count: q - start)
    }
}
