// The FIX messages fix-compare.sh measures on both sides: Benchmarks/Fixtures/FIX/*.fix, one
// message per file with '|' for SOH. qf-bench reads the same files, so Vega and QuickFIX parse
// the same NewOrderSingle bytes and produce the same ExecutionReport bytes.
#if canImport(Glibc)
import Glibc
#endif
import VegaCore
import VegaOrderEntry

/// Benchmarks/Fixtures/FIX in this checkout.
public let fixFixtureDirectory: String = {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)  // FIXFixture.swift, FIXBenchSupport, Sources
    return parts.joined(separator: "/") + "/Fixtures/FIX"
}()

/// Benchmarks/.data (gitignored): results for fix-compare.sh.
public let fixDataDirectory: String = {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)
    return parts.joined(separator: "/") + "/.data"
}()

/// The fixture `name` with SOH restored; traps if it cannot be read (a benchmark without its
/// input measures nothing).
public func loadFIXFixture(_ name: String) -> [UInt8] {
    let path = fixFixtureDirectory + "/" + name
    guard let f = fopen(path, "r") else { fatalError("cannot open \(path)") }
    defer { fclose(f) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = fread(&buffer, 1, buffer.count, f)
        if n == 0 { break }
        bytes += buffer[0..<n]
    }
    while let last = bytes.last, last == 0x0A || last == 0x0D { bytes.removeLast() }
    return bytes.map { $0 == UInt8(ascii: "|") ? 0x01 : $0 }
}

/// A copy of `bytes` in memory allocated once and never freed: what a receive buffer looks like
/// to the parser (no Array, no bounds checks in the measured loop).
public func pinned(_ bytes: [UInt8]) -> UnsafeRawBufferPointer {
    let p = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 64)
    p.copyBytes(from: bytes)
    return UnsafeRawBufferPointer(p)
}

/// The ExecutionReport fixture's values as an order-entry lane holds them: identifiers as bytes
/// prepared in advance, numbers as integers, prices as `Price4`, times as `Timestamp<UTC>`.
public struct ExecutionReportValues: @unchecked Sendable {
    public var msgSeqNum: Int64
    public var sender, target, account, clOrdID, execID, orderID, symbol: UnsafeRawBufferPointer
    public var sendingTime, transactTime: Timestamp<UTC>
    public var avgPx, lastPx, price: Price4
    public var cumQty, lastQty, orderQty, leavesQty: Quantity
    public var ordStatus, ordType, side, timeInForce, execType: UInt8
    /// The CompIDs as text, for ``FIXExecutionReportEncoder``'s session constants.
    public var senderText, targetText: String

    /// Reads the values out of the fixture with Vega's own parser.
    public init(fixture: [UInt8]) {
        let bytes = pinned(fixture)
        var index = FIXFieldIndex(capacity: 64)
        if let why = index.parse(bytes) { fatalError("ExecutionReport fixture does not parse: \(why)") }
        let v = index.view
        func field(_ tag: UInt32) -> UnsafeRawBufferPointer {
            guard let value = v.value(tag) else { fatalError("fixture lacks tag \(tag)") }
            return value
        }
        msgSeqNum = v.int(34)!
        sender = field(49); target = field(56); account = field(1); clOrdID = field(11)
        execID = field(17); orderID = field(37); symbol = field(55)
        sendingTime = v.timestamp(52)!; transactTime = v.timestamp(60)!
        avgPx = v.price(6, as: Price4.self)!; lastPx = v.price(31, as: Price4.self)!; price = v.price(44, as: Price4.self)!
        cumQty = v.quantity(14)!; lastQty = v.quantity(32)!; orderQty = v.quantity(38)!; leavesQty = v.quantity(151)!
        ordStatus = v.char(39)!; ordType = v.char(40)!; side = v.char(54)!; timeInForce = v.char(59)!; execType = v.char(150)!
        senderText = String(decoding: sender, as: UTF8.self); targetText = String(decoding: target, as: UTF8.self)
    }
}

/// Encodes the ExecutionReport with the session's ``FIXExecutionReportEncoder`` (straight-line,
/// QuickFIX's field order), so the bytes equal the fixture's. No allocation, no lock.
@inlinable @inline(__always)
public func encodeExecutionReport(_ e: inout FIXExecutionReportEncoder, _ v: ExecutionReportValues) -> UnsafeRawBufferPointer? {
    e.encode(FIXExecutionReportFields(
        msgSeqNum: v.msgSeqNum, sendingTime: v.sendingTime, account: v.account, avgPx: v.avgPx, clOrdID: v.clOrdID,
        cumQty: v.cumQty, execID: v.execID, lastPx: v.lastPx, lastQty: v.lastQty, orderID: v.orderID,
        orderQty: v.orderQty, ordStatus: v.ordStatus, ordType: v.ordType, price: v.price, side: v.side,
        symbol: v.symbol, timeInForce: v.timeInForce, transactTime: v.transactTime, execType: v.execType,
        leavesQty: v.leavesQty))
}

