import Testing
import VegaCore

@Suite("Quantity, Side, identifiers")
struct ValueTypeTests {
    @Test func sideRawValuesAreITCHBytes() {
        #expect(Side(rawValue: UInt8(ascii: "B")) == .buy)
        #expect(Side(rawValue: UInt8(ascii: "S")) == .sell)
        #expect(Side(rawValue: UInt8(ascii: "X")) == nil)
        #expect(Side.buy.opposite == .sell && Side.sell.opposite == .buy)
        #expect(Side.buy.sign == 1 && Side.sell.sign == -1)
    }

    @Test func quantityReportsUnderflowInsteadOfTrapping() {
        let r = Quantity(5).subtractingReportingOverflow(Quantity(6))
        #expect(r.overflow)
        #expect(Quantity(6).subtractingReportingOverflow(Quantity(6)).partialValue.isZero)
        #expect(Quantity(.max).addingReportingOverflow(Quantity(1)).overflow)
        #expect(Quantity(2) + Quantity(3) == Quantity(5))
    }

    @Test func valueTypesAreTheirRawSize() {
        #expect(MemoryLayout<Price4>.size == 8)
        #expect(MemoryLayout<Quantity>.size == 8)
        #expect(MemoryLayout<Side>.size == 1)
        #expect(MemoryLayout<InstrumentID>.size == 4)
        #expect(MemoryLayout<OrderID>.size == 8)
        #expect(MemoryLayout<Timestamp<TAI>>.size == 8)
        #expect(MemoryLayout<Nanoseconds>.size == 8)
    }
}
