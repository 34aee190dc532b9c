import VegaCore

/// The fields of an ExecutionReport that stay the same for every report on one order —
/// Account (1), ClOrdID (11), OrderID (37), OrderQty (38), OrdType (40), Price (44), Side (54),
/// Symbol (55), TimeInForce (59) — rendered once as FIX text, for
/// ``FIXExecutionReportEncoder/encode(_:_:)``: a per-order template.
///
/// The text is kept as the four runs that the tag order leaves between the per-report fields,
/// each ending with the tag of the field that follows it: `<SOH>1=…<SOH>6=` before AvgPx,
/// `<SOH>11=…<SOH>14=` before CumQty, `<SOH>37=…<SOH>38=…<SOH>39=` before OrdStatus, and
/// `<SOH>40=…<SOH>44=…<SOH>54=…<SOH>55=…<SOH>59=…<SOH>60=` before TransactTime.
/// Optional fields follow ``FIXExecutionReportFields``: `account` empty, `price` nil, `ordType` or
/// `timeInForce` 0 → omitted.
///
/// Allocate one per live order slot up front (``init(capacity:)`` is the only allocation) and
/// ``set(account:clOrdID:orderID:orderQty:ordType:price:side:symbol:timeInForce:)`` it when an
/// order arrives or is replaced: no allocation, about as much work as one report's identifier
/// and price fields. `~Copyable`: one owner for the buffer.
public struct FIXExecutionReportOrder: ~Copyable {
    @usableFromInline let storage: UnsafeMutableRawPointer
    @usableFromInline let capacity: Int
    @usableFromInline let pairs: UnsafeMutableRawPointer
    /// End offsets of the four runs in `storage` (run k is `ends[k-1] ..< ends[k]`, run 0 from 0).
    @usableFromInline var end0 = 0, end1 = 0, end2 = 0, end3 = 0
    /// Price (44) as rendered in run 3: its raw value, offset in `storage` and byte count. A
    /// report's AvgPx or LastPx equal to it is copied from here (one 16-byte word), not converted
    /// again. When the order has no price or its text is longer than 16 bytes, these describe
    /// the text of 0 instead (value 0, `"0"` kept behind the text at ``zeroAt``): a copy is then
    /// still right, so the encoder tests the value alone, never the count.
    @usableFromInline var priceRaw: Int64 = 0, priceAt = 0, priceCount = 0
    /// OrderQty (38) as rendered in run 2, likewise (the text of 0 when longer than 16 bytes): a
    /// report's CumQty, LastQty or LeavesQty equal to it (a new order's LeavesQty, a full fill's
    /// CumQty and LastQty) is copied from here.
    @usableFromInline var orderQtyRaw: UInt64 = 0, orderQtyAt = 0, orderQtyCount = 0
    /// Byte sums (CheckSum contributions) of the four runs together, of the Price text and of
    /// the OrderQty text: a report adds them instead of summing the bytes it copies.
    @usableFromInline var textSum: UInt64 = 0, priceSum: UInt64 = 0, orderQtySum: UInt64 = 0
    /// `end3` when every run is at most 48 bytes (the encoder's short layout), else `Int.max / 4`.
    @usableFromInline var shortEnd = 0
    /// Where runs 1 to 3 start and the four runs' lengths, for the encoder's copies.
    @usableFromInline var run1: UnsafeRawPointer, run2: UnsafeRawPointer, run3: UnsafeRawPointer
    @usableFromInline var length0 = 0, length1 = 0, length2 = 0, length3 = 0

    /// Over-read room behind the text: runs are copied by whole 16-byte words.
    @inlinable static var padding: Int { 48 }

    /// Where `"0"` is kept, zero-padded (16 bytes behind the text's room: past what the writers
    /// of ``set(account:clOrdID:orderID:orderQty:ordType:price:side:symbol:timeInForce:)`` may
    /// store beyond it).
    @inlinable var zeroAt: Int { capacity &+ 16 }

    /// Allocates room for `capacity` bytes of text (identifiers plus about 60 bytes of tags and
    /// numbers); a ``set(account:clOrdID:orderID:orderQty:ordType:price:side:symbol:timeInForce:)``
    /// whose text does not fit is refused.
    public init(capacity: Int = 256) {
        precondition(capacity >= 128, "capacity below 128 bytes")
        self.capacity = capacity
        self.storage = .allocate(byteCount: capacity + Self.padding, alignment: 16)
        storage.initializeMemory(as: UInt8.self, repeating: 0, count: capacity + Self.padding)
        self.pairs = FIXText.makeDigitPairs()
        storage.storeBytes(of: UInt8(ascii: "0"), toByteOffset: capacity + 16, as: UInt8.self)
        self.run1 = UnsafeRawPointer(storage)
        self.run2 = UnsafeRawPointer(storage)
        self.run3 = UnsafeRawPointer(storage)
    }