/// The same ExecutionReport through the general ``FIXEncoder`` (one `append` per field, as the
/// session encodes any message), fields in the fixture's order. No allocation, no lock.
@inlinable @inline(__always)
public func encodeExecutionReportGeneral(_ e: inout FIXEncoder, _ v: ExecutionReportValues) -> UnsafeRawBufferPointer? {
    e.begin(FIXMsgType(UInt8(ascii: "8")))
    e.append(34, int: v.msgSeqNum)
    e.append(49, bytes: v.sender)
    e.append(52, timestamp: v.sendingTime)
    e.append(56, bytes: v.target)
    e.append(1, bytes: v.account)
    e.append(6, price: v.avgPx)
    e.append(11, bytes: v.clOrdID)
    e.append(14, quantity: v.cumQty)
    e.append(17, bytes: v.execID)
    e.append(31, price: v.lastPx)
    e.append(32, quantity: v.lastQty)
    e.append(37, bytes: v.orderID)
    e.append(38, quantity: v.orderQty)
    e.append(39, char: v.ordStatus)
    e.append(40, char: v.ordType)
    e.append(44, price: v.price)
    e.append(54, char: v.side)
    e.append(55, bytes: v.symbol)
    e.append(59, char: v.timeInForce)
    e.append(60, timestamp: v.transactTime)
    e.append(150, char: v.execType)
    e.append(151, quantity: v.leavesQty)
    return e.finish()
}

/// Parses and validates one message as Vega's acceptor does for every message it receives
/// (`FIXSession`): framing, BodyLength, CheckSum and the FIX 4.4 dictionary (tags, required
/// fields, enumerations, formats, groups) in one pass, `FIXFieldIndex.parse(_:validatingWith:)`.
/// Returns the field count, or -1 when the message is refused. No allocation, no lock.
@inlinable @inline(__always)
public func parseAndValidate(_ index: inout FIXFieldIndex, _ validator: FIXValidator, _ message: UnsafeRawBufferPointer) -> Int {
    guard case .parsed(.valid) = index.parse(message, validatingWith: validator) else { return -1 }
    return index.view.count
}

/// The same through the two separate passes (`FIXFieldIndex.parse`, then
/// `FIXValidator.validate`): the reference the fused pass falls back to.
@inlinable @inline(__always)
public func parseThenValidate(_ index: inout FIXFieldIndex, _ validator: FIXValidator, _ message: UnsafeRawBufferPointer) -> Int {
    if index.parse(message) != nil { return -1 }
    let view = index.view
    guard case .valid = validator.validate(view) else { return -1 }
    return view.count
}

/// Renders the fixture order's constant fields (1, 11, 37, 38, 40, 44, 54, 55, 59) into `order`,
/// as an acceptor does once per order. False when they do not fit.
@inlinable @inline(__always)
public func setExecutionReportOrder(_ order: inout FIXExecutionReportOrder, _ v: ExecutionReportValues) -> Bool {
    order.set(account: v.account, clOrdID: v.clOrdID, orderID: v.orderID, orderQty: v.orderQty, ordType: v.ordType,
              price: v.price, side: v.side, symbol: v.symbol, timeInForce: v.timeInForce)
}

/// Encodes the ExecutionReport from the order's prepared text and this report's values
/// (`FIXExecutionReportEncoder.encode(_:_:)`), so the bytes equal the fixture's. No allocation.
@inlinable @inline(__always)
public func encodeExecutionReport(_ e: inout FIXExecutionReportEncoder, _ order: borrowing FIXExecutionReportOrder,
                                  _ v: ExecutionReportValues) -> UnsafeRawBufferPointer? {
    e.encode(order, FIXExecutionReportExecution(
        msgSeqNum: v.msgSeqNum, sendingTime: v.sendingTime, avgPx: v.avgPx, cumQty: v.cumQty, execID: v.execID,
        lastPx: v.lastPx, lastQty: v.lastQty, ordStatus: v.ordStatus, transactTime: v.transactTime,
        execType: v.execType, leavesQty: v.leavesQty))
}

public func log(_ s: String) {
    let line = s + "\n"
    _ = line.withCString { write(2, $0, strlen($0)) }
}

@inlinable @inline(__always) public func monotonicNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}

/// CPU time of the calling thread: on a shared machine, time the thread actually ran.
@inlinable @inline(__always) public func threadCPUNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}

public func fmt(_ x: Double, _ digits: Int) -> String {
    var buf = [CChar](repeating: 0, count: 64)
    _ = withVaList([x]) { vsnprintf(&buf, 64, "%.\(digits)f", $0) }
    return String(cString: buf)
}
