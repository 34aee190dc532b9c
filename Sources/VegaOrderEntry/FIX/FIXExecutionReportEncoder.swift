import VegaCore

/// The values of one ExecutionReport (35=8) for ``FIXExecutionReportEncoder``, as a lane holds
/// them: identifiers as bytes the caller keeps alive, prices as `Price4`, quantities as
/// `Quantity`, times as `Timestamp<UTC>`, enumerations as their wire byte.
///
/// Optional fields: `account` empty → Account (1) omitted; `price` nil → Price (44) omitted (a
/// market order); `lastQty` 0 → LastPx (31) and LastQty (32) omitted (not a fill);
/// `ordType`/`timeInForce` 0 → OrdType (40) / TimeInForce (59) omitted. Identifiers must not
/// contain SOH.
@frozen
public struct FIXExecutionReportFields: BitwiseCopyable {
    public var msgSeqNum: Int64
    public var sendingTime: Timestamp<UTC>
    public var account: UnsafeRawBufferPointer
    public var avgPx: Price4
    public var clOrdID: UnsafeRawBufferPointer
    public var cumQty: Quantity
    public var execID: UnsafeRawBufferPointer
    public var lastPx: Price4
    public var lastQty: Quantity
    public var orderID: UnsafeRawBufferPointer
    public var orderQty: Quantity
    public var ordStatus: UInt8
    public var ordType: UInt8
    public var price: Price4?
    public var side: UInt8
    public var symbol: UnsafeRawBufferPointer
    public var timeInForce: UInt8
    public var transactTime: Timestamp<UTC>
    public var execType: UInt8
    public var leavesQty: Quantity

    @inlinable
    public init(msgSeqNum: Int64, sendingTime: Timestamp<UTC>, account: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0),
                avgPx: Price4, clOrdID: UnsafeRawBufferPointer, cumQty: Quantity, execID: UnsafeRawBufferPointer,
                lastPx: Price4 = Price4(rawValue: 0), lastQty: Quantity = Quantity(0), orderID: UnsafeRawBufferPointer,
                orderQty: Quantity, ordStatus: UInt8, ordType: UInt8 = 0, price: Price4? = nil, side: UInt8,
                symbol: UnsafeRawBufferPointer, timeInForce: UInt8 = 0, transactTime: Timestamp<UTC>, execType: UInt8,
                leavesQty: Quantity) {
        self.msgSeqNum = msgSeqNum; self.sendingTime = sendingTime; self.account = account; self.avgPx = avgPx
        self.clOrdID = clOrdID; self.cumQty = cumQty; self.execID = execID; self.lastPx = lastPx; self.lastQty = lastQty
        self.orderID = orderID; self.orderQty = orderQty; self.ordStatus = ordStatus; self.ordType = ordType
        self.price = price; self.side = side; self.symbol = symbol; self.timeInForce = timeInForce
        self.transactTime = transactTime; self.execType = execType; self.leavesQty = leavesQty
    }
}

/// Encodes ExecutionReports of one session as one straight-line write into a buffer allocated up
/// front: the session's constant bytes (`8=<BeginString>|9=`, `|49=<sender>|52=`,
/// `|56=<target>|`) are prepared at init, every `<SOH>tag=` is a constant store, integers and
/// prices are written two digits per step, the date part of a timestamp is reused while the day
/// is unchanged, BodyLength is written once the body's length is known (in front of the body,
/// which starts at a fixed offset: nothing moves) and CheckSum is a word-at-a-time byte sum.
///
/// Field order is QuickFIX's: header 34, 49, 52, 56 by tag number, then the body by tag number
/// (1, 6, 11, 14, 17, 31, 32, 37, 38, 39, 40, 44, 54, 55, 59, 60, 150, 151).
///
/// Cost: one bounds check per message, no allocation, no lock, no generic or outlined call below
/// 33-byte identifiers. The bytes returned by ``encode(_:)`` stay valid until the next call.
/// `~Copyable`: one owner for the buffer.
public struct FIXExecutionReportEncoder: ~Copyable {
    @usableFromInline let storage: UnsafeMutableRawPointer
    @usableFromInline let capacity: Int
    @usableFromInline let pairs: UnsafeMutableRawPointer
    /// `8=<BeginString><SOH>9=`, then `<SOH>49=<sender><SOH>52=`, then `<SOH>56=<target><SOH>`.
    @usableFromInline let constants: UnsafeMutableRawPointer
    @usableFromInline let beginCount: Int
    @usableFromInline let senderCount: Int
    @usableFromInline let targetCount: Int
    /// The day (since 1970-01-01) whose `YYYYMMDD-` is in `dayText` (9 bytes, as 16).
    @usableFromInline var cachedDay: Int = -1
    @usableFromInline var dayText: SIMD16<UInt8> = .init(repeating: 0)

    /// Space in front of the body for `8=<BeginString><SOH>9=<BodyLength><SOH>`.
    @inlinable static var headroom: Int { 32 }

