/// The FIX 4.4 data dictionary for the messages Vega uses, written as `switch` statements so
/// the validator needs no tables, no allocation and no lookups beyond jump tables.
///
/// Messages: Logon A, Heartbeat 0, TestRequest 1, ResendRequest 2, Reject 3, SequenceReset 4,
/// Logout 5, NewOrderSingle D, OrderCancelRequest F, OrderCancelReplaceRequest G,
/// OrderStatusRequest H, ExecutionReport 8, OrderCancelReject 9, BusinessMessageReject j.
/// Required tags follow FIX 4.4, plus Vega's requirement of Symbol (55) on orders, and of
/// OrderQty (38) on NewOrderSingle (4.4 puts them in components whose fields are optional).
/// Repeating group: Parties (NoPartyIDs 453 → PartyID 448, PartyIDSource 447, PartyRole 452,
/// with NoPartySubIDs 802 → PartySubID 523, PartySubIDType 803 nested).
public enum FIXDictionary {
    /// The value type of a tag, for format checks (SessionRejectReason 6).
    public enum FieldType: UInt8, Sendable {
        case string, int, qty, price, char, boolean, utcTimestamp, localMktDate, numInGroup
    }

    /// Highest tag number FIX 4.4 defines; higher tags below 5000 are invalid.
    @inlinable public static var maxFIX44Tag: UInt32 { 956 }

    /// Whether `tag` belongs to the standard header.
    @inlinable
    public static func isHeader(_ tag: UInt32) -> Bool {
        switch tag {
        case 8, 9, 35, 49, 56, 115, 128, 90, 91, 34, 50, 142, 57, 143, 116, 144, 129, 145, 43, 97, 52, 122,
            212, 213, 347, 369:
            return true
        default:
            return false
        }
    }

    /// The value type of `tag` (string for tags this dictionary does not type).
    @inlinable
    public static func type(of tag: UInt32) -> FieldType {
        switch tag {
        // The second line: the lengths of the data fields (RawDataLength 95, EncodedTextLen 354, …).
        case 7, 9, 16, 34, 36, 45, 98, 102, 103, 108, 369, 371, 373, 380, 383, 434, 452, 789, 803, 911, 378,
            90, 95, 212, 348, 350, 352, 354, 356, 358, 360, 362, 364, 445, 618, 621:
            return .int
        case 453, 802:
            return .numInGroup
        case 14, 32, 38, 110, 111, 151, 152, 424, 425:
            return .qty
        case 6, 31, 44, 99, 140, 426:
            return .price
        case 21, 39, 40, 54, 59, 150, 447:
            return .char
        case 43, 97, 114, 123, 141, 464, 636, 912:
            return .boolean
        case 52, 60, 122, 126:
            return .utcTimestamp
        case 75, 432:
            return .localMktDate
        default:
            return .string
        }
    }

