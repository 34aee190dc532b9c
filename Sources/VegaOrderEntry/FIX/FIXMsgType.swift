/// A FIX MsgType (35): one or two ASCII bytes packed into a `UInt16` (first byte in the low
/// half), so comparing and switching on it costs an integer compare.
@frozen
public struct FIXMsgType: Sendable, Hashable, BitwiseCopyable, CustomStringConvertible {
    /// `byte0 | byte1 << 8`; `byte1` is 0 for one-byte types. 0 means "not representable"
    /// (empty, or longer than two bytes).
    public var rawValue: UInt16

    @inlinable @inline(__always)
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// The one-byte MsgType `byte` (an ASCII character such as `UInt8(ascii: "D")`).
    @inlinable @inline(__always)
    public init(_ byte: UInt8) { self.rawValue = UInt16(byte) }

    /// From the wire bytes; `.invalid` for an empty or >2-byte value.
    @inlinable
    public init(bytes: UnsafeRawBufferPointer) {
        switch bytes.count {
        case 1: rawValue = UInt16(bytes[0])
        case 2: rawValue = UInt16(bytes[0]) | UInt16(bytes[1]) << 8
        default: rawValue = 0
        }
    }

    /// From text such as `"D"` or `"AE"`; `.invalid` otherwise.
    public init(_ text: String) {
        var copy = text
        self = copy.withUTF8 { FIXMsgType(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// Number of wire bytes (1 or 2; 0 for `.invalid`).
    @inlinable
    public var byteCount: Int { rawValue == 0 ? 0 : (rawValue >> 8 == 0 ? 1 : 2) }

    @inlinable public var byte0: UInt8 { UInt8(rawValue & 0xFF) }
    @inlinable public var byte1: UInt8 { UInt8(rawValue >> 8) }

    public var description: String {
        byteCount == 2
            ? String(decoding: [byte0, byte1], as: UTF8.self)
            : (byteCount == 1 ? String(decoding: [byte0], as: UTF8.self) : "<invalid>")
    }

    @inlinable public static var invalid: Self { Self(rawValue: 0) }
    @inlinable public static var heartbeat: Self { Self(UInt8(ascii: "0")) }
    @inlinable public static var testRequest: Self { Self(UInt8(ascii: "1")) }
    @inlinable public static var resendRequest: Self { Self(UInt8(ascii: "2")) }
    @inlinable public static var reject: Self { Self(UInt8(ascii: "3")) }
    @inlinable public static var sequenceReset: Self { Self(UInt8(ascii: "4")) }
    @inlinable public static var logout: Self { Self(UInt8(ascii: "5")) }
    @inlinable public static var logon: Self { Self(UInt8(ascii: "A")) }
    @inlinable public static var newOrderSingle: Self { Self(UInt8(ascii: "D")) }
    @inlinable public static var orderCancelRequest: Self { Self(UInt8(ascii: "F")) }
    @inlinable public static var orderCancelReplaceRequest: Self { Self(UInt8(ascii: "G")) }
    @inlinable public static var orderStatusRequest: Self { Self(UInt8(ascii: "H")) }
    @inlinable public static var executionReport: Self { Self(UInt8(ascii: "8")) }
    @inlinable public static var orderCancelReject: Self { Self(UInt8(ascii: "9")) }
    @inlinable public static var businessMessageReject: Self { Self(UInt8(ascii: "j")) }

    /// Session-level (administrative) message: Heartbeat, TestRequest, ResendRequest, Reject,
    /// SequenceReset, Logout, Logon. Everything else is an application message.
    @inlinable
    public var isAdmin: Bool {
        switch rawValue {
        case 0x30...0x35, 0x41: return true
        default: return false
        }
    }

    /// Whether this is a MsgType FIX 4.4 defines (one alphanumeric byte, or `AA`…`AZ`, `BA`…`BH`).
    /// A defined type that Vega does not handle is answered with BusinessMessageReject; an
    /// undefined one with a session Reject (SessionRejectReason 11).
    @inlinable
    public var isDefinedInFIX44: Bool {
        let b0 = byte0, b1 = byte1
        if byteCount == 1 {
            return (b0 >= 0x30 && b0 <= 0x39) || (b0 >= 0x41 && b0 <= 0x5A) || (b0 >= 0x61 && b0 <= 0x7A)
        }
        if byteCount == 2 {
            if b0 == UInt8(ascii: "A") { return b1 >= 0x41 && b1 <= 0x5A }
            if b0 == UInt8(ascii: "B") { return b1 >= 0x41 && b1 <= 0x48 }
        }
        return false
    }
}