    /// Room for the header, trailer, numbers and constant bytes of any ExecutionReport, beyond
    /// the identifiers' own bytes.
    @inlinable static var fixedWorstCase: Int { 400 }

    /// `beginString` at most 16 bytes, CompIDs at most 64; `capacity` bounds the message (an
    /// ExecutionReport whose identifiers do not fit is refused by ``encode(_:)``, not truncated).
    public init(beginString: String = "FIX.4.4", senderCompID: String, targetCompID: String, capacity: Int = 1024) {
        precondition(beginString.utf8.count <= 16, "BeginString longer than 16 bytes")
        precondition(senderCompID.utf8.count <= 64 && targetCompID.utf8.count <= 64, "CompID longer than 64 bytes")
        precondition(capacity >= 512, "capacity below 512 bytes")
        self.capacity = capacity
        self.storage = .allocate(byteCount: capacity, alignment: 16)
        self.pairs = FIXText.makeDigitPairs()
        let begin = Array("8=\(beginString)\u{01}9=".utf8)
        let sender = Array("\u{01}49=\(senderCompID)\u{01}52=".utf8)
        let target = Array("\u{01}56=\(targetCompID)\u{01}".utf8)
        self.beginCount = begin.count
        self.senderCount = sender.count
        self.targetCount = target.count
        let all = begin + sender + target
        self.constants = .allocate(byteCount: all.count, alignment: 16)
        constants.copyMemory(from: all, byteCount: all.count)
    }

    deinit {
        storage.deallocate()
        pairs.deallocate()
        constants.deallocate()
    }

    @inlinable @inline(__always)
    static func field(_ p: inout UnsafeMutableRawPointer, _ tag: UInt32) {
        let c = FIXText.sohTag(tag)
        p += FIXText.putConstant(p, c.bits, c.count)
    }

    @inlinable @inline(__always)
    static func bytes(_ p: inout UnsafeMutableRawPointer, _ tag: UInt32, _ value: UnsafeRawBufferPointer) {
        field(&p, tag)
        if let src = value.baseAddress { FIXText.copy(p, src, value.count) }
        p += value.count
    }

    @inlinable @inline(__always)
    static func char(_ p: inout UnsafeMutableRawPointer, _ tag: UInt32, _ value: UInt8) {
        field(&p, tag)
        p.storeBytes(of: value, as: UInt8.self)
        p += 1
    }

    @inlinable @inline(__always)
    func unsigned(_ p: inout UnsafeMutableRawPointer, _ tag: UInt32, _ value: UInt64) {
        Self.field(&p, tag)
        p += FIXText.putUnsigned(p, value, pairs)
    }

    @inlinable @inline(__always)
    func price(_ p: inout UnsafeMutableRawPointer, _ tag: UInt32, _ value: Price4) {
        Self.field(&p, tag)
        p += FIXText.putPrice4(p, value.rawValue, pairs)
    }

    /// `YYYYMMDD-HH:MM:SS.sss` (21 bytes, milliseconds truncated).
    @inlinable @inline(__always)
    mutating func timestamp(_ p: inout UnsafeMutableRawPointer, _ t: Timestamp<UTC>) {
        let seconds = t.nanoseconds / 1_000_000_000
        let millis = Int(truncatingIfNeeded: (t.nanoseconds &- seconds &* 1_000_000_000) / 1_000_000)
        let day = Int(truncatingIfNeeded: seconds / 86_400)
        let secOfDay = Int(truncatingIfNeeded: seconds) &- day &* 86_400
        if day != cachedDay { cacheDay(day) }
        p.storeBytes(of: dayText, as: SIMD16<UInt8>.self)  // 9 bytes count; the rest is overwritten
        let hour = secOfDay / 3600
        let rest = secOfDay &- hour &* 3600
        let minute = rest / 60
        let second = rest &- minute &* 60
        p.storeBytes(of: pairs.loadUnaligned(fromByteOffset: 2 * hour, as: UInt16.self), toByteOffset: 9, as: UInt16.self)
        p.storeBytes(of: UInt8(ascii: ":"), toByteOffset: 11, as: UInt8.self)
        p.storeBytes(of: pairs.loadUnaligned(fromByteOffset: 2 * minute, as: UInt16.self), toByteOffset: 12, as: UInt16.self)
        p.storeBytes(of: UInt8(ascii: ":"), toByteOffset: 14, as: UInt8.self)
        p.storeBytes(of: pairs.loadUnaligned(fromByteOffset: 2 * second, as: UInt16.self), toByteOffset: 15, as: UInt16.self)
        let ms0 = millis / 100
        p.storeBytes(of: UInt8(ascii: "."), toByteOffset: 17, as: UInt8.self)
        p.storeBytes(of: UInt8(truncatingIfNeeded: ms0) &+ 0x30, toByteOffset: 18, as: UInt8.self)
        p.storeBytes(of: pairs.loadUnaligned(fromByteOffset: 2 * (millis &- ms0 &* 100), as: UInt16.self), toByteOffset: 19, as: UInt16.self)
        p += 21
    }

