// Instruction counts of the FIX codec, load-independent (see run.sh): a standalone -O -wmo build of
// VegaCore + the FIX codec sources with this driver. Modes: parse N [x] (fused pass; "x": parse then
// validate), encode N (all fields per report), template N (order template), template-partial N (order
// template, a partial fill: every per-report number converted), set N (render the template).
#if canImport(Glibc)
import Glibc
#endif

func load(_ path: String) -> [UInt8] {
    guard let f = fopen(path, "r") else { fatalError("open \(path)") }
    var bytes: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 4096)
    while true { let n = fread(&buf, 1, 4096, f); if n == 0 { break }; bytes += buf[0..<n] }
    fclose(f)
    while let l = bytes.last, l == 10 || l == 13 { bytes.removeLast() }
    return bytes.map { $0 == UInt8(ascii: "|") ? 1 : $0 }
}
func pin(_ b: [UInt8]) -> UnsafeRawBufferPointer {
    let p = UnsafeMutableRawBufferPointer.allocate(byteCount: b.count, alignment: 64); p.copyBytes(from: b); return UnsafeRawBufferPointer(p)
}
@inline(never) func blackHole(_ x: Int) { if x == 0x7fff_ffff_ffff { print("x") } }

let dir = String(cString: getenv("FIX_FIXTURES")) + "/"
let mode = CommandLine.arguments[1]
#if FUSED
let fused = true
#else
let fused = false
#endif
let n = Int(CommandLine.arguments[2])!
let nosBytes = load(dir + "new-order-single.fix")
let erBytes = load(dir + "execution-report.fix")

@inline(never) func parseThenValidate(_ index: inout FIXFieldIndex, _ v: FIXValidator, _ m: UnsafeRawBufferPointer) -> Int {
    if index.parse(m) != nil { return -1 }
    guard case .valid = v.validate(index.view) else { return -2 }
    return index.view.count
}
#if FUSED
@inline(never) func parseValidate(_ index: inout FIXFieldIndex, _ v: FIXValidator, _ m: UnsafeRawBufferPointer) -> Int {
    guard case .parsed(.valid) = index.parse(m, validatingWith: v) else { return -3 }
    return index.view.count
}
#else
@inline(never) func parseValidate(_ index: inout FIXFieldIndex, _ v: FIXValidator, _ m: UnsafeRawBufferPointer) -> Int {
    parseThenValidate(&index, v, m)
}
#endif

if mode == "fast" {} else if mode == "parse" {
    let nos = pin(nosBytes)
    var index = FIXFieldIndex(capacity: 64)
    let validator = FIXValidator()
    precondition(parseValidate(&index, validator, nos) == 18)
    var s = 0
    if CommandLine.arguments.count > 3 {
        for _ in 0..<n { s &+= parseThenValidate(&index, validator, nos) }
    } else {
        for _ in 0..<n { s &+= parseValidate(&index, validator, nos) }
    }
    blackHole(s)
} else {
    let er = pin(erBytes)
    var index = FIXFieldIndex(capacity: 64)
    precondition(index.parse(er) == nil)
    let v = index.view
    func f(_ t: UInt32) -> UnsafeRawBufferPointer { v.value(t)! }
    let fields = FIXExecutionReportFields(
        msgSeqNum: v.int(34)!, sendingTime: v.timestamp(52)!, account: f(1), avgPx: v.price(6, as: Price4.self)!,
        clOrdID: f(11), cumQty: v.quantity(14)!, execID: f(17), lastPx: v.price(31, as: Price4.self)!, lastQty: v.quantity(32)!,
        orderID: f(37), orderQty: v.quantity(38)!, ordStatus: v.char(39)!, ordType: v.char(40)!, price: v.price(44, as: Price4.self)!,
        side: v.char(54)!, symbol: f(55), timeInForce: v.char(59)!, transactTime: v.timestamp(60)!, execType: v.char(150)!,
        leavesQty: v.quantity(151)!)
    var enc = FIXExecutionReportEncoder(senderCompID: "VEGA", targetCompID: "CLIENT1")
    let first = enc.encode(fields)!
    precondition(Array(first) == erBytes, "encoder output differs from fixture")
    var s = 0
    if mode == "encode" || !fused {
        for _ in 0..<n { s &+= enc.encode(fields)!.count }
    } else {
        #if FUSED
        var order = FIXExecutionReportOrder()
        precondition(order.set(account: f(1), clOrdID: f(11), orderID: f(37), orderQty: v.quantity(38)!, ordType: v.char(40)!,
                               price: v.price(44, as: Price4.self)!, side: v.char(54)!, symbol: f(55), timeInForce: v.char(59)!))
        let exec = FIXExecutionReportExecution(msgSeqNum: v.int(34)!, sendingTime: v.timestamp(52)!, avgPx: v.price(6, as: Price4.self)!,
            cumQty: v.quantity(14)!, execID: f(17), lastPx: v.price(31, as: Price4.self)!, lastQty: v.quantity(32)!,
            ordStatus: v.char(39)!, transactTime: v.timestamp(60)!, execType: v.char(150)!, leavesQty: v.quantity(151)!)
        let out = enc.encode(order, exec)!
        precondition(Array(out) == erBytes, "template output differs: " + String(decoding: out.map { $0 == 1 ? 124 : $0 }, as: UTF8.self))
        if mode == "template" {
            for _ in 0..<n { s &+= enc.encode(order, exec)!.count }
        } else if mode == "template-partial" {
            // A partial fill below the limit: no value equals the order's text, every number
            // converted (AvgPx 101.2475, CumQty 60, LastPx 101.245, LastQty 40, LeavesQty 40).
            var partial = exec
            partial.avgPx = Price4(rawValue: 1_012_475); partial.cumQty = Quantity(60)
            partial.lastPx = Price4(rawValue: 1_012_450); partial.lastQty = Quantity(40); partial.leavesQty = Quantity(40)
            for _ in 0..<n { s &+= enc.encode(order, partial)!.count }
        } else {
            let (a1, c11, o37, s55) = (f(1), f(11), f(37), f(55))
            let (q38, t40, p44, s54, t59) = (v.quantity(38)!, v.char(40)!, v.price(44, as: Price4.self)!, v.char(54)!, v.char(59)!)
            for _ in 0..<n { s &+= order.set(account: a1, clOrdID: c11, orderID: o37, orderQty: q38, ordType: t40,
                                             price: p44, side: s54, symbol: s55, timeInForce: t59) ? 1 : 0 }
        }
        #endif
    }
    blackHole(s)
}
#if FUSED
if mode == "fast" {
    var index = FIXFieldIndex(capacity: 64)
    let nos = pin(nosBytes)
    print("fast:", index.parseValidFast(nos), index.view.count)
    let er = pin(erBytes)
    print("fast er:", index.parseValidFast(er), index.view.count)
}
#endif