    deinit {
        storage.deallocate()
        pairs.deallocate()
    }

    /// The bytes of the four runs, for tests.
    public var runs: [[UInt8]] {
        let ends = [0, end0, end1, end2, end3]
        return (0..<4).map { k in Array(UnsafeRawBufferPointer(start: storage + ends[k], count: ends[k + 1] - ends[k])) }
    }

    /// Renders the order's fields (identifiers must not contain SOH). Returns false, leaving the
    /// template empty, when the text does not fit in the capacity. No allocation, no lock.
    @inlinable
    public mutating func set(account: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0),
                             clOrdID: UnsafeRawBufferPointer, orderID: UnsafeRawBufferPointer, orderQty: Quantity,
                             ordType: UInt8 = 0, price: Price4? = nil, side: UInt8, symbol: UnsafeRawBufferPointer,
                             timeInForce: UInt8 = 0) -> Bool {
        // Tags, SOHs and numbers take at most 20 + 26 + 21 + 5×9 bytes; 140 bounds them.
        let text = account.count &+ clOrdID.count &+ orderID.count &+ symbol.count
        end0 = 0; end1 = 0; end2 = 0; end3 = 0; shortEnd = 0
        length0 = 0; length1 = 0; length2 = 0; length3 = 0
        textSum = 0
        // The text of 0 until the real ones are known to fit 16 bytes.
        priceRaw = 0; priceAt = zeroAt; priceCount = 1; priceSum = 0x30
        orderQtyRaw = 0; orderQtyAt = zeroAt; orderQtyCount = 1; orderQtySum = 0x30
        if text > capacity &- 140 { return false }
        var p = storage
        // Each run ends with the `<SOH>tag=` of the per-report field that follows it (AvgPx,
        // CumQty, OrdStatus, TransactTime): copied with the run, not stored per report.
        typealias E = FIXExecutionReportEncoder
        if account.count > 0 { Self.put(&p, E.Tag.account, account) }
        E.field(&p, E.Tag.avgPx)
        end0 = p - storage
        Self.put(&p, E.Tag.clOrdID, clOrdID)
        E.field(&p, E.Tag.cumQty)
        end1 = p - storage
        Self.put(&p, E.Tag.orderID, orderID)
        E.field(&p, E.Tag.orderQty)
        // The wide writers store up to 8 bytes past the text: overwritten next, or padding.
        let qty = FIXText.putUnsignedWideSum(p, orderQty.rawValue, pairs)
        if qty.count <= 16 {
            orderQtyRaw = orderQty.rawValue
            orderQtyAt = p - storage
            orderQtyCount = qty.count
            orderQtySum = qty.sum
        }
        p += qty.count
        E.field(&p, E.Tag.ordStatus)
        end2 = p - storage
        if ordType != 0 { E.char(&p, E.Tag.ordType, ordType) }
        if let price {
            E.field(&p, E.Tag.price)
            let px = FIXText.putPrice4WideSum(p, price.rawValue, pairs)
            if px.count <= 16 {
                priceRaw = price.rawValue
                priceAt = p - storage
                priceCount = px.count
                priceSum = px.sum
            }
            p += px.count
        }
        E.char(&p, E.Tag.side, side)
        Self.put(&p, E.Tag.symbol, symbol)
        if timeInForce != 0 { E.char(&p, E.Tag.timeInForce, timeInForce) }
        E.field(&p, E.Tag.transactTime)
        end3 = p - storage
        run1 = UnsafeRawPointer(storage + end0)
        run2 = UnsafeRawPointer(storage + end1)
        run3 = UnsafeRawPointer(storage + end2)
        length0 = end0; length1 = end1 &- end0; length2 = end2 &- end1; length3 = end3 &- end2
        shortEnd = length0 <= 48 && length1 <= 48 && length2 <= 48 && length3 <= 48 ? end3 : Int.max / 4
        textSum = UInt64(FIXChecksum.sum16(storage, end3))
        return true
    }

    /// `<SOH>tag=` and an identifier (`memmove`).
    @inlinable @inline(__always)
    static func put(_ p: inout UnsafeMutableRawPointer, _ tag: (UInt64, Int), _ value: UnsafeRawBufferPointer) {
        FIXExecutionReportEncoder.field(&p, tag)
        if let src = value.baseAddress { p.copyMemory(from: src, byteCount: value.count) }
        p += value.count
    }
}

