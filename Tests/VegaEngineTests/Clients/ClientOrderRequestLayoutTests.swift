import Testing
import VegaCore
import VegaEngine
import VegaTrading

/// A client request is journaled by its fields (``ClientOrderRequest/storeCanonical(to:)``), so
/// the journal holds the same bytes for the same request whatever the padding of the value held.
@Suite("ClientOrderRequest: canonical bytes")
struct ClientOrderRequestLayoutTests {
    static let sample = ClientOrderRequest(kind: .replace, side: .sell, timeInForce: .immediateOrCancel, venue: 2,
                                           account: AccountID(0x0102), strategy: StrategyID(0x0304),
                                           instrument: InstrumentID(0x0506_0708), price: Price4(rawValue: 1_234_567),
                                           quantity: Quantity(900), orderID: OrderID(9 << 48 | 7),
                                           newOrderID: OrderID(9 << 48 | 8))

    @Test func theHardCodedOffsetsAreTheMemoryLayouts() {
        typealias L = MemoryLayout<ClientOrderRequest>
        #expect(L.size == 48)
        #expect(ClientOrderRequest.canonicalSize == 48)
        #expect(L.offset(of: \ClientOrderRequest.kind) == 0)
        #expect(L.offset(of: \ClientOrderRequest.side) == 1)
        #expect(L.offset(of: \ClientOrderRequest.timeInForce) == 2)
        #expect(L.offset(of: \ClientOrderRequest.venue) == 3)
        #expect(L.offset(of: \ClientOrderRequest.account) == 4)
        #expect(L.offset(of: \ClientOrderRequest.strategy) == 6)
        #expect(L.offset(of: \ClientOrderRequest.instrument) == 8)
        #expect(L.offset(of: \ClientOrderRequest.price) == 16)
        #expect(L.offset(of: \ClientOrderRequest.quantity) == 24)
        #expect(L.offset(of: \ClientOrderRequest.orderID) == 32)
        #expect(L.offset(of: \ClientOrderRequest.newOrderID) == 40)
    }

    @Test func canonicalBytesLoadBackAndHaveZeroPadding() {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 8)
        defer { buffer.deallocate() }
        buffer.initializeMemory(as: UInt8.self, repeating: 0xAA)
        Self.sample.storeCanonical(to: buffer.baseAddress!)
        #expect(Array(buffer[12..<16]) == [0, 0, 0, 0], "padding bytes zeroed")
        #expect(buffer[48] == 0xAA, "nothing written past the request")
        #expect(buffer.baseAddress!.load(as: ClientOrderRequest.self) == Self.sample)
    }

    /// `r` with garbage in its padding bytes (12..<16), equal field by field.
    static func withGarbagePadding(_ r: ClientOrderRequest) -> ClientOrderRequest {
        let raw = UnsafeMutableRawBufferPointer.allocate(byteCount: 48, alignment: 8)
        defer { raw.deallocate() }
        raw.baseAddress!.storeBytes(of: r, as: ClientOrderRequest.self)
        for i in 12..<16 { raw[i] = UInt8(0x50 + i) }
        return raw.baseAddress!.load(as: ClientOrderRequest.self)
    }

    @Test func garbageInThePaddingDoesNotReachTheCanonicalBytes() {
        let a = UnsafeMutableRawBufferPointer.allocate(byteCount: 48, alignment: 8)
        let b = UnsafeMutableRawBufferPointer.allocate(byteCount: 48, alignment: 8)
        defer { a.deallocate(); b.deallocate() }
        let dirty = Self.withGarbagePadding(Self.sample)
        #expect(dirty == Self.sample)
        dirty.storeCanonical(to: a.baseAddress!)
        Self.sample.storeCanonical(to: b.baseAddress!)
        #expect(Array(a) == Array(b))
    }
}
