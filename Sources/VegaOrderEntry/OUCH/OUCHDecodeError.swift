/// Why an OUCH message was refused. Every refusal is one of these, and `OUCHDecoder` counts each.
@frozen
public enum OUCHDecodeError: UInt8, Error, Sendable, BitwiseCopyable, CaseIterable, CustomStringConvertible {
    /// Fewer bytes than the type's fixed part, or than its fixed part plus the declared appendage.
    case truncated
    /// A type byte the specification does not define for this direction.
    case unknownType
    /// More bytes than the type's fixed part plus its declared appendage (or, for a fixed-length
    /// type, more than its length): one SoupBinTCP packet carries exactly one message.
    case badLength
    /// An enumerated field holds a value its section or appendix does not list.
    case badEnumValue
    /// The appendage is not a sequence of well-formed TagValue elements (see `OUCHAppendage.validate`).
    case badAppendage

    public var description: String {
        switch self {
        case .truncated: return "truncated"
        case .unknownType: return "unknown message type"
        case .badLength: return "bad length"
        case .badEnumValue: return "bad enumerated value"
        case .badAppendage: return "bad optional appendage"
        }
    }
}

/// Per-reason refusal counts and the number of messages decoded.
@frozen
public struct OUCHDecodeCounters: Sendable, Hashable, BitwiseCopyable {
    public var decoded: UInt64 = 0
    public var truncated: UInt64 = 0
    public var unknownType: UInt64 = 0
    public var badLength: UInt64 = 0
    public var badEnumValue: UInt64 = 0
    public var badAppendage: UInt64 = 0

    @inlinable public init() {}

    /// The count for `reason`.
    @inlinable
    public subscript(reason: OUCHDecodeError) -> UInt64 {
        switch reason {
        case .truncated: return truncated
        case .unknownType: return unknownType
        case .badLength: return badLength
        case .badEnumValue: return badEnumValue
        case .badAppendage: return badAppendage
        }
    }

    /// Every refusal, all reasons together.
    @inlinable public var rejected: UInt64 { truncated &+ unknownType &+ badLength &+ badEnumValue &+ badAppendage }

    @inlinable
    public mutating func count(_ reason: OUCHDecodeError) {
        switch reason {
        case .truncated: truncated &+= 1
        case .unknownType: unknownType &+= 1
        case .badLength: badLength &+= 1
        case .badEnumValue: badEnumValue &+= 1
        case .badAppendage: badAppendage &+= 1
        }
    }
}
