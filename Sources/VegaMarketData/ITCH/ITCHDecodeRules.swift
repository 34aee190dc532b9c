import VegaCore

/// The decoder's fast path: per type byte, one 64-bit rule (length, `ITCHMessage` case tag and
/// the offsets of the fields to check), so a valid message is accepted with one table load and
/// a few compares, each its own always-predicted branch, and its `ITCHMessage` is built from the
/// tag without a switch. A switch on the type byte is an indirect jump that a mixed feed makes
/// unpredictable (callgrind: mispredicted on 66% of messages); this path has none.
///
/// Rule bytes (one little-endian 64-bit word per type, each field a byte so it is one load, not a
/// shift and a mask): 0 length (0: unknown type or slow path), 1 case tag, 2 offset of a shares
/// field that must be non-zero, 3 offset of a Price(4) that must be 1…200,000.0000, 4 offset of a
/// side byte that must be 'B' or 'S', 5–6 0xFFFF where that side check applies. An offset of 0
/// means "no such field":
/// the checks then read bytes 0–3, whose type byte makes them pass (shares ≠ 0; a type byte
/// ≤ 'h' puts the "price" at ≤ 0x68FFFFFF < 2,000,000,000), and the side check is masked off.
/// Beside each rule, a second word holds the type's *framed key* for file input
/// (``acceptFramed(_:key:)``): `length << 8 | type` as NASDAQ's file framing spells the 2-byte
/// length and the type byte, or a key no frame can have (`type ^ 1` in the type byte) for the
/// types the fast path does not take.
/// 'C', 'H' and 'V' (printable flag, trading state, Price(8)s) have length 0 here: slow path.
///
/// The case tags are read from the compiler's own layout of `ITCHMessage` at start-up (one
/// message of each case built and inspected); if the layout is not the expected "pointer,
/// then tag byte", every rule is 0 and all messages take the slow path.
///
/// The table (4 KiB: rule and framed key per type byte) is built once per process and never
/// freed; decoders hold a pointer to it (an inline 2 KiB array measured 4× slower: the
/// optimiser copied it per message).
@frozen @usableFromInline
struct ITCHDecodeRules: @unchecked Sendable {  // an immutable table, shared read-only
    @usableFromInline let rules: UnsafePointer<UInt64>

    /// The rule of type byte `type`, as a pointer to its bytes.
    @inlinable @inline(__always)
    func rule(_ type: UInt8) -> UnsafeRawPointer { UnsafeRawPointer(rules + (Int(type) &<< 1)) }

    /// The fast path over one message of `count` bytes at `p`: its view, or nil for the switch.
    @inlinable @inline(__always)
    func accept(_ p: UnsafeRawPointer, _ count: Int) -> ITCHMessage? {
        // The type byte is readable only if there is one.
        guard count > 0 else { return nil }
        let r = rule(p._itchU8(0))
        // `count == length` first, alone: the loads below are in bounds only once it holds. An
        // unknown type's length is 0, which no count reaching here equals.
        guard count == Int(r._itchU8(0)) else { return nil }
        return check(p, r)
    }

    /// The fast path for file input: `key` is the 3 bytes before and at `p` (`length << 8 |
    /// type`, the frame's 2-byte length and the message's type byte, read as one big-endian
    /// load). One compare against the type's framed key stands for "known fast-path type, and
    /// exactly its length" — the reader's own length-fits check is the caller's (it takes this
    /// path only far enough from the end for any 255-byte message). Nil: the usual path.
    @inlinable @inline(__always)
    func acceptFramed(_ p: UnsafeRawPointer, key: UInt32) -> ITCHMessage? {
        let r = rule(UInt8(truncatingIfNeeded: key))
        guard r.loadUnaligned(fromByteOffset: 8, as: UInt32.self) == key else { return nil }
        return check(p, r)
    }

    /// The field checks of rule `r` on a message whose length already matched it.
    ///
    /// Each check is its own early exit. On a feed the decoder accepts, every one of these
    /// branches goes the same way whatever the type or the side, so each is predicted and
    /// resolves on its own; folding them into one flag (`setcc`/`or`, as before) made the one
    /// branch wait for the slowest chain (frame → rule → field) and cost ~6 more instructions
    /// (measured: Benchmarks/README.md, "Third round"). The side check stays arithmetic: a
    /// branch on 'B' versus 'S' would be unpredictable.
    @inlinable @inline(__always)
    func check(_ p: UnsafeRawPointer, _ r: UnsafeRawPointer) -> ITCHMessage? {
        // Timestamp inside the day: the 48-bit big-endian value at offset 5 is below
        // 86,400 × 10^9 = 0x4E94_914F_0000 exactly when its top 32 bits (bytes 5…8) are below
        // 0x4E94_914F, the limit's low 16 bits being 0: one 4-byte load, swap and compare.
        guard p._itchU32(5) < Self.timestampTop32Limit else { return nil }
        guard p._itchU32(Int(r._itchU8(2))) != 0 else { return nil }
        // Price(4) in 1…2,000,000,000: price − 1 (wrapping 0 to UInt32.max) ≤ 1,999,999,999.
        guard p._itchU32(Int(r._itchU8(3))) &- 1 < UInt32(ITCHDecoder.maximumPrice4) else { return nil }
        // 'B' or 'S': (side ^ 'B') × (side ^ 'S') is 0 exactly then (< 2^16, no overflow);
        // masked to 0 for types without a side.
        let side = UInt32(p._itchU8(Int(r._itchU8(4))))
        let sideMask = UInt32(r.loadUnaligned(fromByteOffset: 5, as: UInt16.self))
        guard ((side ^ 0x42) &* (side ^ 0x53)) & sideMask == 0 else { return nil }
        return unsafeBitCast((UInt(bitPattern: p), r._itchU8(1)), to: ITCHMessage.self)
    }