/// The fields of one ExecutionReport that change from report to report on the same order, for
/// ``FIXExecutionReportEncoder/encode(_:_:)``; ``FIXExecutionReportOrder`` holds the rest.
/// `lastQty` 0 → LastPx (31) and LastQty (32) omitted (not a fill). ExecID must not contain SOH.
@frozen
public struct FIXExecutionReportExecution: BitwiseCopyable {
    public var msgSeqNum: Int64
    public var sendingTime: Timestamp<UTC>
    public var avgPx: Price4
    public var cumQty: Quantity
    public var execID: UnsafeRawBufferPointer
    public var lastPx: Price4
    public var lastQty: Quantity
    public var ordStatus: UInt8
    public var transactTime: Timestamp<UTC>
    public var execType: UInt8
    public var leavesQty: Quantity

    @inlinable
    public init(msgSeqNum: Int64, sendingTime: Timestamp<UTC>, avgPx: Price4, cumQty: Quantity, execID: UnsafeRawBufferPointer,
                lastPx: Price4 = Price4(rawValue: 0), lastQty: Quantity = Quantity(0), ordStatus: UInt8,
                transactTime: Timestamp<UTC>, execType: UInt8, leavesQty: Quantity) {
        self.msgSeqNum = msgSeqNum; self.sendingTime = sendingTime; self.avgPx = avgPx; self.cumQty = cumQty
        self.execID = execID; self.lastPx = lastPx; self.lastQty = lastQty; self.ordStatus = ordStatus
        self.transactTime = transactTime; self.execType = execType; self.leavesQty = leavesQty
    }
}

extension FIXExecutionReportEncoder {
    /// Encodes one ExecutionReport from an order's prepared text and this report's values: the
    /// same bytes as ``encode(_:)`` given the same values (QuickFIX's field order), with the
    /// order's nine fields copied as four runs of whole 16-byte words instead of written field by
    /// field. Per report: the header, AvgPx, CumQty, ExecID, LastPx/LastQty, OrdStatus,
    /// TransactTime, ExecType, LeavesQty, BodyLength and CheckSum. Values that repeat text already
    /// rendered are copied by one 16-byte word, not converted: AvgPx or LastPx equal to the
    /// order's Price, CumQty, LastQty or LeavesQty equal to its OrderQty, LastPx/LastQty equal to
    /// AvgPx/CumQty, TransactTime equal to SendingTime; a CumQty or LeavesQty of 0 is one byte.
    /// No pass over the message: CheckSum is the sum of byte sums prepared at init (session
    /// constants), by the order's `set` (its runs, Price and OrderQty texts) and made from the
    /// registers that write each per-report text; BodyLength of 100–999 is one store. The usual
    /// report (numbers below 10⁸, timestamps in the cached second, short runs) is written by a
    /// path that makes no call (``writeCommon(_:_:)``); any other goes through the general one.
    ///
    /// Returns the bytes (valid until the next call), or `nil` when they would not fit the
    /// buffer (an ExecID or order text too long for `capacity`). One bounds check, no
    /// allocation, no lock.
    @inlinable
    public mutating func encode(_ order: borrowing FIXExecutionReportOrder, _ v: FIXExecutionReportExecution) -> UnsafeRawBufferPointer? {
        if let bytes = writeCommon(order, v) { return bytes }
        return encodeGeneral(order, v)
    }

    /// ``encode(_:_:)`` for what ``writeCommon(_:_:)`` leaves: the general template path. Out of
    /// line, so that the inlined common path makes no call (a leaf: fewer registers saved and
    /// fewer values spilled around calls it would only make on rare paths).
    @inlinable @inline(never)
    mutating func encodeGeneral(_ order: borrowing FIXExecutionReportOrder, _ v: FIXExecutionReportExecution) -> UnsafeRawBufferPointer? {
        let execIDCount = v.execID.count
        // One test for room and for the short layout: `shortEnd` is huge when a run exceeds 48
        // bytes, `shortTemplateLimit` negative when a session block exceeds 32.
        if execIDCount &+ order.shortEnd > shortTemplateLimit { return encodeWide(order, v) }
        return write(order, v, execIDCount, short: true)
    }

