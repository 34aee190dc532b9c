/// What ``FIXFieldIndex/parse(_:validatingWith:)`` found: the bytes are garbled (answer: ignore
/// them, as FIX says), or they parsed and this is the dictionary's verdict.
@frozen
public enum FIXParseOutcome: Sendable, Hashable, BitwiseCopyable {
    /// ``FIXFieldIndex/parse(_:)`` refused the bytes for this reason.
    case garbled(FIXGarbledReason)
    /// The bytes parsed (``FIXFieldIndex/view`` holds the fields); ``FIXValidator/validate(_:)``'s verdict.
    case parsed(FIXValidation)
}

extension FIXFieldIndex {
    /// Parses and validates one message in one pass over its bytes: the same outcome as
    /// ``parse(_:)`` followed (when it succeeds) by `validator.validate(view)`, and the same
    /// fields in ``view`` afterwards.
    ///
    /// The pass loads eight bytes at each tag: the `=` is found in that word by a bit mask
    /// (SWAR), the tag's digits are checked and converted from the same word, and the SOH is
    /// searched from there (in the same word for short values); each field is checked against
    /// the dictionary as it goes by (one ``FIXDictionary/tagInfo(_:)`` load: header/body order,
    /// defined for the MsgType, required slot, duplicate filter, format, enumeration). CheckSum
    /// is one vector sum at the end, BodyLength one compare.
    ///
    /// Anything this fast path does not decide by itself — a garbled frame, any rejection, a
    /// repeating group, a data field, a user-defined tag, a possible duplicate, a tag of eight
    /// digits or more — sends the message through ``parse(_:)`` and
    /// ``FIXValidator/validate(_:)``, so every verdict, reason and RefTagID is exactly theirs.
    /// O(bytes), no allocation, no lock.
    @inlinable
    public mutating func parse(_ message: UnsafeRawBufferPointer, validatingWith validator: FIXValidator) -> FIXParseOutcome {
        if parseValidFast(message) { return .parsed(.valid) }
        if let reason = parse(message) { return .garbled(reason) }
        return .parsed(validator.validate(view))
    }

