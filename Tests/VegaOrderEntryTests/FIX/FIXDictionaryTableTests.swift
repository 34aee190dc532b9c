import Testing
import VegaCore
@testable import VegaOrderEntry
import VegaTestSupport

/// The validator as it was before the tag table (one `switch` lookup per question per field),
/// kept here as the oracle the table-driven ``FIXValidator`` must agree with.
struct FIXPerfReferenceValidator {
    var allowUserDefinedTags = false

    func validate(_ view: FIXView) -> FIXValidation {
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

}

/// Random field-level edits of valid messages, re-framed with a correct BodyLength and CheckSum
/// so that they reach the validator (byte-level mutations mostly stop at the CheckSum).
struct FIXPerfFieldMutator {
    var rng: SplitMix64
    static let tags: [UInt32] = [0, 1, 6, 7, 10, 11, 14, 16, 17, 21, 34, 35, 36, 37, 38, 39, 40, 41, 43, 44, 45, 49, 52,
                                 54, 55, 56, 58, 59, 60, 75, 97, 98, 102, 103, 108, 112, 122, 123, 141, 150, 151, 372,
                                 373, 380, 434, 447, 448, 452, 453, 523, 802, 803, 956, 957, 4999, 5001, 39999, 40000]
    static let values: [String] = ["", "1", "2", "0", "Y", "N", "x", "AB", "-3", "10", "99", "100.25", "1.2.3",
                                   "20261122-10:00:00.000", "20261322-10:00:00", "20261122", "D", "F", "VGA", "3"]

    mutating func mutate(_ fields: [(UInt32, String)]) -> [(UInt32, String)] {
        var f = fields
        for _ in 0...rng.below(3) {
            let i = 3 + rng.below(max(1, f.count - 3))  // keep 35, 49, 56 at the front mostly
            switch rng.below(6) {
            case 0 where i < f.count: f.remove(at: i)
            case 1 where i < f.count: f.insert(f[i], at: rng.below(f.count))
            case 2 where i < f.count: f[i].0 = Self.tags[rng.below(Self.tags.count)]
            case 3 where i < f.count: f[i].1 = Self.values[rng.below(Self.values.count)]
            case 4: f.insert((Self.tags[rng.below(Self.tags.count)], Self.values[rng.below(Self.values.count)]), at: min(i, f.count))
            default:
                if f.count > 4 { f.swapAt(1 + rng.below(f.count - 1), 1 + rng.below(f.count - 1)) }
            }
        }
        return f
    }
}

func fixPerfFields(_ body: String) -> [(UInt32, String)] {
    body.split(separator: "|").map { part in
        let kv = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        return (UInt32(kv[0]) ?? 0, kv.count > 1 ? String(kv[1]) : "")
    }
}

func fixPerfBody(_ fields: [(UInt32, String)]) -> String {
    fields.map { "\($0.0)=\($0.1)" }.joined(separator: "|") + "|"
}

@Suite("FIX dictionary table")
struct FIXDictionaryTableTests {
    static let msgTypes: [FIXMsgType] = (["A", "0", "1", "2", "3", "4", "5", "D", "F", "G", "H", "8", "9", "j"] as [String]).map { FIXMsgType($0) }

    @Test("the tag table agrees with the dictionary's switch functions for every tag and MsgType")
    func tableAgrees() {
        for tag in UInt32(0)...FIXDictionary.maxFIX44Tag {
            let info = FIXDictionary.tagInfo(tag)
            #expect((info & 1 != 0) == FIXDictionary.isHeader(tag), "header \(tag)")
            #expect((info >> 1) & 0xF == UInt32(FIXDictionary.type(of: tag).rawValue), "type \(tag)")
            #expect((info & 0x2000 != 0) == FIXDictionary.isGroupMember(tag, of: 453), "453 member \(tag)")
            #expect((info & 0x4000 != 0) == FIXDictionary.isGroupMember(tag, of: 802), "802 member \(tag)")
            if info & 0x20 == 0 {
                // Tags without the enumeration flag accept any one- or two-byte value.
                for v in ["0", "Z", "99", "AB"] {
                    let ok = Array(v.utf8).withUnsafeBytes { FIXDictionary.isValidEnum(tag, $0) }
                    #expect(ok, "tag \(tag) has an enumeration the table misses (\(v))")
                }
            }
            for (k, m) in Self.msgTypes.enumerated() {
                #expect(FIXDictionary.messageIndex(m) == k)
                let defined = info & FIXDictionary.definedBit(messageIndex: k) != 0
                #expect(defined == FIXDictionary.isDefined(tag, in: m), "tag \(tag) in \(m)")
                let required = FIXDictionary.requiredBit(tag, in: m) != 0
                let slot = FIXDictionary.requiredSlot(info: info)
                let inMask = slot >= 0 && FIXDictionary.requiredSlotMask(messageIndex: k) & (1 << UInt32(slot)) != 0
                let header: Set<UInt32> = [49, 56, 34, 52]
                #expect(inMask == (required || header.contains(tag)), "required \(tag) in \(m)")
            }
        }
        #expect(FIXDictionary.tagInfo(957) == 0 && FIXDictionary.tagInfo(5001) == 0)
        #expect(FIXDictionary.messageIndex(FIXMsgType("AE")) == -1)
    }

    @Test("the table-driven validator gives the old validator's verdict on 60k field-level mutations")
    func validatorAgreesWithReference() {
        let seeds = [
            validNOSBody,
            header("8", seq: 3) + "37=O1|17=E1|150=F|39=2|55=VGA|54=1|151=0|14=100|6=100.25|31=100.25|32=100|11=C1|",
            header("F", seq: 4) + "41=C1|11=C2|55=VGA|54=1|60=20261122-10:00:00.000|38=100|",
            header("G", seq: 5) + "41=C1|11=C3|55=VGA|54=2|60=20261122-10:00:00.000|38=50|40=2|44=99.5|",
            header("A", seq: 1) + "98=0|108=30|141=Y|",
            header("3", seq: 6) + "45=2|371=44|372=D|373=5|58=bad|",
            header("2", seq: 7) + "7=1|16=0|",
            header("9", seq: 8) + "37=O1|11=C2|41=C1|39=0|434=1|102=99|",
        ]
        var mutator = FIXPerfFieldMutator(rng: SplitMix64(seed: 0x7AB1E))
        var index = FIXFieldIndex(capacity: 128)
        for allow in [false, true] {
            let validator = FIXValidator(allowUserDefinedTags: allow)
            let reference = FIXPerfReferenceValidator(allowUserDefinedTags: allow)
            var verdicts: [String: Int] = [:]
            for i in 0..<30_000 {
                let fields = fixPerfFields(seeds[i % seeds.count])
                let mutated = i < seeds.count ? fields : mutator.mutate(fields)
                let bytes = fixBytes(fixPerfBody(mutated))
                bytes.withUnsafeBytes { raw in
                    guard index.parse(raw) == nil else { return }
                    let got = validator.validate(index.view)
                    let want = reference.validate(index.view)
                    #expect(got == want, "\(fixPerfBody(mutated))")
                    verdicts["\(got)", default: 0] += 1
                }
            }
            // The mutations reach many different verdicts, valid included.
            #expect(verdicts.count >= 12, "\(verdicts)")
            #expect(verdicts["valid", default: 0] > 100)
        }
    }
}
