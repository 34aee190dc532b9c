import VegaCore

/// An OUCH 5.0 option tag (Appendix B) and the size of its value (a struct over the byte, so
/// every member is inlinable; see OUCHFieldValues.swift).
///
/// Tags the appendix does not list are not errors: a venue may add options (the 2024 revision
/// added some), so the decoder skips them by their element length and never interprets them.
@frozen
public struct OUCHOptionTag: RawRepresentable, Sendable, Hashable, BitwiseCopyable {
    public var rawValue: UInt8

    @inlinable @inline(__always)
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    @inlinable public static var secondaryOrdRefNum: Self { Self(rawValue: 1) }  // Numeric 8
    @inlinable public static var firm: Self { Self(rawValue: 2) }  // Alpha 4
    @inlinable public static var minQty: Self { Self(rawValue: 3) }  // Integer 4
    @inlinable public static var customerType: Self { Self(rawValue: 4) }  // Char 1
    @inlinable public static var maxFloor: Self { Self(rawValue: 5) }  // Integer 4
    @inlinable public static var priceType: Self { Self(rawValue: 6) }  // Char 1
    @inlinable public static var pegOffset: Self { Self(rawValue: 7) }  // Signed Price 4
    @inlinable public static var discretionPrice: Self { Self(rawValue: 9) }  // Price 8
    @inlinable public static var discretionPriceType: Self { Self(rawValue: 10) }  // Alpha 1
    @inlinable public static var discretionPegOffset: Self { Self(rawValue: 11) }  // Signed Price 4
    @inlinable public static var postOnly: Self { Self(rawValue: 12) }  // Alpha 1
    @inlinable public static var randomReserves: Self { Self(rawValue: 13) }  // Integer 4
    @inlinable public static var route: Self { Self(rawValue: 14) }  // Alpha 4
    @inlinable public static var expireTime: Self { Self(rawValue: 15) }  // Integer 4 (seconds to live, < 86,400)
    @inlinable public static var tradeNow: Self { Self(rawValue: 16) }  // Alpha 1
    @inlinable public static var handleInst: Self { Self(rawValue: 17) }  // Alpha 1
    @inlinable public static var bboWeightIndicator: Self { Self(rawValue: 18) }  // Alpha 1
    @inlinable public static var displayQuantity: Self { Self(rawValue: 22) }  // Numeric 4
    @inlinable public static var displayPrice: Self { Self(rawValue: 23) }  // Price 8
    @inlinable public static var groupID: Self { Self(rawValue: 24) }  // Numeric 2
    @inlinable public static var sharesLocated: Self { Self(rawValue: 25) }  // Alpha 1

    /// The value's size in bytes (Appendix B "Size": the value alone, not the TagValue element), or
    /// `nil` for a tag the appendix does not list.
    @inlinable
    public var valueSize: Int? {
        switch rawValue {
        case 1, 9, 23: return 8
        case 2, 3, 5, 7, 11, 13, 14, 15, 22: return 4
        case 24: return 2
        case 4, 6, 10, 12, 16, 17, 18, 25: return 1
        default: return nil
        }
    }

    /// Every tag Appendix B lists.
    public static var allCases: [Self] { [1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 22, 23, 24, 25].map { Self(rawValue: $0) } }
}

/// A zero-copy view of a message's optional appendage: TagValue elements, each
/// `length(1) tag(1) value(length − 1)`.
///
/// Only the decoder makes one, after ``validate(_:count:)`` has proved every element lies inside
/// the appendage and every known tag has its Appendix B size, so lookups never read out of bounds.
/// The bytes belong to the caller and must outlive the view. Lookups scan linearly (appendages are a
/// few elements); no allocation.
@frozen
public struct OUCHAppendage: BitwiseCopyable {
    public let base: UnsafeRawPointer?
    public let count: Int

    @inlinable
    public init(unchecked base: UnsafeRawPointer?, count: Int) {
        self.base = base
        self.count = count
    }

    /// The appendage's bytes.
    @inlinable public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// Whether `count` bytes at `base` are a well-formed appendage: every element's length byte is at
    /// least 1 (its tag) and the element ends inside the appendage; a tag Appendix B lists carries
    /// exactly its size. Unknown tags are skipped.
    @inlinable
    public static func validate(_ base: UnsafeRawPointer, count: Int) -> Bool {
        var offset = 0
        while offset < count {
            let length = Int(base._ouchU8(offset))
            guard length >= 1, offset + 1 + length <= count else { return false }
            if let size = OUCHOptionTag(rawValue: base._ouchU8(offset + 1)).valueSize, size != length - 1 {
                return false
            }
            offset += 1 + length
        }
        return true
    }

    /// The value bytes of the first element carrying `tag`, or `nil` if it is absent.
    @inlinable
    public func value(_ tag: OUCHOptionTag) -> UnsafeRawPointer? {
        guard let p = base else { return nil }
        var offset = 0
        while offset < count {
            let length = Int(p._ouchU8(offset))
            if p._ouchU8(offset + 1) == tag.rawValue { return p + offset + 2 }
            offset += 1 + length
        }
        return nil
    }