    /// The template report in the common case, with no call: the short layout (runs of at most
    /// 48 bytes, session blocks of at most 32), MsgSeqNum, quantities and prices' whole parts
    /// non-negative and below 10⁸, ExecID of at most 32 bytes, both timestamps in the cached
    /// second, BodyLength 100–999 with a BeginString block of at most 16 bytes. Anything else
    /// returns nil before or after writing some bytes (nothing else is changed) and
    /// ``encodeGeneral(_:_:)`` writes the whole report again: same bytes as `write`, which the
    /// tests check on reports forced onto each path.
    ///
    /// Written so that few values live long (a function with many live values spends its
    /// instructions on spills): both timestamps' texts and sums are made first (the TransactTime
    /// text is one word kept to the end), and LastPx and LastQty are written before ExecID, at
    /// their place behind it (its length is known), while AvgPx's and CumQty's texts they may
    /// repeat are still in registers.
    @inlinable @inline(__always)
    mutating func writeCommon(_ order: borrowing FIXExecutionReportOrder, _ v: FIXExecutionReportExecution) -> UnsafeRawBufferPointer? {
        let execIDCount = v.execID.count
        if execIDCount &+ order.shortEnd > shortTemplateLimit || execIDCount > 32 { return nil }
        let sendingWithin = v.sendingTime.nanoseconds &- secondStart
        if sendingWithin >= 1_000_000_000 { return nil }
        let sendingTail = commonTimestamp(sendingWithin)
        var sum = templateSum &+ order.textSum &+ secondHeadSum &+ Self.millisSum(sendingTail)
        let transactTail: UInt64
        if v.transactTime.nanoseconds == v.sendingTime.nanoseconds {
            transactTail = sendingTail
            sum &+= secondHeadSum &+ Self.millisSum(sendingTail)
        } else {
            let within = v.transactTime.nanoseconds &- secondStart
            if within >= 1_000_000_000 { return nil }
            transactTail = commonTimestamp(within)
            sum &+= secondHeadSum &+ Self.millisSum(transactTail)
        }
        let body = storage + Self.headroom
        var p = body
        // "35=8<SOH>34=" is eight bytes.
        p.storeBytes(of: 0x3D34_3301_383D_3533 as UInt64, as: UInt64.self)
        p += 8
        guard let seq = Self.unsigned8(p, UInt64(bitPattern: v.msgSeqNum), pairs) else { return nil }
        p += seq.count
        sum &+= seq.sum
        Self.copyBlock(p, senderBlock, senderCount, short: true)
        p += senderCount
        p.storeBytes(of: secondHead, as: SIMD16<UInt8>.self)
        p.storeBytes(of: sendingTail, toByteOffset: 16, as: UInt64.self)
        p += 21
        Self.copyBlock(p, targetBlock, targetCount, short: true)
        p += targetCount &- 1
        let text = order.storage
        Self.copyRun(p, text, order.length0, short: true)
        p += order.length0
        let avgPxText = p
        let avgPxCount: Int
        let avgPxSum: UInt64
        if v.avgPx.rawValue == order.priceRaw {
            p.storeBytes(of: (text + order.priceAt).loadUnaligned(as: SIMD16<UInt8>.self), as: SIMD16<UInt8>.self)
            avgPxCount = order.priceCount
            avgPxSum = order.priceSum
        } else {
            guard let px = Self.price8(p, v.avgPx.rawValue, pairs) else { return nil }
            (avgPxCount, avgPxSum) = px
        }
        p += avgPxCount
        sum &+= avgPxSum
        Self.copyRun(p, order.run1, order.length1, short: true)
        p += order.length1
        let cumQtyText = p
        guard let cumQty = Self.commonQuantity(p, v.cumQty.rawValue, order, pairs) else { return nil }
        p += cumQty.count
        sum &+= cumQty.sum
        // LastPx and LastQty first, behind the place of `<SOH>17=<ExecID>`.
        var q = p + 4 + execIDCount
        if v.lastQty.rawValue != 0 {
            sum &+= fillTagsSum
            Self.field(&q, Tag.lastPx)
            // Every text here is at most 16 bytes (a kept text, or a number below 10⁸): one word.
            if v.lastPx.rawValue == v.avgPx.rawValue {
                q.storeBytes(of: avgPxText.loadUnaligned(as: SIMD16<UInt8>.self), as: SIMD16<UInt8>.self)
                q += avgPxCount
                sum &+= avgPxSum
            } else if v.lastPx.rawValue == order.priceRaw {
                q.storeBytes(of: (text + order.priceAt).loadUnaligned(as: SIMD16<UInt8>.self), as: SIMD16<UInt8>.self)
                q += order.priceCount
                sum &+= order.priceSum
            } else {
                guard let px = Self.price8(q, v.lastPx.rawValue, pairs) else { return nil }
                q += px.count
                sum &+= px.sum
            }
            Self.field(&q, Tag.lastQty)
            if v.lastQty.rawValue == v.cumQty.rawValue {
                q.storeBytes(of: cumQtyText.loadUnaligned(as: SIMD16<UInt8>.self), as: SIMD16<UInt8>.self)
                q += cumQty.count
                sum &+= cumQty.sum
            } else {
                guard let n = Self.commonQuantity(q, v.lastQty.rawValue, order, pairs) else { return nil }
                q += n.count
                sum &+= n.sum
            }
        }
        // ExecID: exactly its bytes (nothing past them is written), so LastPx stays.
        p.storeBytes(of: UInt32(truncatingIfNeeded: Tag.execID.0), as: UInt32.self)
        if let src = v.execID.baseAddress { sum &+= FIXText.copySum(p + 4, src, execIDCount) }
        p = q
        Self.copyRun(p, order.run2, order.length2, short: true)
        p += order.length2
        p.storeBytes(of: v.ordStatus, as: UInt8.self)
        p += 1
        Self.copyRun(p, order.run3, order.length3, short: true)
        p += order.length3
        p.storeBytes(of: secondHead, as: SIMD16<UInt8>.self)
        p.storeBytes(of: transactTail, toByteOffset: 16, as: UInt64.self)
        p += 21
        Self.char(&p, Tag.execType, v.execType)
        Self.field(&p, Tag.leavesQty)
        guard let leaves = Self.commonQuantity(p, v.leavesQty.rawValue, order, pairs) else { return nil }
        p += leaves.count
        sum &+= UInt64(v.ordStatus) &+ UInt64(v.execType) &+ leaves.sum
        p.storeBytes(of: 0x01, as: UInt8.self)
        // BodyLength 100–999 and the BeginString block in front of the body, CheckSum behind.
        let bodyLength = p + 1 - body
        if UInt(bitPattern: bodyLength &- 100) >= shortLengthSpan { return nil }
        let entry = triples.loadUnaligned(fromByteOffset: bodyLength &<< 2, as: UInt32.self)
        (body - 20).storeBytes(of: beginWord, as: SIMD16<UInt8>.self)
        (body - 4).storeBytes(of: entry, as: UInt32.self)
        (body - 1).storeBytes(of: 0x01, as: UInt8.self)
        sum &+= UInt64(entry >> 24) &+ 1
        (p + 1).storeBytes(of: trailers.loadUnaligned(fromByteOffset: Int(sum & 0xFF) &<< 3, as: UInt64.self), as: UInt64.self)
        let start = body + shortLengthStart
        return UnsafeRawBufferPointer(start: start, count: p + 8 - start)
    }

