/// A received FIX message that owns its bytes: what a session delivers to the application.
///
/// Off the lane (an array for the bytes and one for the field index); the lane parses in place
/// with ``FIXFieldIndex``. Accessors convert on demand.
public struct FIXMessage: Sendable, Hashable, CustomStringConvertible {
    /// The message exactly as received, `8=` through the CheckSum's SOH.
    public let bytes: [UInt8]
    @usableFromInline let fields: [FIXField]

    /// Parses `bytes` (one complete message); `nil` when garbled (see ``FIXFieldIndex/parse(_:)``).
    public init?(bytes: [UInt8]) {
        var index = FIXFieldIndex(capacity: 1024)
        let failed = bytes.withUnsafeBytes { index.parse($0) }
        if failed != nil { return nil }
        let view = index.view
        self.bytes = bytes
        self.fields = (0..<view.count).map { view[$0] }
    }

    /// Copies a message that has already been parsed.
    public init(_ view: FIXView) {
        self.bytes = Array(view.bytes)
        self.fields = (0..<view.count).map { view[$0] }
    }

    /// Runs `body` with a view of the fields (valid only inside `body`).
    @inlinable
    public func withView<R>(_ body: (FIXView) throws -> R) rethrows -> R {
        try bytes.withUnsafeBytes { raw in
            try fields.withUnsafeBufferPointer { f in
                try body(FIXView(base: raw.baseAddress, length: raw.count, fields: f.baseAddress!, count: f.count))
            }
        }
    }

    /// MsgType (35).
    public var msgType: FIXMsgType { withView { $0.msgType } }
    /// MsgSeqNum (34), 0 when absent or malformed.
    public var seqNum: Int { Int(withView { $0.int(34) } ?? 0) }
    /// The value of `tag` as text, `nil` when absent.
    public subscript(tag: UInt32) -> String? { withView { $0.string(tag) } }
    /// The value of `tag` as an integer.
    public func int(_ tag: UInt32) -> Int64? { withView { $0.int(tag) } }
    /// Whether `tag` is present.
    public func contains(_ tag: UInt32) -> Bool { withView { $0.contains(tag) } }

    /// Body fields (after the standard header, before the trailer) as (tag, text) pairs in wire
    /// order, repeating groups included.
    public var bodyFields: [FIXFieldValue] {
        withView { v in
            var out: [FIXFieldValue] = []
            var i = 3
            while i < v.count - 1 {
                let tag = v[i].tag
                if !FIXDictionary.isHeader(tag) {
                    out.append(FIXFieldValue(tag, String(decoding: v.value(at: i), as: UTF8.self)))
                }
                i += 1
            }
            return out
        }
    }

    /// The message with `|` for SOH, for logs and terminals.
    public var description: String {
        String(decoding: bytes.map { $0 == 0x01 ? UInt8(ascii: "|") : $0 }, as: UTF8.self)
    }
}

/// One field of an outgoing message.
public struct FIXFieldValue: Sendable, Hashable {
    public var tag: UInt32
    public var value: String

    public init(_ tag: UInt32, _ value: String) {
        self.tag = tag
        self.value = value
    }
}

/// An application message to send: MsgType and body fields in order. The session adds the
/// header (BeginString, BodyLength, CompIDs, MsgSeqNum, SendingTime) and the trailer.
public struct FIXOutgoingMessage: Sendable, Hashable {
    public var msgType: FIXMsgType
    public var fields: [FIXFieldValue]

    public init(_ msgType: FIXMsgType, _ fields: [FIXFieldValue]) {
        self.msgType = msgType
        self.fields = fields
    }

    /// From `(tag, value)` pairs: `FIXOutgoingMessage(.newOrderSingle, [(11, "o1"), (54, "1")])`.
    public init(_ msgType: FIXMsgType, _ pairs: [(UInt32, String)]) {
        self.msgType = msgType
        self.fields = pairs.map { FIXFieldValue($0.0, $0.1) }
    }

    /// The value of the first field with `tag`.
    public subscript(tag: UInt32) -> String? { fields.first { $0.tag == tag }?.value }
}
