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
        // Few live values in the loop (they stay in registers); repeating groups are walked out
        // of line by `scanGroup`.
        var inBody = false
        var seen: UInt64 = 0
        var requiredSeen: UInt32 = 0
        var i = 3
        while i < last {
            let tag = view[i].tag
            let value = view.value(at: i)
            if let r = FIXValidator.checkTagAndPresence(tag, value) { return .reject(r) }
            let info = FIXDictionary.tagInfo(tag)
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
            if seen & bit != 0 && FIXValidator.appearsBefore(tag, view, i) {
                return .reject(FIXRejection(.tagAppearsMoreThanOnce, tag: tag))
            }
            seen |= bit
            if let r = checkValue(tag, value, info: info) { return .reject(r) }
            i += 1
            if (info >> 1) & 0xF == UInt32(FIXDictionary.FieldType.numInGroup.rawValue) {
                let n = FIXView.parseUnsigned(value.baseAddress!, value.count) ?? 0
                if n > 0 {
                    let group = scanGroup(view, countTag: tag, expected: n, from: i, end: last)
                    if let r = group.rejection { return .reject(r) }
                    i = group.next
                }
            }
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

    /// The first checks of every field, in or out of a group: a tag number FIX 4.4 allows here
    /// (reason 0; CheckSum before the end: 14), then a value (reason 4).
    @inlinable @inline(__always)
    static func checkTagAndPresence(_ tag: UInt32, _ value: UnsafeRawBufferPointer) -> FIXRejection? {
        if tag == 0 || (tag > FIXDictionary.maxFIX44Tag && tag < 5000) || tag >= 40000 || tag == 10 {
            return FIXRejection(tag == 10 ? .tagSpecifiedOutOfRequiredOrder : .invalidTagNumber, tag: tag)
        }
        if value.count == 0 { return FIXRejection(.tagSpecifiedWithoutValue, tag: tag) }
        return nil
    }

    /// Whether `tag` is among fields `0 ..< i` of `view` (the duplicate filter's exact check).
    @inlinable
    static func appearsBefore(_ tag: UInt32, _ view: FIXView, _ i: Int) -> Bool {
        var j = 0
        while j < i {
            if view[j].tag == tag { return true }
            j += 1
        }
        return false
    }

    /// Walks the `expected` entries of the repeating group counted by `countTag`, starting at
    /// field `from`: each entry begins with the group's delimiter, its members appear at most
    /// once per entry (nested groups' members may repeat), and each value is checked. Returns
    /// the index of the first field after the group and no rejection, or the rejection (reason 15 out of order,
    /// 16 wrong count, or the value's).
    @inlinable
    func scanGroup(_ view: FIXView, countTag: UInt32, expected: UInt64, from: Int, end: Int) -> (next: Int, rejection: FIXRejection?) {
        let memberBit: UInt32 = countTag == 453 ? 0x2000 : 0x4000
        let delimiter = FIXDictionary.groupDelimiter(countTag)
        var entries: UInt64 = 0
        var entryMask: UInt8 = 0
        var i = from
        while i < end {
            let tag = view[i].tag
            let value = view.value(at: i)
            if let r = FIXValidator.checkTagAndPresence(tag, value) { return (i, r) }
            let info = FIXDictionary.tagInfo(tag)
            guard info & memberBit != 0 else { break }
            let bit: UInt8
            switch tag {
            case 448: bit = 1
            case 447: bit = 2
            case 452: bit = 4
            case 802: bit = 8
            default: bit = 0  // nested-group members repeat per nested entry
            }
            if tag == delimiter {
                entries += 1
                entryMask = bit
            } else if entries == 0 || (entryMask & bit) != 0 {
                return (i, FIXRejection(.repeatingGroupFieldsOutOfOrder, tag: tag))
            } else {
                entryMask |= bit
            }
            if let r = checkValue(tag, value, info: info) { return (i, r) }
            i += 1
        }
        if entries != expected { return (i, FIXRejection(.incorrectNumInGroupCount, tag: countTag)) }
        return (i, nil)
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