    /// Number of TagValue elements (known and unknown tags).
    @inlinable
    public var elementCount: Int {
        guard let p = base else { return 0 }
        var offset = 0, n = 0
        while offset < count { offset += 1 + Int(p._ouchU8(offset)); n += 1 }
        return n
    }

    @inlinable public var firm: OUCHFirm? { value(.firm).map { OUCHFirm(rawValue: $0._ouchU32(0)) } }
    @inlinable public var minQty: UInt32? { value(.minQty).map { $0._ouchU32(0) } }
    @inlinable public var maxFloor: UInt32? { value(.maxFloor).map { $0._ouchU32(0) } }
    @inlinable public var customerType: UInt8? { value(.customerType).map { $0._ouchU8(0) } }
    @inlinable public var priceType: UInt8? { value(.priceType).map { $0._ouchU8(0) } }
    /// Peg offset: a Signed Price of 4 bytes.
    @inlinable public var pegOffset: Price4? {
        value(.pegOffset).map { Price4(rawValue: Int64(Int32(bitPattern: $0._ouchU32(0)))) }
    }
    @inlinable public var discretionPrice: Price4? { value(.discretionPrice).map { $0._ouchPrice(0) } }
    @inlinable public var postOnly: UInt8? { value(.postOnly).map { $0._ouchU8(0) } }
    @inlinable public var expireTimeSeconds: UInt32? { value(.expireTime).map { $0._ouchU32(0) } }
    @inlinable public var secondaryOrdRefNum: UInt64? { value(.secondaryOrdRefNum).map { $0._ouchU64(0) } }
    @inlinable public var displayQuantity: UInt32? { value(.displayQuantity).map { $0._ouchU32(0) } }
    @inlinable public var displayPrice: Price4? { value(.displayPrice).map { $0._ouchPrice(0) } }
    @inlinable public var groupID: UInt16? { value(.groupID).map { $0._ouchU16(0) } }
}

/// Writes TagValue elements into a caller's buffer, for the `appendage:` argument of the encoders.
///
/// No allocation: it only stores into `buffer`. Each `append…` returns `false` (and writes nothing)
/// when the element would not fit; `written` is the appendage's length so far.
@frozen
public struct OUCHAppendageWriter {
    public let buffer: UnsafeMutableRawBufferPointer
    /// Bytes written so far (the appendage length to pass on).
    @usableFromInline var _written: Int = 0
    @inlinable public var written: Int { _written }

    @inlinable
    public init(buffer: UnsafeMutableRawBufferPointer) { self.buffer = buffer }

    /// The bytes written so far.
    @inlinable public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: buffer[0..<written]) }

    @inlinable
    mutating func _element(_ tag: UInt8, size: Int) -> UnsafeMutableRawPointer? {
        guard let p = buffer.baseAddress, written + 2 + size <= buffer.count, size < 255 else { return nil }
        let e = p + written
        e._ouchPut8(0, UInt8(1 + size))
        e._ouchPut8(1, tag)
        _written += 2 + size
        return e + 2
    }

    @inlinable @discardableResult
    public mutating func append(_ tag: OUCHOptionTag, byte: UInt8) -> Bool {
        guard tag.valueSize == 1, let v = _element(tag.rawValue, size: 1) else { return false }
        v._ouchPut8(0, byte); return true
    }

    @inlinable @discardableResult
    public mutating func append(_ tag: OUCHOptionTag, uint16: UInt16) -> Bool {
        guard tag.valueSize == 2, let v = _element(tag.rawValue, size: 2) else { return false }
        v._ouchPut16(0, uint16); return true
    }

    /// Integers, Alpha(4) as their packed `rawValue`, and Signed Price(4) as the `Int32` bit pattern.
    @inlinable @discardableResult
    public mutating func append(_ tag: OUCHOptionTag, uint32: UInt32) -> Bool {
        guard tag.valueSize == 4, let v = _element(tag.rawValue, size: 4) else { return false }
        v._ouchPut32(0, uint32); return true
    }

    @inlinable @discardableResult
    public mutating func append(_ tag: OUCHOptionTag, uint64: UInt64) -> Bool {
        guard tag.valueSize == 8, let v = _element(tag.rawValue, size: 8) else { return false }
        v._ouchPut64(0, uint64); return true
    }

    /// An element with a tag Appendix B does not list (for forward-compatibility tests and new
    /// venue options); `value` is copied as is.
    @inlinable @discardableResult
    public mutating func appendUnknown(tag: UInt8, value: UnsafeRawBufferPointer) -> Bool {
        guard OUCHOptionTag(rawValue: tag).valueSize == nil, let v = _element(tag, size: value.count) else { return false }
        if let src = value.baseAddress { v.copyMemory(from: src, byteCount: value.count) }
        return true
    }
}
