import VegaCore

/// Read access to a parsed message's fields: typed accessors that convert in place from the
/// wire bytes (integers, fixed-point prices, chars, UTCTimestamps) without allocating.
///
/// A view borrows its memory (the message bytes and a ``FIXFieldIndex``'s field array): it is
/// valid only while both are unchanged. Lookups scan the fields linearly (a message has tens of
/// fields; a scan beats hashing at that size). Accessors return `nil` when the tag is absent or
/// the value does not have the type's format.
@frozen
public struct FIXView {
    @usableFromInline let base: UnsafeRawPointer?
    @usableFromInline let length: Int
    @usableFromInline let fields: UnsafePointer<FIXField>
    /// Number of fields, header and trailer included.
    public let count: Int

    @inlinable
    public init(base: UnsafeRawPointer?, length: Int, fields: UnsafePointer<FIXField>, count: Int) {
        self.base = base
        self.length = length
        self.fields = fields
        self.count = count
    }

    /// The whole message's bytes.
    @inlinable
    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: length) }

    /// The `i`-th field in wire order (`0 ..< count`).
    @inlinable @inline(__always)
    public subscript(i: Int) -> FIXField { fields[i] }

    /// The value bytes of field `i`.
    @inlinable @inline(__always)
    public func value(at i: Int) -> UnsafeRawBufferPointer {
        let f = fields[i]
        return UnsafeRawBufferPointer(start: base.map { $0 + Int(f.offset) }, count: Int(f.length))
    }

    /// Position of the first field with `tag` at or after `start`, or `nil`.
    @inlinable @inline(__always)
    public func firstIndex(of tag: UInt32, from start: Int = 0) -> Int? {
        var i = start
        while i < count {
            if fields[i].tag == tag { return i }
            i += 1
        }
        return nil
    }

    /// The raw value of the first field with `tag`, or `nil` when absent.
    @inlinable
    public func value(_ tag: UInt32) -> UnsafeRawBufferPointer? {
        guard let i = firstIndex(of: tag) else { return nil }
        return value(at: i)
    }

    /// Whether `tag` is present.
    @inlinable
    public func contains(_ tag: UInt32) -> Bool { firstIndex(of: tag) != nil }

    /// MsgType (35): always the third field of a parsed message.
    @inlinable
    public var msgType: FIXMsgType {
        count > 2 ? FIXMsgType(bytes: value(at: 2)) : .invalid
    }

    /// The value as an integer (optional leading `-`), or `nil` when absent or not an integer
    /// that fits in `Int64`.
    @inlinable
    public func int(_ tag: UInt32) -> Int64? {
        guard let v = value(tag) else { return nil }
        return FIXView.parseInt(v)
    }

    /// The value as a single byte (FIX `char`), or `nil` when absent or not one byte long.
    @inlinable
    public func char(_ tag: UInt32) -> UInt8? {
        guard let v = value(tag), v.count == 1 else { return nil }
        return v[0]
    }

    /// The value as a `Y`/`N` boolean, or `nil` when absent or anything else.
    @inlinable
    public func bool(_ tag: UInt32) -> Bool? {
        switch char(tag) {
        case UInt8(ascii: "Y"): return true
        case UInt8(ascii: "N"): return false
        default: return nil
        }
    }

    /// The value as an exact fixed-point price at scale `S` (decimal text, optional sign; no
    /// floating point). `nil` when absent, malformed, out of range, or needing rounding.
    @inlinable
    public func price<S: PriceScale>(_ tag: UInt32, as: Price<S>.Type = Price<S>.self) -> Price<S>? {
        guard let v = value(tag) else { return nil }
        return FIXView.parsePrice(v, as: Price<S>.self)
    }

    /// The value as a whole quantity (FIX `Qty`; `100` or `100.00`), `nil` when absent,
    /// malformed, negative or fractional.
    @inlinable
    public func quantity(_ tag: UInt32) -> Quantity? {
        guard let v = value(tag), let p = FIXView.parsePrice(v, as: Price<PriceScale0>.self), p.rawValue >= 0 else {
            return nil
        }
        return Quantity(rawValue: UInt64(p.rawValue))
    }

    /// The value as a UTCTimestamp (`YYYYMMDD-HH:MM:SS[.sss[sss[sss]]]`), `nil` when absent or
    /// malformed.
    @inlinable
    public func timestamp(_ tag: UInt32) -> Timestamp<UTC>? {
        guard let v = value(tag) else { return nil }
        return FIXTimestampFormat.parse(v)
    }

    /// The value as a `String` (allocates: not for the lane).
    public func string(_ tag: UInt32) -> String? {
        guard let v = value(tag) else { return nil }
        return String(decoding: v, as: UTF8.self)
    }

    /// Whether the value of `tag` equals `text` byte for byte.
    @inlinable
    public func value(_ tag: UInt32, equals text: UnsafeRawBufferPointer) -> Bool {
        guard let v = value(tag), v.count == text.count else { return false }
        var i = 0
        while i < v.count {
            if v[i] != text[i] { return false }
            i += 1
        }
        return true
    }

    // MARK: - Value parsing (shared with the validator)

    /// Digits only, at most 18 of them; `nil` otherwise.
    @inlinable @inline(__always)
    public static func parseUnsigned(_ p: UnsafeRawPointer, _ n: Int) -> UInt64? {
        if n == 0 || n > 18 { return nil }
        var v: UInt64 = 0
        var i = 0
        while i < n {
            let d = p.load(fromByteOffset: i, as: UInt8.self) &- 0x30
            if d > 9 { return nil }
            v = v &* 10 &+ UInt64(d)
            i += 1
        }
        return v
    }

    /// Optional `-` then 1–18 digits.
    @inlinable
    public static func parseInt(_ v: UnsafeRawBufferPointer) -> Int64? {
        guard let p = v.baseAddress, v.count > 0 else { return nil }
        if p.load(as: UInt8.self) == UInt8(ascii: "-") {
            guard let u = parseUnsigned(p + 1, v.count - 1) else { return nil }
            return -Int64(u)
        }
        guard let u = parseUnsigned(p, v.count) else { return nil }
        return Int64(u)
    }

    /// Exact decimal → fixed point: optional sign, digits, optional `.` and digits. Extra
    /// fractional digits are accepted only when they are zeros.
    @inlinable
    public static func parsePrice<S: PriceScale>(_ v: UnsafeRawBufferPointer, as: Price<S>.Type) -> Price<S>? {
        guard let p = v.baseAddress, v.count > 0 else { return nil }
        var i = 0
        var negative = false
        let first = p.load(as: UInt8.self)
        if first == UInt8(ascii: "-") { negative = true; i = 1 }
        else if first == UInt8(ascii: "+") { i = 1 }
        let decimals = S.decimals
        var raw: Int64 = 0
        var digits = 0
        var fraction = 0
        var sawDot = false
        while i < v.count {
            let c = p.load(fromByteOffset: i, as: UInt8.self)
            i += 1
            if c == UInt8(ascii: ".") {
                if sawDot { return nil }
                sawDot = true
                continue
            }
            let d = c &- 0x30
            if d > 9 { return nil }
            digits += 1
            if sawDot {
                if fraction == decimals {
                    if d != 0 { return nil }
                    continue
                }
                fraction += 1
            }
            let (m, o1) = raw.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(d))
            if o1 || o2 { return nil }
            raw = a
        }
        if digits == 0 { return nil }
        var k = fraction
        while k < decimals {
            let (m, o) = raw.multipliedReportingOverflow(by: 10)
            if o { return nil }
            raw = m
            k += 1
        }
        return Price<S>(rawValue: negative ? -raw : raw)
    }
}

