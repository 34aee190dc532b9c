import VegaCore

/// The fields of an ExecutionReport that stay the same for every report on one order —
/// Account (1), ClOrdID (11), OrderID (37), OrderQty (38), OrdType (40), Price (44), Side (54),
/// Symbol (55), TimeInForce (59) — rendered once as FIX text, for
/// ``FIXExecutionReportEncoder/encode(_:_:)``: a per-order template.
///
/// The text is kept as the four runs that the tag order leaves between the per-report fields:
/// `<SOH>1=…` before AvgPx (6), `<SOH>11=…` before CumQty (14), `<SOH>37=…<SOH>38=…` before
/// OrdStatus (39), and `<SOH>40=…<SOH>44=…<SOH>54=…<SOH>55=…<SOH>59=…` before TransactTime (60).
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
    /// Price (44) as rendered in run 3: its raw value, offset in `storage` and byte count (0 when
    /// the order has no price or its text is longer than 16 bytes). A report's AvgPx or LastPx
    /// equal to it is copied from here (one 16-byte word), not converted again.
    @usableFromInline var priceRaw: Int64 = 0, priceAt = 0, priceCount = 0
    /// OrderQty (38) as rendered in run 2, likewise (count 0 when longer than 16 bytes): a
    /// report's CumQty, LastQty or LeavesQty equal to it (a new order's LeavesQty, a full fill's
    /// CumQty and LastQty) is copied from here.
    @usableFromInline var orderQtyRaw: UInt64 = 0, orderQtyAt = 0, orderQtyCount = 0

    /// Over-read room behind the text: runs are copied by whole 16-byte words.
    @inlinable static var padding: Int { 48 }

    /// Allocates room for `capacity` bytes of text (identifiers plus about 60 bytes of tags and
    /// numbers); a ``set(account:clOrdID:orderID:orderQty:ordType:price:side:symbol:timeInForce:)``
    /// whose text does not fit is refused.
    public init(capacity: Int = 256) {
        precondition(capacity >= 128, "capacity below 128 bytes")
        self.capacity = capacity
        self.storage = .allocate(byteCount: capacity + Self.padding, alignment: 16)
        storage.initializeMemory(as: UInt8.self, repeating: 0, count: capacity + Self.padding)
        self.pairs = FIXText.makeDigitPairs()
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
        end0 = 0; end1 = 0; end2 = 0; end3 = 0
        priceCount = 0; orderQtyCount = 0
        if text > capacity &- 140 { return false }
        var p = storage
        if account.count > 0 { Self.put(&p, FIXExecutionReportEncoder.Tag.account, account) }
        end0 = p - storage
        Self.put(&p, FIXExecutionReportEncoder.Tag.clOrdID, clOrdID)
        end1 = p - storage
        Self.put(&p, FIXExecutionReportEncoder.Tag.orderID, orderID)
        FIXExecutionReportEncoder.field(&p, FIXExecutionReportEncoder.Tag.orderQty)
        let qtyCount = FIXText.putUnsigned(p, orderQty.rawValue, pairs)
        orderQtyRaw = orderQty.rawValue
        orderQtyAt = p - storage
        orderQtyCount = qtyCount <= 16 ? qtyCount : 0
        p += qtyCount
        end2 = p - storage
        if ordType != 0 { FIXExecutionReportEncoder.char(&p, FIXExecutionReportEncoder.Tag.ordType, ordType) }
        if let price {
            FIXExecutionReportEncoder.field(&p, FIXExecutionReportEncoder.Tag.price)
            let count = FIXText.putPrice4(p, price.rawValue, pairs)
            priceRaw = price.rawValue
            priceAt = p - storage
            p += count
            // Set last: a price text that does not fit 16 bytes is never copied.
            priceCount = count <= 16 ? count : 0
        }
        FIXExecutionReportEncoder.char(&p, FIXExecutionReportEncoder.Tag.side, side)
        Self.put(&p, FIXExecutionReportEncoder.Tag.symbol, symbol)
        if timeInForce != 0 { FIXExecutionReportEncoder.char(&p, FIXExecutionReportEncoder.Tag.timeInForce, timeInForce) }
        end3 = p - storage
        return true
    }

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
    ///
    /// Returns the bytes (valid until the next call), or `nil` when they would not fit the
    /// buffer (an ExecID or order text too long for `capacity`). One bounds check, no
    /// allocation, no lock.
    @inlinable
    public mutating func encode(_ order: borrowing FIXExecutionReportOrder, _ v: FIXExecutionReportExecution) -> UnsafeRawBufferPointer? {
        let execIDCount = v.execID.count
        let orderText = order.end3
        if execIDCount &+ orderText > capacity &- Self.headroom &- Self.fixedWorstCase &- senderCount &- targetCount &- 64 {
            return nil
        }
        let body = storage + Self.headroom
        var p = body
        // "35=8<SOH>34=" is eight bytes.
        p.storeBytes(of: 0x3D34_3301_383D_3533 as UInt64, as: UInt64.self)
        p += 8
        if v.msgSeqNum < 0 {
            p.storeBytes(of: UInt8(ascii: "-"), as: UInt8.self)
            p += 1
        }
        p += FIXText.putUnsignedWide(p, v.msgSeqNum.magnitude, pairs)
        Self.copyRun(p, constants + beginCount, senderCount)
        p += senderCount
        let sendingTail = timestamp(&p, v.sendingTime)
        Self.copyRun(p, constants + beginCount + senderCount, targetCount)
        p += targetCount
        // The target block's SOH ends the header; each run and field starts with its own SOH.
        p -= 1
        let text = order.storage
        Self.copyRun(p, text, order.end0)
        p += order.end0
        // AvgPx: the order's Price text when equal (a fill at the limit), else converted. LastPx
        // repeats AvgPx on a fill at one price (copied, not converted again).
        Self.field(&p, Tag.avgPx)
        let avgPxText = p
        let avgPxCount: Int
        if v.avgPx.rawValue == order.priceRaw && order.priceCount != 0 {
            p.storeBytes(of: (text + order.priceAt).loadUnaligned(as: SIMD16<UInt8>.self), as: SIMD16<UInt8>.self)
            avgPxCount = order.priceCount
        } else {
            avgPxCount = FIXText.putPrice4Wide(p, v.avgPx.rawValue, pairs)
        }
        p += avgPxCount
        Self.copyRun(p, text + order.end0, order.end1 &- order.end0)
        p += order.end1 &- order.end0
        Self.field(&p, Tag.cumQty)
        let cumQtyText = p
        let cumQtyCount = Self.quantity(p, v.cumQty.rawValue, text, order.orderQtyRaw, order.orderQtyAt, order.orderQtyCount, pairs)
        p += cumQtyCount
        Self.field(&p, Tag.execID)
        if let src = v.execID.baseAddress { FIXText.copy(p, src, execIDCount) }
        p += execIDCount
        if v.lastQty.rawValue != 0 {
            Self.field(&p, Tag.lastPx)
            if v.lastPx.rawValue == v.avgPx.rawValue && avgPxCount <= 16 {
                p.storeBytes(of: avgPxText.loadUnaligned(as: SIMD16<UInt8>.self), as: SIMD16<UInt8>.self)
                p += avgPxCount
            } else if v.lastPx.rawValue == order.priceRaw && order.priceCount != 0 {
                // A fill at the order's limit price (AvgPx differing after earlier fills).
                p.storeBytes(of: (text + order.priceAt).loadUnaligned(as: SIMD16<UInt8>.self), as: SIMD16<UInt8>.self)
                p += order.priceCount
            } else {
                p += FIXText.putPrice4Wide(p, v.lastPx.rawValue, pairs)
            }
            Self.field(&p, Tag.lastQty)
            if v.lastQty.rawValue == v.cumQty.rawValue && cumQtyCount <= 16 {
                p.storeBytes(of: cumQtyText.loadUnaligned(as: SIMD16<UInt8>.self), as: SIMD16<UInt8>.self)
                p += cumQtyCount
            } else {
                p += FIXText.putUnsignedWide(p, v.lastQty.rawValue, pairs)
            }
        }
        Self.copyRun(p, text + order.end1, order.end2 &- order.end1)
        p += order.end2 &- order.end1
        Self.char(&p, Tag.ordStatus, v.ordStatus)
        Self.copyRun(p, text + order.end2, order.end3 &- order.end2)
        p += order.end3 &- order.end2
        Self.field(&p, Tag.transactTime)
        if v.transactTime.nanoseconds == v.sendingTime.nanoseconds {
            // The same instant as SendingTime (a venue's own report): its text again, by two
            // stores of what is still in the second cache, no conversion.
            p.storeBytes(of: secondHead, as: SIMD16<UInt8>.self)
            p.storeBytes(of: sendingTail, toByteOffset: 16, as: UInt64.self)
            p += 21
        } else {
            timestamp(&p, v.transactTime)
        }
        Self.char(&p, Tag.execType, v.execType)
        Self.field(&p, Tag.leavesQty)
        p += Self.quantity(p, v.leavesQty.rawValue, text, order.orderQtyRaw, order.orderQtyAt, order.orderQtyCount, pairs)
        p.storeBytes(of: 0x01, as: UInt8.self)
        p += 1
        return finish(body: body, end: p)
    }

    /// Writes quantity `value` at `p` and returns its byte count: the order's OrderQty text
    /// (`count` bytes at `text + at`, padded) by one 16-byte word when `value` equals it and
    /// `count` is not 0, `"0"` when 0, else converted (``FIXText/putUnsignedWide(_:_:_:)``).
    @inlinable @inline(__always)
    static func quantity(_ p: UnsafeMutableRawPointer, _ value: UInt64, _ text: UnsafeRawPointer, _ orderQty: UInt64,
                         _ at: Int, _ count: Int, _ pairs: UnsafeRawPointer) -> Int {
        if value == orderQty && count != 0 {
            p.storeBytes(of: (text + at).loadUnaligned(as: SIMD16<UInt8>.self), as: SIMD16<UInt8>.self)
            return count
        }
        if value == 0 {
            // A full fill's or a cancel's LeavesQty, a new order's CumQty: one byte.
            p.storeBytes(of: UInt8(ascii: "0"), as: UInt8.self)
            return 1
        }
        return FIXText.putUnsignedWide(p, value, pairs)
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
            let digits = FIXText.digitCount(UInt64(bodyLength))
            start = body - 1 - digits - beginCount
            _ = FIXText.putUnsigned(start + beginCount, UInt64(bodyLength), pairs)
            (body - 1).storeBytes(of: 0x01, as: UInt8.self)
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

    /// Copies a run of `n` bytes whose source may be over-read by up to 47 bytes (a template's
    /// padded text or the session constants) into the buffer, which keeps that much room behind
    /// the message: up to 48 bytes by three unconditional 16-byte words, more by `memmove`.
    @inlinable @inline(__always)
    static func copyRun(_ dst: UnsafeMutableRawPointer, _ src: UnsafeRawPointer, _ n: Int) {
        if n <= 48 {
            dst.storeBytes(of: src.loadUnaligned(as: SIMD16<UInt8>.self), as: SIMD16<UInt8>.self)
            dst.storeBytes(of: src.loadUnaligned(fromByteOffset: 16, as: SIMD16<UInt8>.self), toByteOffset: 16, as: SIMD16<UInt8>.self)
            dst.storeBytes(of: src.loadUnaligned(fromByteOffset: 32, as: SIMD16<UInt8>.self), toByteOffset: 32, as: SIMD16<UInt8>.self)
        } else {
            dst.copyMemory(from: src, byteCount: n)
        }
    }
}
