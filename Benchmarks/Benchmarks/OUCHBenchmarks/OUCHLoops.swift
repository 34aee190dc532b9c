import VegaCore
import VegaOrderEntry

// The measured loops, each `@_noLocks`: this file does not compile if encoding an Enter Order or
// decoding an Executed allocates, locks, retains/releases or goes through an existential.

/// Encodes `count` Enter Orders (a new UserRefNum and quantity each) into 64-byte slots of
/// `buffer` (a ring of `buffer.count / 64` slots, a power of two, so the stores stay in cache like
/// a socket buffer would, and the slot index is a mask rather than a division); returns the bytes
/// written.
@_noLocks @inline(never)
func encodeEnterOrders(_ template: OUCHEnterOrder, count: Int, into buffer: UnsafeMutableRawBufferPointer) -> Int {
    var order = template
    var total = 0
    let mask = buffer.count / 64 - 1
    for i in 0..<count {
        order.userRefNum = UInt32(truncatingIfNeeded: i)
        order.quantity = UInt32(truncatingIfNeeded: 100 + (i & 255))
        let slot = UnsafeMutableRawBufferPointer(start: buffer.baseAddress.unsafelyUnwrapped + (i & mask) &* 64, count: 64)
        total &+= order.encode(into: slot, appendage: UnsafeRawBufferPointer(start: nil, count: 0))
    }
    return total
}

/// Decodes `count` Executed messages (cycling over `messages`, 36-byte messages in a power-of-two
/// number of `stride`-byte slots) and
/// reads every field; returns a sum of them so nothing is optimised away.
@_noLocks @inline(never)
func decodeExecuted(_ decoder: inout OUCHDecoder, _ messages: UnsafeRawBufferPointer, stride: Int, count: Int) -> UInt64 {
    var sum: UInt64 = 0
    let mask = messages.count / stride - 1
    let base = messages.baseAddress.unsafelyUnwrapped
    for i in 0..<count {
        let bytes = UnsafeRawBufferPointer(start: base + (i & mask) &* stride, count: OUCHOrderExecuted.fixedLength)
        guard case .orderExecuted(let e)? = decoder.decodeOutbound(bytes) else { continue }
        sum &+= UInt64(e.quantity) &+ UInt64(bitPattern: e.price.rawValue) &+ e.matchNumber
            &+ UInt64(e.userRefNum) &+ e.timestamp.nanoseconds &+ UInt64(e.liquidityFlag.rawValue)
    }
    return sum
}