    /// Once a day: the civil date's text `YYYYMMDD-`.
    @inlinable
    mutating func cacheDay(_ day: Int) {
        let date = FIXTimestampFormat.civil(days: day)
        var v = SIMD16<UInt8>(repeating: 0)
        v[0] = UInt8(truncatingIfNeeded: 0x30 &+ date.year / 1000 % 10)
        v[1] = UInt8(truncatingIfNeeded: 0x30 &+ date.year / 100 % 10)
        v[2] = UInt8(truncatingIfNeeded: 0x30 &+ date.year / 10 % 10)
        v[3] = UInt8(truncatingIfNeeded: 0x30 &+ date.year % 10)
        v[4] = UInt8(truncatingIfNeeded: 0x30 &+ date.month / 10)
        v[5] = UInt8(truncatingIfNeeded: 0x30 &+ date.month % 10)
        v[6] = UInt8(truncatingIfNeeded: 0x30 &+ date.day / 10)
        v[7] = UInt8(truncatingIfNeeded: 0x30 &+ date.day % 10)
        v[8] = UInt8(ascii: "-")
        dayText = v
        cachedDay = day
    }

    /// Encodes one ExecutionReport; returns its bytes (valid until the next call), or `nil` when
    /// the identifiers make it larger than the buffer. No allocation, no lock.
    @inlinable
    public mutating func encode(_ v: FIXExecutionReportFields) -> UnsafeRawBufferPointer? {
        let textBytes = v.account.count + v.clOrdID.count + v.execID.count + v.orderID.count + v.symbol.count
        if textBytes > capacity - Self.headroom - Self.fixedWorstCase - senderCount - targetCount - FIXText.slack { return nil }
        let body = storage + Self.headroom
        var p = body
        // "35=8<SOH>34=" is eight bytes.
        p.storeBytes(of: 0x3D34_3301_383D_3533 as UInt64, as: UInt64.self)
        p += 8
        if v.msgSeqNum < 0 {
            p.storeBytes(of: UInt8(ascii: "-"), as: UInt8.self)
            p += 1
        }
        p += FIXText.putUnsigned(p, v.msgSeqNum.magnitude, pairs)
        FIXText.copy(p, constants + beginCount, senderCount)
        p += senderCount
        timestamp(&p, v.sendingTime)
        FIXText.copy(p, constants + beginCount + senderCount, targetCount)
        p += targetCount
        // The body by tag number. `field` writes "<SOH>tag=": the target block's SOH ends the
        // header, so the first body field starts without one.
        p -= 1
        if v.account.count > 0 { Self.bytes(&p, 1, v.account) }
        price(&p, 6, v.avgPx)
        Self.bytes(&p, 11, v.clOrdID)
        unsigned(&p, 14, v.cumQty.rawValue)
        Self.bytes(&p, 17, v.execID)
        if v.lastQty.rawValue != 0 {
            price(&p, 31, v.lastPx)
            unsigned(&p, 32, v.lastQty.rawValue)
        }
        Self.bytes(&p, 37, v.orderID)
        unsigned(&p, 38, v.orderQty.rawValue)
        Self.char(&p, 39, v.ordStatus)
        if v.ordType != 0 { Self.char(&p, 40, v.ordType) }
        if let px = v.price { price(&p, 44, px) }
        Self.char(&p, 54, v.side)
        Self.bytes(&p, 55, v.symbol)
        if v.timeInForce != 0 { Self.char(&p, 59, v.timeInForce) }
        Self.field(&p, 60)
        timestamp(&p, v.transactTime)
        Self.char(&p, 150, v.execType)
        unsigned(&p, 151, v.leavesQty.rawValue)
        p.storeBytes(of: 0x01, as: UInt8.self)
        p += 1
        let bodyLength = p - body
        // "8=FIX.4.4<SOH>9=" + digits + SOH, right-aligned to the body.
        let digits = FIXText.digitCount(UInt64(bodyLength))
        let start = body - 1 - digits - beginCount
        FIXText.copy(start, constants, beginCount)
        _ = FIXText.putUnsigned(start + beginCount, UInt64(bodyLength), pairs)
        (body - 1).storeBytes(of: 0x01, as: UInt8.self)
        let sum = FIXText.byteSum(start, p - start)
        // "10=" + three digits + SOH.
        let hundreds = sum / 100
        let rest = Int(sum &- hundreds &* 100)
        p.storeBytes(of: UInt32(0x3D_30_31) | UInt32(hundreds &+ 0x30) << 24, as: UInt32.self)
        p.storeBytes(of: pairs.loadUnaligned(fromByteOffset: 2 * rest, as: UInt16.self), toByteOffset: 4, as: UInt16.self)
        p.storeBytes(of: 0x01, toByteOffset: 6, as: UInt8.self)
        p += 7
        return UnsafeRawBufferPointer(start: start, count: p - start)
    }
}
