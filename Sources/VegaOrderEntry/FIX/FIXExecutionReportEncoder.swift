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
/// front — a template in code: the session's constant bytes (`8=<BeginString>|9=`,
/// `|49=<sender>|52=`, `|56=<target>|`) are prepared at init, every `<SOH>tag=` is one store of
/// an immediate (``Tag``), numbers below 10⁸ are eight digits made at once in one word
/// (``FIXText/digits8(_:)``) and written by one store, the text of SendingTime/TransactTime up to
/// the second is cached (only the milliseconds are written per message), BodyLength is written
/// in front of the body (which starts at a fixed offset: nothing moves) and CheckSum is, for
/// ``encode(_:)``, a byte sum over zero-padded 64-byte blocks (``FIXChecksum/sumZeroPadded(_:_:)``);
/// the template path (``encode(_:_:)``) keeps it while writing instead. A price or quantity equal
/// to the previous one of its kind in the same message is copied from it, not converted again.
///
/// Field order is QuickFIX's: header 34, 49, 52, 56 by tag number, then the body by tag number
/// (1, 6, 11, 14, 17, 31, 32, 37, 38, 39, 40, 44, 54, 55, 59, 60, 150, 151).
///
/// Cost: one bounds check per message, no allocation, no lock, no loop over digits below 10⁸;
/// out-of-line calls only for identifiers above 32 bytes, numbers from 10⁸ up, and the first
/// timestamp of each second. About 655 instructions for the benchmark's 256-byte report with
/// ``encode(_:)``; about 300 with an order template (``encode(_:_:)`` and
/// ``FIXExecutionReportOrder``, which costs about 460 once per order) when the report's values
/// repeat the order's Price and OrderQty text (a full fill at the limit: copied), about 550 for
/// a partial fill whose every number is converted. Init also prepares 6 KiB of tables (digit
/// pairs, digit triples with their sums, CheckSum trailers).
/// The bytes returned by ``encode(_:)`` stay valid until the next call. `~Copyable`: one owner
/// for the buffer.
public struct FIXExecutionReportEncoder: ~Copyable {
    @usableFromInline let storage: UnsafeMutableRawPointer
    @usableFromInline let capacity: Int
    /// The digit tables, one allocation (one base register): the 200-byte pair table
    /// (``FIXText/makeDigitPairs()``) at 0, ``triples`` at 256, ``trailers`` at 4,256.
    @usableFromInline let pairs: UnsafeMutableRawPointer
    /// `8=<BeginString><SOH>9=`, then `<SOH>49=<sender><SOH>52=`, then `<SOH>56=<target><SOH>`.
    @usableFromInline let constants: UnsafeMutableRawPointer
    @usableFromInline let beginCount: Int
    @usableFromInline let senderCount: Int
    @usableFromInline let targetCount: Int
    /// The first nanosecond of the second (since 1970) whose `YYYYMMDD-HH:MM:S` is in
    /// `secondHead` and whose last digit and `.` are the low bytes of `secondTail`: a time is in
    /// that second when `nanoseconds &- secondStart` is below 10⁹ (no division). Second 0 is
    /// cached at init.
    @usableFromInline var secondStart: UInt64 = 0
    @usableFromInline var secondHead: SIMD16<UInt8> = .init(repeating: 0)
    @usableFromInline var secondTail: UInt64 = 0
    /// The byte sum of `secondHead`, of the second's last digit and of the `.` (the low two
    /// bytes of `secondTail`): the CheckSum contribution of a timestamp's text but the three
    /// millisecond digits (``millisSum(_:)``), made with them once a second.
    @usableFromInline var secondHeadSum: UInt64 = 0
    /// The day (since 1970-01-01) whose `YYYYMMDD-` is in `dayText` (9 bytes, as 16).
    @usableFromInline var cachedDay: Int = -1
    @usableFromInline var dayText: SIMD16<UInt8> = .init(repeating: 0)