    /// The tail word of a timestamp `within` nanoseconds into the cached second (below 10⁹):
    /// its last second digit, `.` and the three millisecond digits (``timestamp(_:_:)``), by
    /// one load from ``triples``.
    @usableFromInline @_transparent
    func commonTimestamp(_ within: UInt64) -> UInt64 {
        let millis = UInt32(truncatingIfNeeded: within) / 1_000_000
        return secondTail | UInt64(triples.loadUnaligned(fromByteOffset: Int(millis) &<< 2, as: UInt32.self)) << 16
    }

    /// `v` below 10⁸ written at `p` (``FIXText/putUnsignedWideSum(_:_:_:)`` without its long
    /// path); nil from 10⁸ up (a negative value read as unsigned included).
    @usableFromInline @_transparent
    static func unsigned8(_ p: UnsafeMutableRawPointer, _ v: UInt64, _ pairs: UnsafeRawPointer) -> (count: Int, sum: UInt64)? {
        if v >= 100_000_000 { return nil }
        return FIXText.putUnsignedWideSum(p, v, pairs)
    }

    /// A `Price4` of 0 to 10⁸ − 10⁻⁴ written at `p` (``FIXText/putPrice4WideSum(_:_:_:)``);
    /// nil when negative or larger.
    @usableFromInline @_transparent
    static func price8(_ p: UnsafeMutableRawPointer, _ raw: Int64, _ pairs: UnsafeRawPointer) -> (count: Int, sum: UInt64)? {
        if UInt64(bitPattern: raw) >= 1_000_000_000_000 { return nil }
        return FIXText.putPrice4WideSum(p, raw, pairs)
    }

    /// ``quantity(_:_:_:_:)`` with nil instead of its long path (from 10⁸ up).
    @usableFromInline @_transparent
    static func commonQuantity(_ p: UnsafeMutableRawPointer, _ value: UInt64, _ order: borrowing FIXExecutionReportOrder,
                               _ pairs: UnsafeRawPointer) -> (count: Int, sum: UInt64)? {
        if value == order.orderQtyRaw {
            p.storeBytes(of: (order.storage + order.orderQtyAt).loadUnaligned(as: SIMD16<UInt8>.self), as: SIMD16<UInt8>.self)
            return (order.orderQtyCount, order.orderQtySum)
        }
        if value == 0 {
            p.storeBytes(of: UInt8(ascii: "0"), as: UInt8.self)
            return (1, 0x30)
        }
        return unsigned8(p, value, pairs)
    }

    /// ``encode(_:_:)`` when a run is longer than 48 bytes or a session block longer than 32
    /// (copied by `memmove` above 48), or the report does not fit (nil). Out of line: the inlined path stays short.
    @inlinable @inline(never)
    mutating func encodeWide(_ order: borrowing FIXExecutionReportOrder, _ v: FIXExecutionReportExecution) -> UnsafeRawBufferPointer? {
        let execIDCount = v.execID.count
        if execIDCount &+ order.end3 > templateLimit { return nil }
        return write(order, v, execIDCount, short: false)
    }

