import Testing
import VegaCore
import VegaTrading

@Suite("OrderIntent: canonical bytes")
struct OrderIntentLayoutTests {
    static let sample = OrderIntent(kind: .replace, side: .sell, timeInForce: .immediateOrCancel, postOnly: true,
                                    venue: VenueID(3), account: AccountID(0x0102), strategy: StrategyID(0x0304),
                                    instrument: InstrumentID(0x0506_0708), price: Price4(rawValue: 1_234_567),
                                    quantity: Quantity(900), orderID: OrderID(0x0001_0000_0000_0007),
                                    newOrderID: OrderID(0x0001_0000_0000_0008))

    @Test func theHardCodedOffsetsAreTheMemoryLayouts() {
        typealias L = MemoryLayout<OrderIntent>
        #expect(L.size == 48)
        #expect(L.offset(of: \OrderIntent.kind) == 0)
        #expect(L.offset(of: \OrderIntent.side) == 1)
        #expect(L.offset(of: \OrderIntent.timeInForce) == 2)
        #expect(L.offset(of: \OrderIntent.postOnly) == 3)
        #expect(L.offset(of: \OrderIntent.venue) == 4)
        #expect(L.offset(of: \OrderIntent.account) == 6)
        #expect(L.offset(of: \OrderIntent.strategy) == 8)
        #expect(L.offset(of: \OrderIntent.instrument) == 12)
        #expect(L.offset(of: \OrderIntent.price) == 16)
        #expect(L.offset(of: \OrderIntent.quantity) == 24)
        #expect(L.offset(of: \OrderIntent.orderID) == 32)
        #expect(L.offset(of: \OrderIntent.newOrderID) == 40)
    }

    @Test func canonicalBytesLoadBackAndHaveZeroPadding() {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 8)
        defer { buffer.deallocate() }
        buffer.initializeMemory(as: UInt8.self, repeating: 0xAA)
        Self.sample.storeCanonical(to: buffer.baseAddress!)
        #expect(buffer[5] == 0 && buffer[10] == 0 && buffer[11] == 0, "padding bytes zeroed")
        #expect(buffer[48] == 0xAA, "nothing written past the intent")
        #expect(buffer.baseAddress!.load(as: OrderIntent.self) == Self.sample)
    }

    /// An intent equal field by field to `sample` whose padding bytes hold garbage (as a value
    /// built on a used stack does).
    static func withGarbagePadding() -> OrderIntent {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 48, alignment: 8)
        defer { buffer.deallocate() }
        buffer.baseAddress!.storeBytes(of: sample, as: OrderIntent.self)
        buffer[5] = 0x55; buffer[10] = 0x66; buffer[11] = 0x77
        return buffer.baseAddress!.load(as: OrderIntent.self)
    }

    @Test func garbageInThePaddingDoesNotReachTheCanonicalBytes() {
        let a = UnsafeMutableRawBufferPointer.allocate(byteCount: 48, alignment: 8)
        let b = UnsafeMutableRawBufferPointer.allocate(byteCount: 48, alignment: 8)
        defer { a.deallocate(); b.deallocate() }
        let dirty = Self.withGarbagePadding()
        #expect(dirty == Self.sample)
        dirty.storeCanonical(to: a.baseAddress!)
        Self.sample.storeCanonical(to: b.baseAddress!)
        #expect(Array(a) == Array(b))
    }
}