    // Prepared at init for ``encode(_:_:)`` (the template path), so that it loads them instead
    // of deriving them per report.
    /// `constants + beginCount` and `constants + beginCount + senderCount`.
    @usableFromInline let senderBlock: UnsafeMutableRawPointer
    @usableFromInline let targetBlock: UnsafeMutableRawPointer
    /// The largest ExecID plus order text that fits the buffer.
    @usableFromInline let templateLimit: Int
    /// `templateLimit` when both session blocks are at most 32 bytes, else -1 (never short).
    @usableFromInline let shortTemplateLimit: Int
    /// The byte sum of every constant byte of a template report outside the order's runs: the
    /// BeginString block, `35=8`, the session blocks, the `<SOH>tag=` of ExecID, ExecType and
    /// LeavesQty, and the closing SOH (not the SOH behind BodyLength).
    @usableFromInline let templateSum: UInt64
    /// The byte sum of `<SOH>31=` and `<SOH>32=` (written on fills only).
    @usableFromInline let fillTagsSum: UInt64
    /// The 16 bytes that end with the BeginString block (`…8=FIX.4.4<SOH>9=`): one store puts it
    /// in front of a 3-digit BodyLength.
    @usableFromInline let beginWord: SIMD16<UInt8>
    /// 900 when the BeginString block fits `beginWord` (the 3-digit BodyLength path, lengths 100
    /// to 999, is open), else 0.
    @usableFromInline let shortLengthSpan: UInt
    /// `-(4 + beginCount)`: where the message starts relative to the body on that path.
    @usableFromInline let shortLengthStart: Int
    /// `10=ddd<SOH>` for each CheckSum value, as 256 little-endian words (2 KiB): the trailer is
    /// one load and one store.
    @inlinable var trailers: UnsafeMutableRawPointer { pairs + 4_256 }
    /// ``FIXText/storeDigitTriples(_:)``'s table: a timestamp's milliseconds and a 3-digit
    /// BodyLength, each with its byte sum, by one load.
    @inlinable var triples: UnsafeMutableRawPointer { pairs + 256 }