    /// ``ITCHDecoder/nanosecondsPerDay`` >> 16 (its low 16 bits are 0, tested): a timestamp is
    /// inside the day exactly when its top 32 bits are below this.
    @inlinable @inline(__always)
    static var timestampTop32Limit: UInt32 { UInt32(truncatingIfNeeded: ITCHDecoder.nanosecondsPerDay &>> 16) }

    /// Built once per process (off the lane: decoders take it in `init`).
    @usableFromInline static let shared = ITCHDecodeRules(table: makeTable())

    @usableFromInline init(table: UnsafePointer<UInt64>) { rules = table }

    static func makeTable() -> UnsafePointer<UInt64> {
        // Entry 2t: type t's rule (little-endian, so byte k of memory is byte k of the rule);
        // entry 2t + 1: its framed key. Until a type is given a rule, a key no frame matches.
        let table = UnsafeMutablePointer<UInt64>.allocate(capacity: 512)
        func setKey(_ t: Int, _ key: UInt32) {
            table[2 * t + 1] = 0
            UnsafeMutableRawPointer(table + (2 * t + 1)).storeBytes(of: key, as: UInt32.self)
        }
        for t in 0..<256 {
            table[2 * t] = 0
            setKey(t, UInt32(t ^ 1))
        }
        guard MemoryLayout<ITCHMessage>.size == 9 else { return UnsafePointer(table) }
        let probe = UnsafeRawPointer(bitPattern: 0x1000).unsafelyUnwrapped
        var built = InlineArray<256, UInt64>(repeating: 0)
        func rule(_ byte: UInt8, _ length: Int, _ message: ITCHMessage, shares: Int = 0, price: Int = 0, side: Int = 0) -> Bool {
            let (word, tag) = unsafeBitCast(message, to: (UInt, UInt8).self)
            guard word == UInt(bitPattern: probe),
                  unsafeBitCast((UInt(bitPattern: probe), tag), to: ITCHMessage.self).base == probe,
                  ITCHMessageType(byte: byte)?.length == length else { return false }
            built[Int(byte)] = UInt64(length) | UInt64(tag) << 8 | UInt64(shares) << 16 | UInt64(price) << 24
                | UInt64(side) << 32 | (side != 0 ? 0xFFFF << 40 : 0)
            return true
        }
        let p = probe
        let ok = rule(0x53, 12, .systemEvent(.init(unchecked: p)))
            && rule(0x52, 39, .stockDirectory(.init(unchecked: p)))
            && rule(0x59, 20, .regSHORestriction(.init(unchecked: p)))
            && rule(0x4C, 26, .marketParticipantPosition(.init(unchecked: p)))
            && rule(0x57, 12, .mwcbStatus(.init(unchecked: p)))
            && rule(0x4B, 28, .ipoQuotingPeriodUpdate(.init(unchecked: p)))
            && rule(0x4A, 35, .luldAuctionCollar(.init(unchecked: p)))
            && rule(0x68, 21, .operationalHalt(.init(unchecked: p)))
            && rule(0x41, 36, .addOrder(.init(unchecked: p)), shares: 20, price: 32, side: 19)
            && rule(0x46, 40, .addOrderMPID(.init(unchecked: p)), shares: 20, price: 32, side: 19)
            && rule(0x45, 31, .orderExecuted(.init(unchecked: p)), shares: 19)
            && rule(0x58, 23, .orderCancel(.init(unchecked: p)), shares: 19)
            && rule(0x44, 19, .orderDelete(.init(unchecked: p)))
            && rule(0x55, 35, .orderReplace(.init(unchecked: p)), shares: 27, price: 31)
            && rule(0x50, 44, .trade(.init(unchecked: p)), shares: 20, price: 32, side: 19)
            && rule(0x51, 40, .crossTrade(.init(unchecked: p)))
            && rule(0x42, 19, .brokenTrade(.init(unchecked: p)))
            && rule(0x49, 50, .noii(.init(unchecked: p)))
            && rule(0x4E, 20, .rpii(.init(unchecked: p)))
            && rule(0x4F, 48, .dlcrPriceDiscovery(.init(unchecked: p)))
        if ok {
            for t in 0..<256 where built[t] != 0 {
                table[2 * t] = built[t].littleEndian
                setKey(t, UInt32(truncatingIfNeeded: built[t] & 0xFF) << 8 | UInt32(t))
            }
        }
        return UnsafePointer(table)
    }
}
