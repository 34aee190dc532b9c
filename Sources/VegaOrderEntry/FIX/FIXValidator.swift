/// The outcome of checking a parsed message against ``FIXDictionary``.
@frozen
public enum FIXValidation: Sendable, Hashable, BitwiseCopyable {
    /// Well-formed for its MsgType.
    case valid
    /// Answer with a session Reject (35=3) carrying this reason and RefTagID.
    case reject(FIXRejection)
    /// A MsgType FIX 4.4 defines but Vega does not handle: answer with BusinessMessageReject
    /// (35=j, BusinessRejectReason 380=3 "Unsupported Message Type").
    case unsupportedMessageType
}

/// Checks a parsed message against the FIX 4.4 dictionary: tag numbers, tags defined for the
/// MsgType, empty values, data formats, enumerations, duplicates, header/body order, repeating
/// groups and required tags — each failure mapped to its SessionRejectReason (373) and
/// RefTagID (371).
///
/// One pass over the fields, one table load per field; no allocation, no lock.
@frozen
public struct FIXValidator: Sendable {
    /// Accept user-defined tags (5000–39999) in any message; when false they are rejected
    /// with reason 3 (Undefined Tag).
    public var allowUserDefinedTags: Bool

    @inlinable
    public init(allowUserDefinedTags: Bool = false) {
        self.allowUserDefinedTags = allowUserDefinedTags
    }

    /// Validates `view` (a message ``FIXFieldIndex/parse(_:)`` accepted).
    ///
    /// One pass; per field one load from ``FIXDictionary/tagInfo(_:)`` answers header, type,
    /// enumeration, group membership, defined-for-this-MsgType and required slot. Required tags
    /// (header and body) are checked at the end by one mask compare.
    @inlinable
    public func validate(_ view: FIXView) -> FIXValidation {
        let msgType = view.msgType
        if !msgType.isDefinedInFIX44 { return .reject(FIXRejection(.invalidMsgType, tag: 35)) }
        let messageIndex = FIXDictionary.messageIndex(msgType)
        if messageIndex < 0 { return .unsupportedMessageType }
        let definedBit = FIXDictionary.definedBit(messageIndex: messageIndex)
        let last = view.count - 1
        var inBody = false
        var seen: UInt64 = 0
        var groupTag: UInt32 = 0
        var groupMemberBit: UInt32 = 0
        var groupDelimiter: UInt32 = 0
        var groupExpected: UInt64 = 0
        var groupEntries: UInt64 = 0
        var entryMask: UInt8 = 0
        var requiredSeen: UInt32 = 0
        var i = 3
        while i < last {
            let tag = view[i].tag
            let value = view.value(at: i)
            if tag == 0 || (tag > FIXDictionary.maxFIX44Tag && tag < 5000) || tag >= 40000 || tag == 10 {
                return .reject(FIXRejection(tag == 10 ? .tagSpecifiedOutOfRequiredOrder : .invalidTagNumber, tag: tag))
            }
            if value.count == 0 { return .reject(FIXRejection(.tagSpecifiedWithoutValue, tag: tag)) }
            let info = FIXDictionary.tagInfo(tag)
            // Repeating group membership comes first: members repeat legitimately.
            if groupTag != 0 {
                if info & groupMemberBit != 0 {
                    let bit: UInt8
                    switch tag {
                    case 448: bit = 1
                    case 447: bit = 2
                    case 452: bit = 4
                    case 802: bit = 8
                    default: bit = 0  // nested-group members repeat per nested entry
                    }
                    if tag == groupDelimiter {
                        groupEntries += 1
                        entryMask = bit
                    } else if groupEntries == 0 || (entryMask & bit) != 0 {
                        return .reject(FIXRejection(.repeatingGroupFieldsOutOfOrder, tag: tag))
                    } else {
                        entryMask |= bit
                    }
                    if let r = checkValue(tag, value, info: info) { return .reject(r) }
                    i += 1
                    continue
                }
                if groupEntries != groupExpected {
                    return .reject(FIXRejection(.incorrectNumInGroupCount, tag: groupTag))
                }
                groupTag = 0
            }
            if info & 1 != 0 {  // header
                if inBody { return .reject(FIXRejection(.tagSpecifiedOutOfRequiredOrder, tag: tag)) }
            } else {
                inBody = true
                if tag >= 5000 {
                    if !allowUserDefinedTags { return .reject(FIXRejection(.undefinedTag, tag: tag)) }
                    i += 1
                    continue
                }
                if info & definedBit == 0 {
                    return .reject(FIXRejection(.tagNotDefinedForMessageType, tag: tag))
                }
                if info & 0x2000 != 0 {  // a Parties member outside its group
                    return .reject(FIXRejection(.repeatingGroupFieldsOutOfOrder, tag: tag))
                }
            }
            // Header and body required slots in one mask.
            let slot = (info >> 8) & 0x1F
            if slot != 0 { requiredSeen |= 1 &<< (slot &- 1) }
            // Duplicates: a 64-bit filter keyed by the tag's low bits, exact scan on a hit.
            let bit: UInt64 = 1 &<< UInt64(tag & 63)
            if seen & bit != 0 {
                var j = 0
                while j < i {
                    if view[j].tag == tag { return .reject(FIXRejection(.tagAppearsMoreThanOnce, tag: tag)) }
                    j += 1
                }
            }
            seen |= bit
            if let r = checkValue(tag, value, info: info) { return .reject(r) }
            if (info >> 1) & 0xF == UInt32(FIXDictionary.FieldType.numInGroup.rawValue) {
                let n = FIXView.parseUnsigned(value.baseAddress!, value.count) ?? 0
                if n > 0 {
                    groupTag = tag
                    groupMemberBit = tag == 453 ? 0x2000 : 0x4000
                    groupDelimiter = FIXDictionary.groupDelimiter(tag)
                    groupExpected = n
                    groupEntries = 0
                    entryMask = 0
                }
            }
            i += 1
        }
        if groupTag != 0 && groupEntries != groupExpected {
            return .reject(FIXRejection(.incorrectNumInGroupCount, tag: groupTag))
        }
        // Required header fields, then the message's required body fields (first missing one
        // named, in dictionary order).
        let expected = FIXDictionary.requiredSlotMask(messageIndex: messageIndex)
        if requiredSeen & expected != expected {
            if requiredSeen & 0xF != 0xF {
                let tag: UInt32 = requiredSeen & 1 == 0 ? 49 : (requiredSeen & 2 == 0 ? 56 : (requiredSeen & 4 == 0 ? 34 : 52))
                return .reject(FIXRejection(.requiredTagMissing, tag: tag))
            }
            var k = 0
            while true {
                let tag = FIXDictionary.requiredTag(msgType, k)
                if tag == 0 { break }
                if requiredSeen & (1 &<< UInt32(FIXDictionary.requiredSlot(info: FIXDictionary.tagInfo(tag)))) == 0 {
                    return .reject(FIXRejection(.requiredTagMissing, tag: tag))
                }
                k += 1
            }
        }
        return .valid
    }

