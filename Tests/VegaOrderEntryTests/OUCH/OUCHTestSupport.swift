import Testing
import VegaCore
@testable import VegaOrderEntry

/// Bytes of an encoded message, made with a throwaway buffer (tests only).
func encoded(_ capacity: Int = 512, _ encode: (UnsafeMutableRawBufferPointer) -> Int) -> [UInt8] {
    var buffer = [UInt8](repeating: 0xEE, count: capacity)
    let n = buffer.withUnsafeMutableBytes { encode($0) }
    return Array(buffer.prefix(n))
}

/// An appendage with one element of each kind the tests use.
func sampleAppendage() -> [UInt8] {
    encoded { out in
        var w = OUCHAppendageWriter(buffer: out)
        var ok = true
        ok = w.append(.firm, uint32: OUCHFirm("VEGA")!.rawValue) && ok
        ok = w.append(.minQty, uint32: 100) && ok
        ok = w.append(.pegOffset, uint32: UInt32(bitPattern: -25)) && ok
        ok = w.append(.discretionPrice, uint64: 1_234_500) && ok
        ok = w.append(.groupID, uint16: 7) && ok
        ok = w.append(.postOnly, byte: UInt8(ascii: "P")) && ok
        #expect(ok)
        return w.written
    }
}

let ts = OUCHTimestamp(nanoseconds: 34_200_000_000_123)
let aapl = OUCHSymbol("AAPL")!
let clOrd = OUCHClOrdID("VEGA-000000001")!