    /// The template report; `short`: every run is at most 48 bytes and each session block at
    /// most 32 (copied by three and two 16-byte words, no length test). Transparent: specialised by `short` at
    /// its two call sites.
    @usableFromInline @_transparent
    mutating func write(_ order: borrowing FIXExecutionReportOrder, _ v: FIXExecutionReportExecution, _ execIDCount: Int,
                        short: Bool) -> UnsafeRawBufferPointer? {
        // CheckSum as the report is written: the constant bytes' sum prepared at init, the
        // order's text sum prepared by `set`, and each per-report text's sum from the registers
        // that make it (no pass over the message). Only its low byte counts.
        var sum = templateSum &+ order.textSum
        let body = storage + Self.headroom
        var p = body
        // "35=8<SOH>34=" is eight bytes.
        p.storeBytes(of: 0x3D34_3301_383D_3533 as UInt64, as: UInt64.self)
        p += 8
        if v.msgSeqNum < 0 {
            p.storeBytes(of: UInt8(ascii: "-"), as: UInt8.self)
            p += 1
            sum &+= 0x2D
        }
        let seq = FIXText.putUnsignedWideSum(p, v.msgSeqNum.magnitude, pairs)
        p += seq.count
        sum &+= seq.sum
        Self.copyBlock(p, senderBlock, senderCount, short: short)
        p += senderCount
        let sendingTail = timestamp(&p, v.sendingTime)
        let sendingSum = secondHeadSum &+ Self.millisSum(sendingTail)
        sum &+= sendingSum
        Self.copyBlock(p, targetBlock, targetCount, short: short)
        p += targetCount
        // The target block's SOH ends the header; each run and field starts with its own SOH.
        p -= 1
        let text = order.storage
        Self.copyRun(p, text, order.length0, short: short)
        p += order.length0
        // AvgPx: the order's Price text when equal (a fill at the limit), else converted. LastPx
        // repeats AvgPx on a fill at one price (copied, not converted again). The run ends
        // with AvgPx's tag, as each run ends with the next field's.
        let avgPxText = p
        let avgPxCount: Int
        let avgPxSum: UInt64
        if v.avgPx.rawValue == order.priceRaw {
            p.storeBytes(of: (text + order.priceAt).loadUnaligned(as: SIMD16<UInt8>.self), as: SIMD16<UInt8>.self)
            avgPxCount = order.priceCount
            avgPxSum = order.priceSum
        } else {
            (avgPxCount, avgPxSum) = FIXText.putPrice4WideSum(p, v.avgPx.rawValue, pairs)
        }
        p += avgPxCount
        sum &+= avgPxSum
        Self.copyRun(p, order.run1, order.length1, short: short)
        p += order.length1
        let cumQtyText = p
        let cumQty = Self.quantity(p, v.cumQty.rawValue, order, pairs)
        p += cumQty.count
        sum &+= cumQty.sum
        Self.field(&p, Tag.execID)
        if let src = v.execID.baseAddress { sum &+= FIXText.copySum(p, src, execIDCount) }
        p += execIDCount
        if v.lastQty.rawValue != 0 {
            sum &+= fillTagsSum
            Self.field(&p, Tag.lastPx)
            if v.lastPx.rawValue == v.avgPx.rawValue && avgPxCount <= 16 {
                p.storeBytes(of: avgPxText.loadUnaligned(as: SIMD16<UInt8>.self), as: SIMD16<UInt8>.self)
                p += avgPxCount
                sum &+= avgPxSum
            } else if v.lastPx.rawValue == order.priceRaw {
                // A fill at the order's limit price (AvgPx differing after earlier fills).
                p.storeBytes(of: (text + order.priceAt).loadUnaligned(as: SIMD16<UInt8>.self), as: SIMD16<UInt8>.self)
                p += order.priceCount
                sum &+= order.priceSum
            } else {
                let px = FIXText.putPrice4WideSum(p, v.lastPx.rawValue, pairs)
                p += px.count
                sum &+= px.sum
            }
            Self.field(&p, Tag.lastQty)
            if v.lastQty.rawValue == v.cumQty.rawValue && cumQty.count <= 16 {
                p.storeBytes(of: cumQtyText.loadUnaligned(as: SIMD16<UInt8>.self), as: SIMD16<UInt8>.self)
                p += cumQty.count
                sum &+= cumQty.sum
            } else {
                let q = FIXText.putUnsignedWideSum(p, v.lastQty.rawValue, pairs)
                p += q.count
                sum &+= q.sum
            }
        }
        Self.copyRun(p, order.run2, order.length2, short: short)
        p += order.length2
        p.storeBytes(of: v.ordStatus, as: UInt8.self)
        p += 1
        Self.copyRun(p, order.run3, order.length3, short: short)
        p += order.length3
        if v.transactTime.nanoseconds == v.sendingTime.nanoseconds {
            // The same instant as SendingTime (a venue's own report): its text again, by two
            // stores of what is still in the second cache, no conversion.
            p.storeBytes(of: secondHead, as: SIMD16<UInt8>.self)
            p.storeBytes(of: sendingTail, toByteOffset: 16, as: UInt64.self)
            p += 21
            sum &+= sendingSum
        } else {
            let tail = timestamp(&p, v.transactTime)
            sum &+= secondHeadSum &+ Self.millisSum(tail)
        }
        Self.char(&p, Tag.execType, v.execType)
        Self.field(&p, Tag.leavesQty)
        let leaves = Self.quantity(p, v.leavesQty.rawValue, order, pairs)
        p += leaves.count
        sum &+= UInt64(v.ordStatus) &+ UInt64(v.execType) &+ leaves.sum
        p.storeBytes(of: 0x01, as: UInt8.self)
        p += 1
        return finish(body: body, end: p, sum: sum)
    }