    /// Format (reason 6) then enumeration (reason 5) of one non-empty value, typed by its
    /// ``FIXDictionary/tagInfo(_:)``.
    @inlinable @inline(__always)
    func checkValue(_ tag: UInt32, _ value: UnsafeRawBufferPointer, info: UInt32) -> FIXRejection? {
        let ok: Bool
        switch UInt8(truncatingIfNeeded: (info >> 1) & 0xF) {
        case FIXDictionary.FieldType.string.rawValue: ok = true
        case FIXDictionary.FieldType.int.rawValue: ok = FIXView.parseInt(value) != nil
        case FIXDictionary.FieldType.numInGroup.rawValue: ok = FIXView.parseUnsigned(value.baseAddress!, value.count) != nil
        case FIXDictionary.FieldType.qty.rawValue, FIXDictionary.FieldType.price.rawValue: ok = FIXValidator.isDecimal(value)
        case FIXDictionary.FieldType.char.rawValue: ok = value.count == 1
        case FIXDictionary.FieldType.boolean.rawValue:
            ok = value.count == 1 && (value[0] == UInt8(ascii: "Y") || value[0] == UInt8(ascii: "N"))
        case FIXDictionary.FieldType.utcTimestamp.rawValue: ok = FIXTimestampFormat.isValid(value)
        case FIXDictionary.FieldType.localMktDate.rawValue: ok = FIXTimestampFormat.parseDate(value) != nil
        default: ok = true
        }
        if !ok { return FIXRejection(.incorrectDataFormat, tag: tag) }
        if info & 0x20 != 0 && !FIXDictionary.isValidEnum(tag, value) { return FIXRejection(.valueIncorrect, tag: tag) }
        return nil
    }

    /// FIX `float`: optional sign, digits, at most one `.`, at least one digit.
    @inlinable
    static func isDecimal(_ v: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        if v.count > 0 && (v[0] == UInt8(ascii: "-") || v[0] == UInt8(ascii: "+")) { i = 1 }
        var digits = 0
        var dot = false
        while i < v.count {
            let c = v[i]
            if c == UInt8(ascii: ".") {
                if dot { return false }
                dot = true
            } else if c &- 0x30 <= 9 {
                digits += 1
            } else {
                return false
            }
            i += 1
        }
        return digits > 0
    }
}
