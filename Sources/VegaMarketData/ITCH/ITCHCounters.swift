/// Decoder counters: accepted messages per type and refusals per ``ITCHReject`` reason.
///
/// Fixed arrays inside the value (no heap): counting is one add at an index known from the byte
/// already in a register. Messages are indexed by their type byte itself (256 slots, 2 KiB) so
/// counting needs no second lookup; only the 23 ITCH 5.0 slots are ever used.
///
/// Invariant (tested): `totalMessages + totalRejects` equals the number of inputs decoded.
@frozen
public struct ITCHCounters: Sendable {
    @usableFromInline var _byType: InlineArray<256, UInt64>
    @usableFromInline var _byReason: InlineArray<16, UInt64>

    @inlinable
    public init() {
        _byType = InlineArray(repeating: 0)
        _byReason = InlineArray(repeating: 0)
    }

    /// Messages of `type` decoded and accepted.
    @inlinable
    public func messages(_ type: ITCHMessageType) -> UInt64 { _byType[Int(type.rawValue)] }

    /// Inputs refused for `reason`.
    @inlinable
    public func rejects(_ reason: ITCHReject) -> UInt64 { _byReason[Int(reason.rawValue)] }

    /// All accepted messages (sums 23 slots: not for the per-message path).
    public var totalMessages: UInt64 {
        ITCHMessageType.allCases.reduce(0) { $0 &+ messages($1) }
    }

    /// All refusals.
    public var totalRejects: UInt64 {
        ITCHReject.allCases.reduce(0) { $0 &+ rejects($1) }
    }

    @inlinable @inline(__always)
    mutating func count(_ type: ITCHMessageType) { _byType[Int(type.rawValue)] &+= 1 }

    @inlinable @inline(__always)
    mutating func countType(byte: UInt8) { _byType[Int(byte)] &+= 1 }

    @inlinable @inline(__always)
    mutating func count(_ reason: ITCHReject) { _byReason[Int(reason.rawValue)] &+= 1 }
}

/// Book refusals per ``BookReject`` reason, as the handler saw them come back from its sink.
@frozen
public struct BookRejectCounters: Sendable {
    @usableFromInline var _byReason: InlineArray<16, UInt64>

    @inlinable
    public init() { _byReason = InlineArray(repeating: 0) }

    /// Events the sink refused for `reason`.
    @inlinable
    public subscript(reason: BookReject) -> UInt64 { _byReason[Int(reason.rawValue)] }

    /// All refusals.
    public var total: UInt64 { BookReject.allCases.reduce(0) { $0 &+ self[$1] } }

    @inlinable @inline(__always)
    mutating func count(_ reason: BookReject) { _byReason[Int(reason.rawValue)] &+= 1 }
}