    /// Whether the value passes the tag's enumeration (tags without one always pass).
    @inlinable
    public static func isValidEnum(_ tag: UInt32, _ v: UnsafeRawBufferPointer) -> Bool {
        if v.count == 1 {
            let c = v[0]
            switch tag {
            case 54:  // Side
                return (c >= 0x31 && c <= 0x39) || (c >= 0x41 && c <= 0x47)
            case 40:  // OrdType
                switch c {
                case 0x31, 0x32, 0x33, 0x34, 0x36, 0x37, 0x38, 0x39,
                    UInt8(ascii: "D"), UInt8(ascii: "E"), UInt8(ascii: "G"), UInt8(ascii: "I"),
                    UInt8(ascii: "J"), UInt8(ascii: "K"), UInt8(ascii: "L"), UInt8(ascii: "M"), UInt8(ascii: "P"):
                    return true
                default: return false
                }
            case 59:  // TimeInForce
                return c >= 0x30 && c <= 0x37
            case 150:  // ExecType
                return c == 0x30 || (c >= 0x33 && c <= 0x39) || (c >= 0x41 && c <= 0x49)
            case 39:  // OrdStatus
                return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x45)
            case 21:  // HandlInst
                return c >= 0x31 && c <= 0x33
            case 434:  // CxlRejResponseTo
                return c == 0x31 || c == 0x32
            case 98:  // EncryptMethod
                return c >= 0x30 && c <= 0x36
            case 102:  // CxlRejReason 0-6, 99
                return c >= 0x30 && c <= 0x36
            case 380:  // BusinessRejectReason 0-7
                return c >= 0x30 && c <= 0x37
            case 103:  // OrdRejReason 0-9 (10-18 and 99 below)
                return c >= 0x30 && c <= 0x39
            case 373:  // SessionRejectReason 0-9 (10-17, 99 below)
                return c >= 0x30 && c <= 0x39
            case 43, 97, 114, 123, 141, 464, 636, 912:
                return c == UInt8(ascii: "Y") || c == UInt8(ascii: "N")
            default:
                return true
            }
        }
        switch tag {
        case 54, 40, 59, 150, 39, 21, 434, 98, 380, 43, 97, 114, 123, 141, 464, 636, 912:
            return false
        case 102:
            return v.count == 2 && v[0] == 0x39 && v[1] == 0x39
        case 103:
            guard let n = FIXView.parseInt(v) else { return false }
            return (n >= 10 && n <= 18) || n == 99
        case 373:
            guard let n = FIXView.parseInt(v) else { return false }
            return (n >= 10 && n <= 17) || n == 99
        default:
            return true
        }
    }

    /// Whether `tag` may appear in the body of `msgType` (header and trailer tags excluded).
    @inlinable
    public static func isDefined(_ tag: UInt32, in msgType: FIXMsgType) -> Bool {
        switch msgType.rawValue {
        case 0x41:  // Logon
            switch tag {
            case 98, 108, 95, 96, 141, 789, 383, 384, 464, 553, 554: return true
            default: return false
            }
        case 0x30: return tag == 112  // Heartbeat
        case 0x31: return tag == 112  // TestRequest
        case 0x32: return tag == 7 || tag == 16  // ResendRequest
        case 0x33:  // Reject
            switch tag {
            case 45, 371, 372, 373, 58, 354, 355: return true
            default: return false
            }
        case 0x34: return tag == 36 || tag == 123  // SequenceReset
        case 0x35: return tag == 58 || tag == 354 || tag == 355  // Logout
        case 0x44:  // NewOrderSingle
            switch tag {
            case 11, 526, 583, 1, 660, 581, 589, 590, 591, 70, 78, 21, 18, 110, 111, 100, 54, 114, 60, 38, 152,
                516, 468, 469, 40, 423, 44, 99, 15, 376, 377, 23, 117, 59, 168, 432, 126, 427, 12, 13, 479, 497,
                528, 529, 582, 121, 120, 775, 58, 354, 355, 77, 203, 210, 847, 848, 849, 494,
                55, 65, 48, 22, 460, 461, 167, 762, 200, 541, 201, 224, 225, 239, 226, 227, 228, 255, 543, 470,
                471, 472, 240, 202, 947, 206, 231, 223, 207, 106, 348, 349, 107, 350, 351, 691, 667, 875, 876,
                873, 874, 453, 448, 447, 452, 802, 523, 803:
                return true
            default: return false
            }
        case 0x46:  // OrderCancelRequest
            switch tag {
            case 41, 37, 11, 526, 583, 586, 1, 660, 581, 54, 60, 38, 152, 516, 468, 469, 376, 58, 354, 355,
                55, 65, 48, 22, 460, 167, 200, 541, 207, 453, 448, 447, 452, 802, 523, 803:
                return true
            default: return false
            }
        case 0x47:  // OrderCancelReplaceRequest
            switch tag {
            case 37, 229, 75, 41, 11, 526, 583, 586, 1, 660, 581, 589, 590, 591, 70, 78, 21, 18, 110, 111, 100,
                54, 114, 60, 38, 152, 516, 468, 469, 40, 423, 44, 99, 15, 376, 377, 23, 117, 59, 168, 432, 126,
                427, 12, 13, 479, 497, 528, 529, 582, 121, 120, 775, 58, 354, 355, 77, 203, 210, 847, 848, 849,
                494, 55, 65, 48, 22, 460, 461, 167, 200, 541, 207, 453, 448, 447, 452, 802, 523, 803:
                return true
            default: return false
            }
        case 0x48:  // OrderStatusRequest
            switch tag {
            case 37, 11, 526, 583, 790, 1, 660, 581, 54, 55, 65, 48, 22, 460, 167, 200, 541, 207,
                453, 448, 447, 452, 802, 523, 803:
                return true
            default: return false
            }
        case 0x38:  // ExecutionReport
            switch tag {
            case 37, 198, 526, 527, 11, 41, 583, 693, 790, 584, 911, 912, 880, 17, 19, 150, 378, 39, 636, 103,
                1, 660, 581, 589, 590, 591, 70, 78, 21, 18, 110, 111, 100, 54, 114, 60, 38, 152, 516, 468, 469,
                40, 423, 44, 99, 15, 376, 377, 23, 117, 59, 168, 432, 126, 427, 12, 13, 479, 497, 528, 529, 582,
                121, 120, 775, 58, 354, 355, 77, 203, 210, 847, 848, 849, 494, 32, 31, 30, 29, 669, 75, 151,
                14, 6, 424, 425, 426, 1025, 381, 64, 119, 155, 156,
                55, 65, 48, 22, 460, 461, 167, 200, 541, 207, 453, 448, 447, 452, 802, 523, 803:
                return true
            default: return false
            }
        case 0x39:  // OrderCancelReject
            switch tag {
            case 37, 198, 526, 11, 41, 583, 586, 39, 636, 1, 660, 581, 434, 102, 58, 354, 355, 60, 229, 75,
                513, 376:
                return true
            default: return false
            }
        case 0x6A:  // BusinessMessageReject
            switch tag {
            case 45, 372, 379, 380, 58, 354, 355: return true
            default: return false
            }
        default:
            return false
        }
    }

    /// The `i`-th required body tag of `msgType`, or 0 past the last one.
    @inlinable
    public static func requiredTag(_ msgType: FIXMsgType, _ i: Int) -> UInt32 {
        switch msgType.rawValue {
        case 0x41: return i == 0 ? 98 : (i == 1 ? 108 : 0)
        case 0x31: return i == 0 ? 112 : 0
        case 0x32: return i == 0 ? 7 : (i == 1 ? 16 : 0)
        case 0x33: return i == 0 ? 45 : 0
        case 0x34: return i == 0 ? 36 : 0
        case 0x44:
            switch i {
            case 0: return 11
            case 1: return 55
            case 2: return 54
            case 3: return 60
            case 4: return 38
            case 5: return 40
            default: return 0
            }
        case 0x46:
            switch i {
            case 0: return 41
            case 1: return 11
            case 2: return 55
            case 3: return 54
            case 4: return 60
            default: return 0
            }
        case 0x47:
            switch i {
            case 0: return 41
            case 1: return 11
            case 2: return 55
            case 3: return 54
            case 4: return 60
            case 5: return 40
            default: return 0
            }
        case 0x48:
            switch i {
            case 0: return 11
            case 1: return 55
            case 2: return 54
            default: return 0
            }
        case 0x38:
            switch i {
            case 0: return 37
            case 1: return 17
            case 2: return 150
            case 3: return 39
            case 4: return 55
            case 5: return 54
            case 6: return 151
            case 7: return 14
            case 8: return 6
            default: return 0
            }
        case 0x39:
            switch i {
            case 0: return 37
            case 1: return 11
            case 2: return 41
            case 3: return 39
            case 4: return 434
            default: return 0
            }
        case 0x6A: return i == 0 ? 372 : (i == 1 ? 380 : 0)
        default: return 0
        }
    }


    /// The bit of `tag` among `msgType`'s required body tags (bit i for ``requiredTag(_:_:)``'s
    /// i-th), 0 when the tag is not required: lets the validator check required tags in its one
    /// pass instead of one scan per tag.
    @inlinable
    public static func requiredBit(_ tag: UInt32, in msgType: FIXMsgType) -> UInt16 {
        switch msgType.rawValue {
        case 0x41:
            switch tag { case 98: return 1; case 108: return 2; default: return 0 }
        case 0x31:
            switch tag { case 112: return 1; default: return 0 }
        case 0x32:
            switch tag { case 7: return 1; case 16: return 2; default: return 0 }
        case 0x33:
            switch tag { case 45: return 1; default: return 0 }
        case 0x34:
            switch tag { case 36: return 1; default: return 0 }
        case 0x44:
            switch tag { case 11: return 1; case 55: return 2; case 54: return 4; case 60: return 8; case 38: return 16; case 40: return 32; default: return 0 }
        case 0x46:
            switch tag { case 41: return 1; case 11: return 2; case 55: return 4; case 54: return 8; case 60: return 16; default: return 0 }
        case 0x47:
            switch tag { case 41: return 1; case 11: return 2; case 55: return 4; case 54: return 8; case 60: return 16; case 40: return 32; default: return 0 }
        case 0x48:
            switch tag { case 11: return 1; case 55: return 2; case 54: return 4; default: return 0 }
        case 0x38:
            switch tag { case 37: return 1; case 17: return 2; case 150: return 4; case 39: return 8; case 55: return 16; case 54: return 32; case 151: return 64; case 14: return 128; case 6: return 256; default: return 0 }
        case 0x39:
            switch tag { case 37: return 1; case 11: return 2; case 41: return 4; case 39: return 8; case 434: return 16; default: return 0 }
        case 0x6A:
            switch tag { case 372: return 1; case 380: return 2; default: return 0 }
        default: return 0
        }
    }

    /// All of `msgType`'s required-tag bits.
    @inlinable
    public static func requiredMask(_ msgType: FIXMsgType) -> UInt16 {
        switch msgType.rawValue {
        case 0x41: return 3
        case 0x31: return 1
        case 0x32: return 3
        case 0x33: return 1
        case 0x34: return 1
        case 0x44: return 63
        case 0x46: return 31
        case 0x47: return 63
        case 0x48: return 7
        case 0x38: return 511
        case 0x39: return 31
        case 0x6A: return 3
        default: return 0
        }
    }

    /// Whether the dictionary describes `msgType` (the messages listed above).
    @inlinable
    public static func isSupported(_ msgType: FIXMsgType) -> Bool {
        switch msgType.rawValue {
        case 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x41, 0x44, 0x46, 0x47, 0x48, 0x38, 0x39, 0x6A: return true
        default: return false
        }
    }

    /// For a NumInGroup tag: the tag that must start every entry, or 0 when `tag` is not one.
    @inlinable
    public static func groupDelimiter(_ countTag: UInt32) -> UInt32 {
        switch countTag {
        case 453: return 448
        case 802: return 523
        default: return 0
        }
    }

    /// Whether `tag` is a member of the group counted by `countTag` (nested groups' tags count
    /// as members of the outer group).
    @inlinable
    public static func isGroupMember(_ tag: UInt32, of countTag: UInt32) -> Bool {
        switch countTag {
        case 453: return tag == 448 || tag == 447 || tag == 452 || tag == 802 || tag == 523 || tag == 803
        case 802: return tag == 523 || tag == 803
        default: return false
        }
    }
}
