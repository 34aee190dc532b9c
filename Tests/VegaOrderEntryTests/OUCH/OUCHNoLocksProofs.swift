import VegaCore
import VegaOrderEntry

// Compile-time proofs that the OUCH hot paths neither allocate, lock, retain/release nor call
// through an existential: each wrapper is `@_noLocks`, so if encoding an Enter Order or decoding an
// Executed (views, enum checks, appendage walk, typed throws) did any of that, this file would not
// compile. They call only `@inlinable` code from VegaOrderEntry, which is what the checker can see.

@_noLocks @inline(never)
func proofEncodeEnterOrder(_ order: OUCHEnterOrder, _ out: UnsafeMutableRawBufferPointer) -> Int {
    order.encode(into: out, appendage: UnsafeRawBufferPointer(start: nil, count: 0))
}

@_noLocks @inline(never)
func proofDecodeExecuted(_ decoder: inout OUCHDecoder, _ bytes: UnsafeRawBufferPointer) -> UInt64 {
    guard case .orderExecuted(let e)? = decoder.decodeOutbound(bytes) else { return 0 }
    return UInt64(e.quantity) &+ UInt64(bitPattern: e.price.rawValue) &+ e.matchNumber &+ UInt64(e.liquidityFlag.rawValue)
}

@_noLocks @inline(never)
func proofDecodeInbound(_ decoder: inout OUCHDecoder, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
    guard case .enterOrder(let o)? = decoder.decodeInbound(bytes) else { return 0 }
    return o.quantity &+ (o.appendage.minQty ?? 0)
}
