/// SessionRejectReason (373) of a session-level Reject (35=3), FIX 4.4 values.
@frozen
public enum FIXSessionRejectReason: Int, Sendable, Hashable, BitwiseCopyable, CustomStringConvertible {
    case invalidTagNumber = 0
    case requiredTagMissing = 1
    case tagNotDefinedForMessageType = 2
    case undefinedTag = 3
    case tagSpecifiedWithoutValue = 4
    case valueIncorrect = 5
    case incorrectDataFormat = 6
    case decryptionProblem = 7
    case signatureProblem = 8
    case compIDProblem = 9
    case sendingTimeAccuracyProblem = 10
    case invalidMsgType = 11
    case xmlValidationError = 12
    case tagAppearsMoreThanOnce = 13
    case tagSpecifiedOutOfRequiredOrder = 14
    case repeatingGroupFieldsOutOfOrder = 15
    case incorrectNumInGroupCount = 16
    case nonDataValueIncludesFieldDelimiter = 17
    case other = 99

    public var description: String {
        switch self {
        case .invalidTagNumber: "Invalid tag number"
        case .requiredTagMissing: "Required tag missing"
        case .tagNotDefinedForMessageType: "Tag not defined for this message type"
        case .undefinedTag: "Undefined Tag"
        case .tagSpecifiedWithoutValue: "Tag specified without a value"
        case .valueIncorrect: "Value is incorrect (out of range) for this tag"
        case .incorrectDataFormat: "Incorrect data format for value"
        case .decryptionProblem: "Decryption problem"
        case .signatureProblem: "Signature problem"
        case .compIDProblem: "CompID problem"
        case .sendingTimeAccuracyProblem: "SendingTime accuracy problem"
        case .invalidMsgType: "Invalid MsgType"
        case .xmlValidationError: "XML Validation error"
        case .tagAppearsMoreThanOnce: "Tag appears more than once"
        case .tagSpecifiedOutOfRequiredOrder: "Tag specified out of required order"
        case .repeatingGroupFieldsOutOfOrder: "Repeating group fields out of order"
        case .incorrectNumInGroupCount: "Incorrect NumInGroup count for repeating group"
        case .nonDataValueIncludesFieldDelimiter: "Non \"data\" value includes field delimiter (SOH character)"
        case .other: "Other"
        }
    }
}

/// Why a received message must be answered with a session Reject: the reason and the tag
/// (RefTagID 371) it concerns, 0 when no single tag is at fault.
@frozen
public struct FIXRejection: Sendable, Hashable, BitwiseCopyable, CustomStringConvertible {
    public var reason: FIXSessionRejectReason
    public var refTagID: UInt32

    @inlinable @inline(__always)
    public init(_ reason: FIXSessionRejectReason, tag: UInt32) {
        self.reason = reason
        self.refTagID = tag
    }

    public var description: String { "\(reason) (373=\(reason.rawValue), 371=\(refTagID))" }
}

/// Why bytes are not a message at all ("garbled" in the FIX spec): such input is ignored —
/// no Reject, no MsgSeqNum consumed — and counted.
@frozen
public enum FIXGarbledReason: UInt8, Sendable, Hashable, BitwiseCopyable, CustomStringConvertible {
    /// Does not start with `8=`.
    case missingBeginString
    /// Second field is not BodyLength (9), or its value is not a number.
    case badBodyLength
    /// Third field is not MsgType (35).
    case missingMsgType
    /// CheckSum (10) is not where BodyLength says the body ends.
    case bodyLengthMismatch
    /// CheckSum value is not three digits, or differs from the byte sum.
    case badCheckSum
    /// A field has no `=`, a non-numeric tag, or the message does not end with SOH.
    case malformedField
    /// More fields than the index can hold.
    case tooManyFields
    /// BodyLength larger than the configured maximum message size.
    case tooLarge
    /// A data field (RawData 96, EncodedText 355, …) is not followed by SOH where its length
    /// field (95, 354, …) says it ends, or the length is not a number.
    case badDataLength

    public var description: String {
        switch self {
        case .missingBeginString: "does not start with 8="
        case .badBodyLength: "second field is not a numeric BodyLength (9)"
        case .missingMsgType: "third field is not MsgType (35)"
        case .bodyLengthMismatch: "CheckSum (10) is not where BodyLength (9) says the body ends"
        case .badCheckSum: "CheckSum (10) does not match the bytes"
        case .malformedField: "malformed field (no '=', non-numeric tag, or no final SOH)"
        case .tooManyFields: "more fields than the index holds"
        case .tooLarge: "BodyLength exceeds the maximum message size"
        case .badDataLength: "a data field's length (95, 354, …) does not end on a SOH"
        }
    }
}
