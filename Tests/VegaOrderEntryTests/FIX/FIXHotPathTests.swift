import Testing
import VegaCore
import VegaOrderEntry

// The lane's two FIX operations, wrapped in `@_noLocks` functions in another module: the
// compiler accepts these only if everything they reach (inlined from VegaOrderEntry) is free
// of allocation, locks, ARC traffic and existentials — the build itself is the proof.

/// Parse + validate a NewOrderSingle and read the fields an OMS needs.
@_noLocks
func parseValidateNewOrder(_ bytes: UnsafeRawBufferPointer, _ index: inout FIXFieldIndex) -> Int64 {
    if case .some = index.parse(bytes) { return -1 }
    let v = index.view
    guard case .valid = FIXValidator().validate(v) else { return -2 }
    let qty = v.int(38) ?? 0
    let px = v.price(44, as: Price4.self)?.rawValue ?? 0
    return qty &+ px
}

/// Encode an ExecutionReport (fill) into a preallocated encoder.
@_noLocks
func encodeFill(_ enc: inout FIXEncoder, seq: Int64, now: Timestamp<UTC>, ids: UnsafeRawBufferPointer) -> Int {
    enc.begin(.executionReport)
    enc.append(49, bytes: ids)
    enc.append(56, bytes: ids)
    enc.append(34, int: seq)
    enc.append(52, timestamp: now)
    enc.append(37, bytes: ids)
    enc.append(11, bytes: ids)
    enc.append(17, int: seq)
    enc.append(150, char: UInt8(ascii: "F"))
    enc.append(39, char: UInt8(ascii: "2"))
    enc.append(55, bytes: ids)
    enc.append(54, char: UInt8(ascii: "1"))
    enc.append(38, quantity: Quantity(100))
    enc.append(32, quantity: Quantity(100))
    enc.append(31, price: Price4(rawValue: 1_002_500))
    enc.append(151, quantity: Quantity(0))
    enc.append(14, quantity: Quantity(100))
    enc.append(6, price: Price4(rawValue: 1_002_500))
    enc.append(60, timestamp: now)
    guard let out = enc.finish() else { return -1 }
    return out.count
}

/// Encode an ExecutionReport with the session's straight-line encoder.
@_noLocks
func fixPerfEncodeReport(_ enc: inout FIXExecutionReportEncoder, _ fields: FIXExecutionReportFields) -> Int {
    enc.encode(fields)?.count ?? -1
}

/// Parse + validate in one pass (what the session runs for every message).
@_noLocks
func fixPerfParseValidateFused(_ bytes: UnsafeRawBufferPointer, _ index: inout FIXFieldIndex) -> Int {
    guard case .parsed(.valid) = index.parse(bytes, validatingWith: FIXValidator()) else { return -1 }
    return index.view.count
}

/// Render an order's template, then encode a report from it.
@_noLocks
func fixPerfEncodeTemplated(_ enc: inout FIXExecutionReportEncoder, _ order: inout FIXExecutionReportOrder,
                            _ id: UnsafeRawBufferPointer, _ now: Timestamp<UTC>) -> Int {
    guard order.set(clOrdID: id, orderID: id, orderQty: Quantity(100), ordType: UInt8(ascii: "2"),
                    price: Price4(rawValue: 1_002_500), side: UInt8(ascii: "1"), symbol: id) else { return -2 }
    return enc.encode(order, FIXExecutionReportExecution(
        msgSeqNum: 9, sendingTime: now, avgPx: Price4(rawValue: 1_002_500), cumQty: Quantity(100), execID: id,
        lastPx: Price4(rawValue: 1_002_500), lastQty: Quantity(100), ordStatus: UInt8(ascii: "2"), transactTime: now,
        execType: UInt8(ascii: "F"), leavesQty: Quantity(0)))?.count ?? -1
}

@Suite("FIX hot path")
struct FIXHotPathTests {
    @Test("the @_noLocks parse+validate and encode paths produce correct results")
    func hotPathResults() {
        var index = FIXFieldIndex()
        let nos = fixBytes(validNOSBody)
        #expect(nos.withUnsafeBytes { parseValidateNewOrder($0, &index) } == 100 + 1_002_500)
        var enc = FIXEncoder()
        let n = Array("VEGA".utf8).withUnsafeBytes { encodeFill(&enc, seq: 9, now: at(0), ids: $0) }
        #expect(n > 100)
        let bytes = Array(enc.finish()!)
        #expect(bytes.count == n)
        #expect(validate(bytes) == .valid)
        var er = FIXExecutionReportEncoder(senderCompID: "VEGA", targetCompID: "CLIENT")
        let size = Array("ID1".utf8).withUnsafeBytes { id in
            fixPerfEncodeReport(&er, FIXExecutionReportFields(
                msgSeqNum: 9, sendingTime: at(0), avgPx: Price4(rawValue: 1_002_500), clOrdID: id, cumQty: Quantity(100), execID: id,
                lastPx: Price4(rawValue: 1_002_500), lastQty: Quantity(100), orderID: id, orderQty: Quantity(100),
                ordStatus: UInt8(ascii: "2"), side: UInt8(ascii: "1"), symbol: id, transactTime: at(0),
                execType: UInt8(ascii: "F"), leavesQty: Quantity(0)))
        }
        #expect(size > 100)
        #expect(nos.withUnsafeBytes { fixPerfParseValidateFused($0, &index) } == index.view.count)
        var order = FIXExecutionReportOrder()
        let templated = Array("ID1".utf8).withUnsafeBytes { fixPerfEncodeTemplated(&er, &order, $0, at(0)) }
        // The same report plus "<SOH>40=2" and "<SOH>44=100.25" from the template (15 bytes).
        #expect(templated == size + 15)
    }
}
