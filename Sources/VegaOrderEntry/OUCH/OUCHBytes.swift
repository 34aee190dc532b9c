import VegaCore

// Big-endian loads and stores for the OUCH views and encoders. `@usableFromInline` and inlinable so
// the lane's callers in other modules inline them (SWIFT-PERFORMANCE.md: a plain public function in
// another module is neither inlined nor accepted by `@_noLocks`).

extension UnsafeRawPointer {
    @inlinable @inline(__always)
    func _ouchU8(_ offset: Int) -> UInt8 { load(fromByteOffset: offset, as: UInt8.self) }

    @inlinable @inline(__always)
    func _ouchU16(_ offset: Int) -> UInt16 {
        UInt16(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    @inlinable @inline(__always)
    func _ouchU32(_ offset: Int) -> UInt32 {
        UInt32(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    @inlinable @inline(__always)
    func _ouchU64(_ offset: Int) -> UInt64 {
        UInt64(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// An OUCH 5.0 Price (8 bytes, unsigned on the wire) as a `Price4`; values above `Int64.max`
    /// cannot be produced by a valid message and come out negative rather than trapping.
    @inlinable @inline(__always)
    func _ouchPrice(_ offset: Int) -> Price4 { Price4(rawValue: Int64(bitPattern: _ouchU64(offset))) }
}

extension UnsafeMutableRawPointer {
    @inlinable @inline(__always)
    func _ouchPut8(_ offset: Int, _ v: UInt8) { storeBytes(of: v, toByteOffset: offset, as: UInt8.self) }

    @inlinable @inline(__always)
    func _ouchPut16(_ offset: Int, _ v: UInt16) { storeBytes(of: v.bigEndian, toByteOffset: offset, as: UInt16.self) }

    @inlinable @inline(__always)
    func _ouchPut32(_ offset: Int, _ v: UInt32) { storeBytes(of: v.bigEndian, toByteOffset: offset, as: UInt32.self) }

    @inlinable @inline(__always)
    func _ouchPut64(_ offset: Int, _ v: UInt64) { storeBytes(of: v.bigEndian, toByteOffset: offset, as: UInt64.self) }

    @inlinable @inline(__always)
    func _ouchPutPrice(_ offset: Int, _ p: Price4) { _ouchPut64(offset, UInt64(bitPattern: p.rawValue)) }

    @inlinable @inline(__always)
    func _ouchPutClOrdID(_ offset: Int, _ id: OUCHClOrdID) {
        _ouchPut64(offset, id.high)
        _ouchPut32(offset + 8, UInt32(truncatingIfNeeded: id.low >> 16))
        _ouchPut16(offset + 12, UInt16(truncatingIfNeeded: id.low))
    }
}

extension UnsafeRawPointer {
    @inlinable @inline(__always)
    func _ouchClOrdID(_ offset: Int) -> OUCHClOrdID {
        OUCHClOrdID(high: _ouchU64(offset),
                    low: UInt64(_ouchU32(offset + 8)) << 16 | UInt64(_ouchU16(offset + 12)))
    }
}