    /// Writes quantity `value` at `p` and returns its byte count and byte sum: the order's
    /// OrderQty text (padded) by one 16-byte word when `value` equals it and the text is at most
    /// 16 bytes, `"0"` when 0, else converted (``FIXText/putUnsignedWideSum(_:_:_:)``).
    @inlinable @inline(__always)
    static func quantity(_ p: UnsafeMutableRawPointer, _ value: UInt64, _ order: borrowing FIXExecutionReportOrder,
                         _ pairs: UnsafeRawPointer) -> (count: Int, sum: UInt64) {
        if value == order.orderQtyRaw {
            p.storeBytes(of: (order.storage + order.orderQtyAt).loadUnaligned(as: SIMD16<UInt8>.self), as: SIMD16<UInt8>.self)
            return (order.orderQtyCount, order.orderQtySum)
        }
        if value == 0 {
            // A full fill's or a cancel's LeavesQty, a new order's CumQty: one byte.
            p.storeBytes(of: UInt8(ascii: "0"), as: UInt8.self)
            return (1, 0x30)
        }
        return FIXText.putUnsignedWideSum(p, value, pairs)
    }

    /// The template path's end: BodyLength and the BeginString block in front of the body, and
    /// the CheckSum from `sum` (the body's byte sum and the BeginString block's, kept while
    /// writing) behind `end`, by one load from ``trailers`` and one store; returns the whole
    /// message. BodyLength 100–999 with a BeginString block of up to 16 bytes (the usual case):
    /// three digits and SOH in one store, the block in one; otherwise as ``finish(body:end:)``
    /// with the few header bytes summed. Writes up to 8 bytes behind `end`.
    @usableFromInline @_transparent
    func finish(body: UnsafeMutableRawPointer, end: UnsafeMutableRawPointer, sum: UInt64) -> UnsafeRawBufferPointer {
        let bodyLength = end - body
        var total = sum
        let start: UnsafeMutableRawPointer
        if UInt(bitPattern: bodyLength &- 100) < shortLengthSpan {
            // Three digits and their sum by one load; the sum byte is then covered by the SOH.
            let entry = triples.loadUnaligned(fromByteOffset: bodyLength &<< 2, as: UInt32.self)
            (body - 20).storeBytes(of: beginWord, as: SIMD16<UInt8>.self)
            (body - 4).storeBytes(of: entry, as: UInt32.self)
            (body - 1).storeBytes(of: 0x01, as: UInt8.self)
            total &+= UInt64(entry >> 24) &+ 1
            start = body + shortLengthStart
        } else {
            let (wideStart, digits) = Self.putWideBodyLength(body: body, bodyLength, beginCount: beginCount, pairs: pairs)
            start = wideStart
            FIXText.copy(start, constants, beginCount)
            total &+= UInt64(FIXChecksum.sum(start + beginCount, digits &+ 1))
        }
        end.storeBytes(of: trailers.loadUnaligned(fromByteOffset: Int(total & 0xFF) &<< 3, as: UInt64.self), as: UInt64.self)
        return UnsafeRawBufferPointer(start: start, count: end + 7 - start)
    }