    /// The fused pass: true when the message is well framed and valid (the fields stored, as
    /// ``parse(_:)`` stores them); false when it cannot say so (the caller runs the reference).
    @inlinable
    mutating func parseValidFast(_ message: UnsafeRawBufferPointer) -> Bool {
        guard let base = message.baseAddress else { return false }
        let end = message.count
        guard end >= 20, end <= Int(UInt32.max) else { return false }
        // The trailer "<SOH>10=ddd<SOH>" at its fixed place: the walk stops at it.
        let trailerStart = end &- 7
        guard base.load(fromByteOffset: end &- 1, as: UInt8.self) == 0x01,
              base.loadUnaligned(fromByteOffset: end &- 8, as: UInt32.self) == 0x3D_30_31_01
        else { return false }
        let sumText = base.loadUnaligned(fromByteOffset: end &- 4, as: UInt32.self) & 0xFF_FF_FF
        let sumDigits = sumText &- 0x30_30_30
        // Three digits ('0'...'9'), as in FIXTimestampFormat.isDigits8.
        if sumText & 0xF0_F0_F0 != 0x30_30_30 || (sumText &+ 0x06_06_06) & 0xF0_F0_F0 != 0x30_30_30 { return false }
        let expectedSum = (sumDigits & 0xFF) &* 100 &+ ((sumDigits >> 8) & 0xFF) &* 10 &+ (sumDigits >> 16)

        let storage = self.storage
        // A field takes at least 4 bytes ("1=x<SOH>"): with room for every field the loop needs
        // no capacity check (a smaller index goes to the reference, which reports tooManyFields).
        if self.capacity <= trailerStart >> 2 &+ 1 { return false }
        var p = 0
        var n = 0
        var definedBit: UInt32 = 0
        var expectedSlots: UInt32 = 0
        var inBody = false
        var seen: UInt64 = 0
        // The date text (`YYYYMMDD`) of the last valid UTCTimestamp: SendingTime and
        // TransactTime usually share it, and its calendar check is most of the timestamp's cost.
        var validDate: UInt64 = 0
        var requiredSeen: UInt32 = 0
        // Every 8-byte load below starts before `trailerStart`, so it ends inside the message.
        while p < trailerStart {
            let w = base.loadUnaligned(fromByteOffset: p, as: UInt64.self)
            let eq = FIXFieldIndex.zeroBytes(w ^ 0x3D3D_3D3D_3D3D_3D3D)
            if eq == 0 { return false }
            let tagBits = UInt64(truncatingIfNeeded: eq.trailingZeroBitCount) & ~7  // 8 × tag length
            if tagBits == 0 { return false }
            // The tag's digits as byte values (a borrow from a byte past the '=' only moves up,
            // out of the tag), moved to the top of the word: leading zero digits below.
            let digits = (w &- 0x3030_3030_3030_3030) << (64 &- tagBits)
            if ((digits & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7676_7676_7676_7676 | digits) & 0x8080_8080_8080_8080 != 0 {
                return false
            }
            // No leading zero ("035" is tag 0 to the reference parser, then rejected).
            if w & 0xFF == 0x30 { return false }
            let tag = FIXFieldIndex.tagValue(digits)
            let valueStart = p &+ Int(truncatingIfNeeded: tagBits >> 3) &+ 1
            // The SOH: in the loaded word when the value is short, else by the word-wise search.
            let soh = FIXFieldIndex.zeroBytes(w ^ 0x0101_0101_0101_0101) & ~(eq | (eq &- 1))
            let valueEnd = soh != 0
                ? p &+ soh.trailingZeroBitCount >> 3
                : FIXFieldIndex.findSOH(base, from: p &+ 8, end: trailerStart)
            storage[n] = FIXField(tag: tag, offset: UInt32(truncatingIfNeeded: valueStart),
                                  length: UInt32(truncatingIfNeeded: valueEnd &- valueStart))
            if n >= 3 {
                let value = UnsafeRawBufferPointer(start: base + valueStart, count: valueEnd &- valueStart)
                // Tag 0 cannot occur (no leading zero); 10 in the body, tags past FIX 4.4's and
                // user-defined tags go to the reference; so do empty values.
                if tag > FIXDictionary.maxFIX44Tag || tag == 10 || value.count == 0 { return false }
                let info = FIXDictionary.tagInfo(tag)
                if info & 0x40 != 0 { return false }  // a data field: SOH may be inside it
                if info & 1 != 0 {  // header
                    if inBody { return false }
                } else {
                    inBody = true
                    // Not defined for this MsgType, or a Parties member outside its group.
                    if info & definedBit == 0 || info & 0x2000 != 0 { return false }
                }
                // Required slots: bit `slot` (slot 0, "not required", lands on bit 0, which the
                // expected mask below does not look at).
                requiredSeen |= 1 &<< ((info >> 8) & 0x1F)
                // Duplicates: a 64-bit filter by the tag's low bits, as the validator's; a hit goes
                // to its exact check.
                let bit: UInt64 = 1 &<< UInt64(tag & 63)
                if seen & bit != 0 { return false }
                seen |= bit
                // Strings, chars, and numbers of up to 8 bytes here; the rest out of line. Every
                // value start is at least 8 bytes before the end (the trailer is still ahead).
                let type = UInt8(truncatingIfNeeded: (info >> 1) & 0xF)
                let count = valueEnd &- valueStart
                switch type {
                case FIXDictionary.FieldType.string.rawValue:
                    if info & 0x20 != 0 && !FIXDictionary.isValidEnum(tag, value) { return false }
                case FIXDictionary.FieldType.char.rawValue:
                    if count != 1 || (info & 0x20 != 0 && !FIXFieldIndex.isValidCharEnum(tag, value)) { return false }
                case FIXDictionary.FieldType.int.rawValue where count <= 8 && info & 0x20 == 0,
                     FIXDictionary.FieldType.qty.rawValue where count <= 8 && info & 0x20 == 0,
                     FIXDictionary.FieldType.price.rawValue where count <= 8 && info & 0x20 == 0:
                    // All digits: valid for all three; anything else (sign, '.') decided exactly below.
                    let w = base.loadUnaligned(fromByteOffset: valueStart, as: UInt64.self)
                    let mask = ((2 &<< UInt64(truncatingIfNeeded: (count &<< 3) &- 1)) &- 1) & 0x8080_8080_8080_8080
                    let d = w ^ 0x3030_3030_3030_3030
                    if (((d & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7676_7676_7676_7676) | d) & mask != 0
                        && !FIXFieldIndex.valueIsValid(tag, value, info: info, room: end &- valueStart, date: &validDate)
                    {
                        return false
                    }
                default:
                    if !FIXFieldIndex.valueIsValid(tag, value, info: info, room: end &- valueStart, date: &validDate) {
                        return false
                    }
                }
            } else if n == 0 {
                if tag != 8 { return false }
            } else if n == 1 {
                if tag != 9 { return false }
            } else {
                if tag != 35 { return false }
                let messageIndex = FIXDictionary.messageIndex(
                    FIXMsgType(bytes: UnsafeRawBufferPointer(start: base + valueStart, count: valueEnd &- valueStart)))
                if messageIndex < 0 { return false }
                definedBit = FIXDictionary.definedBit(messageIndex: messageIndex)
                expectedSlots = FIXDictionary.requiredSlotMask(messageIndex: messageIndex) &<< 1
            }
            n &+= 1
            p = valueEnd &+ 1
        }
        if n < 3 || requiredSeen & expectedSlots != expectedSlots { return false }
        storage[n] = FIXField(tag: 10, offset: UInt32(truncatingIfNeeded: end &- 4), length: 3)
        n &+= 1
        let bl = storage[1]
        guard let bodyLength = FIXView.parseUnsigned(base + Int(bl.offset), Int(bl.length)),
              bodyLength == UInt64(trailerStart &- (Int(storage[2].offset) &- 3)),
              UInt32(FIXChecksum.sum16(base, trailerStart)) == expectedSum
        else { return false }
        _count = n
        _base = base
        _length = end
        return true
    }

    /// 0x80 in each byte of `x` that is zero, 0 elsewhere; exact (no carry between bytes).
    @inlinable @inline(__always)
    static func zeroBytes(_ x: UInt64) -> UInt64 {
        ~(((x & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | x) & 0x8080_8080_8080_8080
    }

    /// The number whose decimal digits (byte values 0–9, most significant in the lowest byte,
    /// leading zeros allowed) fill the word: three multiply steps, no loop.
    @inlinable @inline(__always)
    static func tagValue(_ digits: UInt64) -> UInt32 {
        var x = digits
        x = (x &* 10) &+ (x >> 8)
        x = ((x & 0x00FF_00FF_00FF_00FF) &* (1 &+ (100 &<< 16))) >> 16
        x = ((x & 0x0000_FFFF_0000_FFFF) &* (1 &+ (10_000 &<< 32))) >> 32
        return UInt32(truncatingIfNeeded: x)
    }

    /// Whether a non-empty value passes the same format and enumeration checks as
    /// ``FIXValidator``'s (`checkValue`); `room` is the number of bytes readable from the value's
    /// start (at least 8 inside a message whose trailer is still ahead).
    @inlinable @inline(never)
    static func valueIsValid(_ tag: UInt32, _ value: UnsafeRawBufferPointer, info: UInt32, room: Int, date: inout UInt64) -> Bool {
        let ok: Bool
        switch UInt8(truncatingIfNeeded: (info >> 1) & 0xF) {
        case FIXDictionary.FieldType.string.rawValue: ok = true
        case FIXDictionary.FieldType.char.rawValue: ok = value.count == 1
        case FIXDictionary.FieldType.qty.rawValue, FIXDictionary.FieldType.price.rawValue:
            ok = isDecimalFast(value, room: room)
        case FIXDictionary.FieldType.int.rawValue: ok = isIntegerFast(value, room: room)
        case FIXDictionary.FieldType.utcTimestamp.rawValue: ok = isTimestampFast(value, date: &date)
        case FIXDictionary.FieldType.boolean.rawValue:
            ok = value.count == 1 && (value[0] == UInt8(ascii: "Y") || value[0] == UInt8(ascii: "N"))
        case FIXDictionary.FieldType.localMktDate.rawValue: ok = FIXTimestampFormat.parseDate(value) != nil
        default: ok = false  // NumInGroup: a repeating group, for the reference
        }
        if !ok { return false }
        if info & 0x20 != 0 && !FIXDictionary.isValidEnum(tag, value) { return false }
        return true
    }

    /// ``FIXDictionary/isValidEnum(_:_:)`` for a one-byte value, inlined into the pass.
    @inlinable @inline(__always)
    static func isValidCharEnum(_ tag: UInt32, _ value: UnsafeRawBufferPointer) -> Bool {
        let c = value.load(as: UInt8.self)
        switch tag {
        case 54: return (c >= 0x31 && c <= 0x39) || (c >= 0x41 && c <= 0x47)  // Side
        case 59: return c >= 0x30 && c <= 0x37  // TimeInForce
        case 21: return c >= 0x31 && c <= 0x33  // HandlInst
        default: return FIXDictionary.isValidEnum(tag, value)
        }
    }

    /// FIX `int` as ``FIXView/parseInt(_:)`` accepts it; up to 8 digits without a sign by one
    /// word, others by `parseInt` itself.
    @inlinable @inline(__always)
    static func isIntegerFast(_ v: UnsafeRawBufferPointer, room: Int) -> Bool {
        let n = v.count
        if n <= 8 && room >= 8 {
            let w = v.baseAddress!.loadUnaligned(as: UInt64.self)
            let mask: UInt64 = n == 8 ? 0x8080_8080_8080_8080 : ((1 &<< UInt64(truncatingIfNeeded: n &<< 3)) &- 1) & 0x8080_8080_8080_8080
            let d = w ^ 0x3030_3030_3030_3030
            if (((d & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7676_7676_7676_7676) | d) & mask == 0 { return true }
        }
        return FIXView.parseInt(v) != nil
    }

    /// A UTCTimestamp as ``FIXTimestampFormat/isValid(_:)`` accepts it. When the value has
    /// milliseconds and its date text equals `date` (a date that function already accepted),
    /// only the time of day is checked here; otherwise `isValid` decides, and a valid value's
    /// date is remembered in `date`.
    @inlinable @inline(__always)
    static func isTimestampFast(_ v: UnsafeRawBufferPointer, date: inout UInt64) -> Bool {
        let p = v.baseAddress!
        if v.count == 21 {
            let day = p.loadUnaligned(as: UInt64.self)
            if day == date {
                // "-HH:MM:SS.sss" at 8: the dash, colons and dot in place, the rest digits.
                let time = p.loadUnaligned(fromByteOffset: 9, as: UInt64.self)
                let millis = p.loadUnaligned(fromByteOffset: 17, as: UInt32.self)
                let colons: UInt64 = 0x0000_FF00_00FF_0000
                if time & colons != 0x0000_3A00_003A_0000 || p.load(fromByteOffset: 8, as: UInt8.self) != UInt8(ascii: "-")
                    || millis & 0xFF != 0x2E
                {
                    return false
                }
                let timeDigits = (time & ~colons) | 0x0000_3000_0030_0000
                let millisDigits = (millis & 0xFFFF_FF00) | 0x30
                if !FIXTimestampFormat.isDigits8(timeDigits)
                    || millisDigits & 0xF0F0_F0F0 != 0x3030_3030 || (millisDigits &+ 0x0606_0606) & 0xF0F0_F0F0 != 0x3030_3030
                {
                    return false
                }
                let tx = timeDigits &- 0x3030_3030_3030_3030
                let tp = tx &* 10 &+ tx >> 8
                return tp & 0xFF <= 23 && (tp >> 24) & 0xFF <= 59 && (tp >> 48) & 0xFF <= 60
            }
            if FIXTimestampFormat.isValid(v) {
                date = day
                return true
            }
            return false
        }
        return FIXTimestampFormat.isValid(v)
    }

    /// FIX `float` as ``FIXValidator``'s `isDecimal` defines it; values of at most 8 bytes
    /// without a sign by one word (digit and `.` masks), others by `isDecimal` itself.
    @inlinable @inline(__always)
    static func isDecimalFast(_ v: UnsafeRawBufferPointer, room: Int) -> Bool {
        let n = v.count
        if n > 8 || room < 8 { return FIXValidator.isDecimal(v) }
        let w = v.baseAddress!.loadUnaligned(as: UInt64.self)
        let mask: UInt64 = n == 8 ? 0x8080_8080_8080_8080 : ((1 &<< UInt64(truncatingIfNeeded: n &<< 3)) &- 1) & 0x8080_8080_8080_8080
        let d = w ^ 0x3030_3030_3030_3030  // digits become 0–9
        let notDigit = (((d & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7676_7676_7676_7676) | d) & mask
        if notDigit == 0 { return true }
        let dots = zeroBytes(w ^ 0x2E2E_2E2E_2E2E_2E2E) & mask
        if notDigit & ~dots != 0 { return FIXValidator.isDecimal(v) }  // a sign, or not a number
        // One '.' at most, and at least one digit.
        return dots & (dots &- 1) == 0 && n > 1
    }
}
