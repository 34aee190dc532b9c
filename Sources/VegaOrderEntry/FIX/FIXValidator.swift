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
/// One pass over the fields plus one lookup per required tag; no allocation, no lock.
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
    @inlinable
    public func validate(_ view: FIXView) -> FIXValidation {
        let msgType = view.msgType
        if !msgType.isDefinedInFIX44 { return .reject(FIXRejection(.invalidMsgType, tag: 35)) }
        if !FIXDictionary.isSupported(msgType) { return .unsupportedMessageType }
        let last = view.count - 1
        var inBody = false
        var seen: UInt64 = 0
        var groupTag: UInt32 = 0
        var groupExpected: UInt64 = 0
        var groupEntries: UInt64 = 0
        var entryMask: UInt8 = 0
        var headerSeen: UInt8 = 0
        var requiredSeen: UInt16 = 0
        var i = 3
        while i < last {
            let tag = view[i].tag
            let value = view.value(at: i)
            if tag == 0 || (tag > FIXDictionary.maxFIX44Tag && tag < 5000) || tag >= 40000 || tag == 10 {
                return .reject(FIXRejection(tag == 10 ? .tagSpecifiedOutOfRequiredOrder : .invalidTagNumber, tag: tag))
            }
            if value.count == 0 { return .reject(FIXRejection(.tagSpecifiedWithoutValue, tag: tag)) }
            // Repeating group membership comes first: members repeat legitimately.
            if groupTag != 0 {
                if FIXDictionary.isGroupMember(tag, of: groupTag) {
                    let bit: UInt8
                    switch tag {
                    case 448: bit = 1
                    case 447: bit = 2
                    case 452: bit = 4
                    case 802: bit = 8
                    default: bit = 0  // nested-group members repeat per nested entry
                    }
                    if tag == FIXDictionary.groupDelimiter(groupTag) {
                        groupEntries += 1
                        entryMask = bit
                    } else if groupEntries == 0 || (entryMask & bit) != 0 {
                        return .reject(FIXRejection(.repeatingGroupFieldsOutOfOrder, tag: tag))
                    } else {
                        entryMask |= bit
                    }
                    if let r = checkValue(tag, value) { return .reject(r) }
                    i += 1
                    continue
                }
                if groupEntries != groupExpected {
                    return .reject(FIXRejection(.incorrectNumInGroupCount, tag: groupTag))
                }
                groupTag = 0
            }
            if FIXDictionary.isHeader(tag) {
                if inBody { return .reject(FIXRejection(.tagSpecifiedOutOfRequiredOrder, tag: tag)) }
                switch tag {
                case 49: headerSeen |= 1
                case 56: headerSeen |= 2
                case 34: headerSeen |= 4
                case 52: headerSeen |= 8
                default: break
                }
            } else {
                inBody = true
                if tag >= 5000 {
                    if !allowUserDefinedTags { return .reject(FIXRejection(.undefinedTag, tag: tag)) }
                    i += 1
                    continue
                }
                if !FIXDictionary.isDefined(tag, in: msgType) {
                    return .reject(FIXRejection(.tagNotDefinedForMessageType, tag: tag))
                }
                if FIXDictionary.isGroupMember(tag, of: 453) {
                    return .reject(FIXRejection(.repeatingGroupFieldsOutOfOrder, tag: tag))
                }
                requiredSeen |= FIXDictionary.requiredBit(tag, in: msgType)
            }
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
            if let r = checkValue(tag, value) { return .reject(r) }
            if FIXDictionary.type(of: tag) == .numInGroup {
                let n = FIXView.parseUnsigned(value.baseAddress!, value.count) ?? 0
                if n > 0 {
                    groupTag = tag
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
        if headerSeen != 15 {
            let tag: UInt32 = headerSeen & 1 == 0 ? 49 : (headerSeen & 2 == 0 ? 56 : (headerSeen & 4 == 0 ? 34 : 52))
            return .reject(FIXRejection(.requiredTagMissing, tag: tag))
        }
        let expected = FIXDictionary.requiredMask(msgType)
        if requiredSeen != expected {
            let missing = expected & ~requiredSeen
            return .reject(FIXRejection(.requiredTagMissing, tag: FIXDictionary.requiredTag(msgType, missing.trailingZeroBitCount)))
        }
        return .valid
    }

    /// Format (reason 6) then enumeration (reason 5) of one non-empty value.
    @inlinable @inline(__always)
    func checkValue(_ tag: UInt32, _ value: UnsafeRawBufferPointer) -> FIXRejection? {
        let ok: Bool
        switch FIXDictionary.type(of: tag) {
        case .string: ok = true
        case .int: ok = FIXView.parseInt(value) != nil
        case .numInGroup: ok = FIXView.parseUnsigned(value.baseAddress!, value.count) != nil
        case .qty, .price: ok = FIXValidator.isDecimal(value)
        case .char: ok = value.count == 1
        case .boolean: ok = value.count == 1 && (value[0] == UInt8(ascii: "Y") || value[0] == UInt8(ascii: "N"))
        case .utcTimestamp: ok = FIXTimestampFormat.isValid(value)
        case .localMktDate: ok = FIXTimestampFormat.parseDate(value) != nil
        }
        if !ok { return FIXRejection(.incorrectDataFormat, tag: tag) }
        if !FIXDictionary.isValidEnum(tag, value) { return FIXRejection(.valueIncorrect, tag: tag) }
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