    /// `<SOH>tag=` of the ExecutionReport's tags as little-endian immediates: one 8-byte store
    /// each (the bytes past `<SOH>tag=` are overwritten by the value). Checked against
    /// ``FIXText/sohTag(_:)`` by the tests.
    @usableFromInline enum Tag {
        @inlinable static var account: (UInt64, Int) { (0x3D_31_01, 3) }
        @inlinable static var avgPx: (UInt64, Int) { (0x3D_36_01, 3) }
        @inlinable static var clOrdID: (UInt64, Int) { (0x3D_31_31_01, 4) }
        @inlinable static var cumQty: (UInt64, Int) { (0x3D_34_31_01, 4) }
        @inlinable static var execID: (UInt64, Int) { (0x3D_37_31_01, 4) }
        @inlinable static var lastPx: (UInt64, Int) { (0x3D_31_33_01, 4) }
        @inlinable static var lastQty: (UInt64, Int) { (0x3D_32_33_01, 4) }
        @inlinable static var orderID: (UInt64, Int) { (0x3D_37_33_01, 4) }
        @inlinable static var orderQty: (UInt64, Int) { (0x3D_38_33_01, 4) }
        @inlinable static var ordStatus: (UInt64, Int) { (0x3D_39_33_01, 4) }
        @inlinable static var ordType: (UInt64, Int) { (0x3D_30_34_01, 4) }
        @inlinable static var price: (UInt64, Int) { (0x3D_34_34_01, 4) }
        @inlinable static var side: (UInt64, Int) { (0x3D_34_35_01, 4) }
        @inlinable static var symbol: (UInt64, Int) { (0x3D_35_35_01, 4) }
        @inlinable static var timeInForce: (UInt64, Int) { (0x3D_39_35_01, 4) }
        @inlinable static var transactTime: (UInt64, Int) { (0x3D_30_36_01, 4) }
        @inlinable static var execType: (UInt64, Int) { (0x3D_30_35_31_01, 5) }
        @inlinable static var leavesQty: (UInt64, Int) { (0x3D_31_35_31_01, 5) }
    }

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
        self.pairs = .allocate(byteCount: 4_256 + 256 * 8, alignment: 16)
        FIXText.storeDigitPairs(pairs)
        FIXText.storeDigitTriples(pairs + 256)
        let begin = Array("8=\(beginString)\u{01}9=".utf8)
        let sender = Array("\u{01}49=\(senderCompID)\u{01}52=".utf8)
        let target = Array("\u{01}56=\(targetCompID)\u{01}".utf8)
        self.beginCount = begin.count
        self.senderCount = sender.count
        self.targetCount = target.count
        let all = begin + sender + target
        // 48 zero bytes behind: the template path copies the blocks by whole 16-byte words.
        self.constants = .allocate(byteCount: all.count + 48, alignment: 16)
        constants.initializeMemory(as: UInt8.self, repeating: 0, count: all.count + 48)
        constants.copyMemory(from: all, byteCount: all.count)
        self.senderBlock = constants + begin.count
        self.targetBlock = constants + begin.count + sender.count
        self.templateLimit = capacity - Self.headroom - Self.fixedWorstCase - sender.count - target.count - 64
        self.shortTemplateLimit = sender.count <= 32 && target.count <= 32 ? templateLimit : -1
        func sum(_ bytes: [UInt8]) -> UInt64 { bytes.reduce(0) { $0 &+ UInt64($1) } }
        func tag(_ t: (UInt64, Int)) -> UInt64 { (0..<t.1).reduce(0) { $0 &+ (t.0 >> UInt64($1 * 8) & 0xFF) } }
        // The target block's closing SOH is overwritten by the first body field's own.
        self.templateSum = sum(begin) &+ sum(Array("35=8\u{01}34=".utf8)) &+ sum(sender) &+ sum(target) &- 1
            &+ tag(Tag.execID) &+ tag(Tag.execType) &+ tag(Tag.leavesQty) &+ 1
        self.fillTagsSum = tag(Tag.lastPx) &+ tag(Tag.lastQty)
        var word = [UInt8](repeating: 0, count: 16)
        if begin.count <= 16 { word.replaceSubrange((16 - begin.count)..<16, with: begin) }
        self.beginWord = word.withUnsafeBytes { $0.loadUnaligned(as: SIMD16<UInt8>.self) }
        self.shortLengthSpan = begin.count <= 16 ? 900 : 0
        self.shortLengthStart = -(4 + begin.count)
        for c in 0..<256 {
            let text = Array("10=".utf8) + [UInt8(0x30 + c / 100), UInt8(0x30 + c / 10 % 10), UInt8(0x30 + c % 10), 0x01, 0]
            (pairs + 4_256).storeBytes(of: text.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }, toByteOffset: c * 8, as: UInt64.self)
        }
        cacheSecond(0)
    }

    deinit {
        storage.deallocate()
        pairs.deallocate()
        constants.deallocate()
    }

    @usableFromInline @_transparent
    static func field(_ p: inout UnsafeMutableRawPointer, _ tag: (UInt64, Int)) {
        p.storeBytes(of: tag.0, as: UInt64.self)
        p += tag.1
    }

    @usableFromInline @_transparent
    static func bytes(_ p: inout UnsafeMutableRawPointer, _ tag: (UInt64, Int), _ value: UnsafeRawBufferPointer, _ count: Int) {
        field(&p, tag)
        if let src = value.baseAddress { FIXText.copy(p, src, count) }
        p += count
    }

    @usableFromInline @_transparent
    static func char(_ p: inout UnsafeMutableRawPointer, _ tag: (UInt64, Int), _ value: UInt8) {
        // `<SOH>tag=` and the byte in one store.
        p.storeBytes(of: tag.0 | UInt64(value) << UInt64(truncatingIfNeeded: tag.1 &<< 3), as: UInt64.self)
        p += tag.1 &+ 1
    }

    /// The text of the last number of one kind written in the message being encoded, as two
    /// words: an ExecutionReport repeats values (a fill at the limit: AvgPx = LastPx = Price;
    /// CumQty = LastQty = OrderQty), and a repeat is two stores, not a second conversion. Texts
    /// longer than 16 bytes are not kept (`count` 0). Local to one ``encode(_:)`` call.
    @usableFromInline struct Recent {
        @usableFromInline var value: UInt64
        @usableFromInline var low: UInt64
        @usableFromInline var high: UInt64
        @usableFromInline var count: Int
        // Every field assigned here: default values would be initialisers that an inlinable
        // init cannot call from another module (the @_noLocks proofs reject that).
        @inlinable init() { value = 0; low = 0; high = 0; count = 0 }
    }

    /// A remembered text when `value` repeats (two stores; true), else false.
    @usableFromInline @_transparent
    static func repeated(_ p: inout UnsafeMutableRawPointer, _ value: UInt64, _ recent: Recent) -> Bool {
        if recent.count == 0 || recent.value != value { return false }
        p.storeBytes(of: recent.low, as: UInt64.self)
        p.storeBytes(of: recent.high, toByteOffset: 8, as: UInt64.self)
        p += recent.count
        return true
    }

    /// Remembers the `n` bytes just written at `p` as the text of `value`.
    @usableFromInline @_transparent
    static func remember(_ p: UnsafeMutableRawPointer, _ n: Int, _ value: UInt64, _ recent: inout Recent) {
        recent.value = value
        recent.low = p.loadUnaligned(as: UInt64.self)
        recent.high = p.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
        recent.count = n <= 16 ? n : 0
    }

    @usableFromInline @_transparent
    func unsigned(_ p: inout UnsafeMutableRawPointer, _ tag: (UInt64, Int), _ value: UInt64, _ recent: inout Recent) {
        Self.field(&p, tag)
        if Self.repeated(&p, value, recent) { return }
        let n = FIXText.putUnsignedWide(p, value, pairs)
        Self.remember(p, n, value, &recent)
        p += n
    }

    @usableFromInline @_transparent
    func price(_ p: inout UnsafeMutableRawPointer, _ tag: (UInt64, Int), _ value: Price4, _ recent: inout Recent) {
        Self.field(&p, tag)
        let raw = UInt64(bitPattern: value.rawValue)
        if Self.repeated(&p, raw, recent) { return }
        let n = FIXText.putPrice4Wide(p, value.rawValue, pairs)
        Self.remember(p, n, raw, &recent)
        p += n
    }

    /// `YYYYMMDD-HH:MM:SS.sss` (21 bytes, milliseconds truncated): the cached text of the second
    /// (16 + 8 bytes stored) with the three millisecond digits merged into its tail, by one load
    /// from ``triples`` (its sum byte lands in the tail's byte 5: past the text, overwritten by
    /// what follows). Returns that tail word: with `secondHead` (unchanged until the next call)
    /// it rewrites the same text.
    @usableFromInline @_transparent @discardableResult
    mutating func timestamp(_ p: inout UnsafeMutableRawPointer, _ t: Timestamp<UTC>) -> UInt64 {
        var within = t.nanoseconds &- secondStart
        if within >= 1_000_000_000 {
            cacheSecond(t.nanoseconds / 1_000_000_000)
            within = t.nanoseconds &- secondStart
        }
        let millis = UInt32(truncatingIfNeeded: within) / 1_000_000
        let entry = triples.loadUnaligned(fromByteOffset: Int(millis) &<< 2, as: UInt32.self)
        p.storeBytes(of: secondHead, as: SIMD16<UInt8>.self)
        let tail = secondTail | UInt64(entry) << 16
        p.storeBytes(of: tail, toByteOffset: 16, as: UInt64.self)
        p += 21
        return tail
    }

    /// The byte sum of the three millisecond digits of a tail word returned by
    /// ``timestamp(_:_:)``: its byte 5, put there by the ``triples`` entry.
    @usableFromInline @_transparent
    static func millisSum(_ tail: UInt64) -> UInt64 {
        (tail >> 40) & 0xFF
    }

    /// Once a second: `YYYYMMDD-HH:MM:SS.` (the date part from the day cache).
    @inlinable
    mutating func cacheSecond(_ seconds: UInt64) {
        let day = Int(truncatingIfNeeded: seconds / 86_400)
        let secOfDay = Int(truncatingIfNeeded: seconds) &- day &* 86_400
        if day != cachedDay { cacheDay(day) }
        let hour = secOfDay / 3600
        let rest = secOfDay &- hour &* 3600
        let minute = rest / 60
        let second = rest &- minute &* 60
        var v = dayText
        let h = pairs.loadUnaligned(fromByteOffset: 2 * hour, as: UInt16.self)
        let m = pairs.loadUnaligned(fromByteOffset: 2 * minute, as: UInt16.self)
        let s = pairs.loadUnaligned(fromByteOffset: 2 * second, as: UInt16.self)
        v[9] = UInt8(truncatingIfNeeded: h)
        v[10] = UInt8(truncatingIfNeeded: h >> 8)
        v[11] = UInt8(ascii: ":")
        v[12] = UInt8(truncatingIfNeeded: m)
        v[13] = UInt8(truncatingIfNeeded: m >> 8)
        v[14] = UInt8(ascii: ":")
        v[15] = UInt8(truncatingIfNeeded: s)
        secondHead = v
        let words = unsafeBitCast(v, to: SIMD2<UInt64>.self)
        secondTail = UInt64(s >> 8) | UInt64(UInt8(ascii: ".")) << 8
        secondHeadSum = FIXText.wordSum(words[0]) &+ FIXText.wordSum(words[1]) &+ UInt64(s >> 8) &+ UInt64(UInt8(ascii: "."))
        secondStart = seconds &* 1_000_000_000
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
        // No overflow traps: each count is a buffer's size, and the room is fixed at init.
        // Each count once (the getter is not always inlined in a function this long).
        let accountCount = v.account.count, clOrdIDCount = v.clOrdID.count, execIDCount = v.execID.count
        let orderIDCount = v.orderID.count, symbolCount = v.symbol.count
        let textBytes = accountCount &+ clOrdIDCount &+ execIDCount &+ orderIDCount &+ symbolCount
        if textBytes > capacity &- Self.headroom &- Self.fixedWorstCase &- senderCount &- targetCount &- 64 { return nil }
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
        FIXText.copy(p, constants + beginCount, senderCount)
        p += senderCount
        timestamp(&p, v.sendingTime)
        FIXText.copy(p, constants + beginCount + senderCount, targetCount)
        p += targetCount
        // The body by tag number. `field` writes "<SOH>tag=": the target block's SOH ends the
        // header, so the first body field starts without one.
        p -= 1
        var prices = Recent(), quantities = Recent()
        if accountCount > 0 { Self.bytes(&p, Tag.account, v.account, accountCount) }
        price(&p, Tag.avgPx, v.avgPx, &prices)
        Self.bytes(&p, Tag.clOrdID, v.clOrdID, clOrdIDCount)
        unsigned(&p, Tag.cumQty, v.cumQty.rawValue, &quantities)
        Self.bytes(&p, Tag.execID, v.execID, execIDCount)
        if v.lastQty.rawValue != 0 {
            price(&p, Tag.lastPx, v.lastPx, &prices)
            unsigned(&p, Tag.lastQty, v.lastQty.rawValue, &quantities)
        }
        Self.bytes(&p, Tag.orderID, v.orderID, orderIDCount)
        unsigned(&p, Tag.orderQty, v.orderQty.rawValue, &quantities)
        Self.char(&p, Tag.ordStatus, v.ordStatus)
        if v.ordType != 0 { Self.char(&p, Tag.ordType, v.ordType) }
        if let px = v.price { price(&p, Tag.price, px, &prices) }
        Self.char(&p, Tag.side, v.side)
        Self.bytes(&p, Tag.symbol, v.symbol, symbolCount)
        if v.timeInForce != 0 { Self.char(&p, Tag.timeInForce, v.timeInForce) }
        Self.field(&p, Tag.transactTime)
        timestamp(&p, v.transactTime)
        Self.char(&p, Tag.execType, v.execType)
        unsigned(&p, Tag.leavesQty, v.leavesQty.rawValue, &quantities)
        p.storeBytes(of: 0x01, as: UInt8.self)
        p += 1
        return finish(body: body, end: p)
    }
}
