// Shared steps of every OUCH encoder: check room, then copy the optional appendage after the fixed
// part. Encoders write into the caller's buffer and return the message's length, or 0 when it does
// not fit (or the appendage is longer than its 2-byte length field can say); they never allocate.

@inlinable @inline(__always)
func _ouchBegin(_ buffer: UnsafeMutableRawBufferPointer, fixed: Int, appendage: Int) -> UnsafeMutableRawPointer? {
    guard appendage <= 0xFFFF, let p = buffer.baseAddress, buffer.count >= fixed &+ appendage else { return nil }
    return p
}

@inlinable @inline(__always)
func _ouchFinish(_ p: UnsafeMutableRawPointer, fixed: Int, appendage: UnsafeRawBufferPointer) -> Int {
    p._ouchPut16(fixed - 2, UInt16(truncatingIfNeeded: appendage.count))
    if let src = appendage.baseAddress, appendage.count > 0 {
        (p + fixed).copyMemory(from: src, byteCount: appendage.count)
    }
    return fixed + appendage.count
}

/// An empty appendage, the default for every encoder's `appendage:`.
@inlinable @inline(__always)
public var ouchNoAppendage: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: nil, count: 0) }