    /// BodyLength in front of the body, the BeginString block in front of it, and the CheckSum
    /// behind `end`; returns the whole message. Writes up to 64 bytes behind `end` (callers keep
    /// that room). Transparent: left to `@inline(__always)` it stayed an out-of-line call
    /// (about 25 instructions of call, spills and reloads per message, by callgrind).
    @usableFromInline @_transparent
    func finish(body: UnsafeMutableRawPointer, end: UnsafeMutableRawPointer) -> UnsafeRawBufferPointer {
        var p = end
        let bodyLength = p - body
        let start: UnsafeMutableRawPointer
        if bodyLength < 10_000 {
            // Four digits (leading zeros included) and the SOH as one store ending at the body;
            // the leading zeros are then covered by the BeginString block.
            let d = FIXText.digits4(UInt32(truncatingIfNeeded: bodyLength))
            let digits = 4 &- (d | 1 << 24).trailingZeroBitCount >> 3
            (body - 5).storeBytes(of: d | 0x3030_3030, as: UInt32.self)
            (body - 1).storeBytes(of: 0x01, as: UInt8.self)
            start = body - 1 - digits - beginCount
        } else {
            start = Self.putWideBodyLength(body: body, bodyLength, beginCount: beginCount, pairs: pairs).start
        }
        FIXText.copy(start, constants, beginCount)
        // 64 zero bytes behind the body (the trailer overwrites them): whole blocks to sum.
        let zero = SIMD16<UInt8>(repeating: 0)
        p.storeBytes(of: zero, as: SIMD16<UInt8>.self)
        p.storeBytes(of: zero, toByteOffset: 16, as: SIMD16<UInt8>.self)
        p.storeBytes(of: zero, toByteOffset: 32, as: SIMD16<UInt8>.self)
        p.storeBytes(of: zero, toByteOffset: 48, as: SIMD16<UInt8>.self)
        let sum = FIXChecksum.sumZeroPadded(start, p - start)
        // "10=" + three digits + SOH in one store.
        let hundreds = sum / 100
        let rest = Int(sum &- hundreds &* 100)
        let pair = pairs.loadUnaligned(fromByteOffset: 2 * rest, as: UInt16.self)
        p.storeBytes(of: UInt64(0x3D_30_31) | UInt64(hundreds | 0x30) << 24 | UInt64(pair) << 32 | 0x01 << 48, as: UInt64.self)
        p += 7
        return UnsafeRawBufferPointer(start: start, count: p - start)
    }

    /// BodyLength of any size and its SOH written in front of `body`, behind room for a
    /// BeginString block of `beginCount` bytes; returns where the message starts and how many
    /// digits it took. Both finishes' path for lengths their one-store forms do not cover.
    /// Static and transparent: an instance call would copy the encoder.
    @usableFromInline @_transparent
    static func putWideBodyLength(body: UnsafeMutableRawPointer, _ bodyLength: Int, beginCount: Int,
                                  pairs: UnsafeRawPointer) -> (start: UnsafeMutableRawPointer, digits: Int) {
        let digits = FIXText.digitCount(UInt64(bodyLength))
        let start = body - 1 - digits - beginCount
        _ = FIXText.putUnsigned(start + beginCount, UInt64(bodyLength), pairs)
        (body - 1).storeBytes(of: 0x01, as: UInt8.self)
        return (start, digits)
    }

    /// Copies a session block (`n` bytes, the constants padded): by two 16-byte words when
    /// `short` (the encoder's short layout has blocks of at most 32 bytes), else ``copyRun``.
    @inlinable @inline(__always)
    static func copyBlock(_ dst: UnsafeMutableRawPointer, _ src: UnsafeRawPointer, _ n: Int, short: Bool) {
        if short {
            dst.storeBytes(of: src.loadUnaligned(as: SIMD16<UInt8>.self), as: SIMD16<UInt8>.self)
            dst.storeBytes(of: src.loadUnaligned(fromByteOffset: 16, as: SIMD16<UInt8>.self), toByteOffset: 16, as: SIMD16<UInt8>.self)
        } else {
            copyRun(dst, src, n)
        }
    }

    /// Copies a run of `n` bytes whose source may be over-read by up to 47 bytes (a template's
    /// padded text or the session constants) into the buffer, which keeps that much room behind
    /// the message: up to 48 bytes by three unconditional 16-byte words, more by `memmove`.
    @inlinable @inline(__always)
    static func copyRun(_ dst: UnsafeMutableRawPointer, _ src: UnsafeRawPointer, _ n: Int, short: Bool = false) {
        if short || n <= 48 {
            dst.storeBytes(of: src.loadUnaligned(as: SIMD16<UInt8>.self), as: SIMD16<UInt8>.self)
            dst.storeBytes(of: src.loadUnaligned(fromByteOffset: 16, as: SIMD16<UInt8>.self), toByteOffset: 16, as: SIMD16<UInt8>.self)
            dst.storeBytes(of: src.loadUnaligned(fromByteOffset: 32, as: SIMD16<UInt8>.self), toByteOffset: 32, as: SIMD16<UInt8>.self)
        } else {
            dst.copyMemory(from: src, byteCount: n)
        }
    }
}
