import VegaCore

/// Straight-line text primitives for the FIX encoders: decimal integers by digit pairs or eight
/// digits per word (SWAR), exact `Price4` decimals, small copies by overlapping unaligned loads,
/// constant `<SOH>tag=` prefixes, and the CheckSum byte sum.
///
/// Every writer stores without bounds checks: the caller guarantees the room (the encoders check
/// a message's worst-case length once, up front). Some writers store a few bytes past what they
/// report as written (``putConstant(_:_:_:)``, ``putUnsignedWide(_:_:_:)`` and
/// ``putPrice4Wide(_:_:_:)`` up to eight, ``putUnsigned(_:_:_:)`` none); callers keep
/// ``slack`` spare bytes at the end of their buffers. No allocation, no lock, no generics.
public enum FIXText {
    /// Spare bytes an encoder keeps behind the furthest byte it may report as written.
    @inlinable public static var slack: Int { 16 }

    /// The 200-byte table "000102…99": two ASCII digits per value below 100. Allocated once per
    /// encoder (no global with lazy initialisation on the lane) by ``makeDigitPairs()``.
    public static func makeDigitPairs() -> UnsafeMutableRawPointer {
        let p = UnsafeMutableRawPointer.allocate(byteCount: 200, alignment: 2)
        storeDigitPairs(p)
        return p
    }

    /// Writes the 200 bytes of ``makeDigitPairs()``'s table at `p`.
    public static func storeDigitPairs(_ p: UnsafeMutableRawPointer) {
        for i in 0..<100 {
            p.storeBytes(of: UInt8(0x30 + i / 10), toByteOffset: 2 * i, as: UInt8.self)
            p.storeBytes(of: UInt8(0x30 + i % 10), toByteOffset: 2 * i + 1, as: UInt8.self)
        }
    }

    /// Writes the 4,000-byte table of three-digit texts at `p` (4-byte aligned): for each value
    /// below 1,000 one little-endian `UInt32` whose bytes 0–2 are its three ASCII digits
    /// (leading zeros included) and byte 3 their byte sum (at most 171). One load gives a `.mmm`
    /// millisecond or a 3-digit BodyLength with its CheckSum contribution.
    public static func storeDigitTriples(_ p: UnsafeMutableRawPointer) {
        for i in 0..<1_000 {
            let d = [UInt32(0x30 + i / 100), UInt32(0x30 + i / 10 % 10), UInt32(0x30 + i % 10)]
            p.storeBytes(of: d[0] | d[1] << 8 | d[2] << 16 | (d[0] + d[1] + d[2]) << 24, toByteOffset: 4 * i, as: UInt32.self)
        }
    }

    /// Number of decimal digits of `v` (1 for 0).
    @inlinable @inline(__always)
    public static func digitCount(_ v: UInt64) -> Int {
        if v < 10_000 {
            return v < 100 ? (v < 10 ? 1 : 2) : (v < 1000 ? 3 : 4)
        }
        if v < 100_000_000 {
            return v < 1_000_000 ? (v < 100_000 ? 5 : 6) : (v < 10_000_000 ? 7 : 8)
        }
        var n = 9
        var t = v / 1_000_000_000
        while t > 0 { n += 1; t /= 10 }
        return n
    }

    /// Writes `v` in decimal at `p` (two digits per step from `pairs`); returns the digit count.
    @inlinable @inline(__always)
    public static func putUnsigned(_ p: UnsafeMutableRawPointer, _ v: UInt64, _ pairs: UnsafeRawPointer) -> Int {
        let n = digitCount(v)
        var end = n
        var x = v
        while x >= 100 {
            let q = x / 100
            let r = Int(truncatingIfNeeded: x &- q &* 100)
            p.storeBytes(of: pairs.loadUnaligned(fromByteOffset: 2 * r, as: UInt16.self), toByteOffset: end - 2, as: UInt16.self)
            end -= 2
            x = q
        }
        if x >= 10 {
            p.storeBytes(of: pairs.loadUnaligned(fromByteOffset: 2 * Int(x), as: UInt16.self), toByteOffset: end - 2, as: UInt16.self)
        } else {
            p.storeBytes(of: UInt8(truncatingIfNeeded: x) &+ 0x30, toByteOffset: end - 1, as: UInt8.self)
        }
        return n
    }

    /// The eight decimal digits of `v` (below 10⁸, leading zeros included) as byte values 0–9,
    /// most significant in the lowest byte (memory order on a little-endian store). SWAR: two
    /// multiplications split the number into 4-digit, 2-digit and 1-digit lanes of one word;
    /// no loop, no branch, no table.
    @_transparent
    public static func digits8(_ v: UInt64) -> UInt64 {
        let hi = v / 10_000
        var x = hi | (v &- hi &* 10_000) << 32  // two 4-digit lanes
        // x / 100 per 32-bit lane (exact below 10⁴: 10486 / 2²⁰ ≈ 1/100).
        let h = ((x &* 10_486) >> 20) & 0x0000_007F_0000_007F
        x = h | (x &- h &* 100) << 16  // four 2-digit lanes
        // x / 10 per 16-bit lane (exact below 100: 103 / 2¹⁰ ≈ 1/10).
        let t = ((x &* 103) >> 10) & 0x000F_000F_000F_000F
        return t | (x &- t &* 10) << 8
    }

    /// The four decimal digits of `v` (below 10⁴, leading zeros included) as byte values 0–9,
    /// most significant in the lowest byte: ``digits8(_:)`` for one 4-digit lane.
    @_transparent
    public static func digits4(_ v: UInt32) -> UInt32 {
        let h = (v &* 5_243) >> 19  // v / 100, exact below 43,699
        let x = h | (v &- h &* 100) << 16  // two 2-digit lanes
        let t = ((x &* 103) >> 10) & 0x000F_000F
        return t | (x &- t &* 10) << 8
    }

    /// Writes `v` in decimal at `p` and returns the digit count. Below 10⁴ by ``digits4(_:)``
    /// and one 4-byte store (up to 4 bytes past the digits); below 10⁸ (sequence numbers,
    /// quantities, prices' whole parts): ``digits8(_:)``, the leading zeros shifted out, one
    /// 8-byte store — it writes up to 8 bytes past the digits (callers keep ``slack``). Larger
    /// values: ``putUnsigned(_:_:_:)``.
    @_transparent
    public static func putUnsignedWide(_ p: UnsafeMutableRawPointer, _ v: UInt64, _ pairs: UnsafeRawPointer) -> Int {
        if v < 10_000 {
            // Most quantities, sequence numbers and prices' whole parts: four digits in one
            // 32-bit word, half the multiplications of `digits8`.
            let d = digits4(UInt32(truncatingIfNeeded: v))
            let lead = (d | 1 << 24).trailingZeroBitCount >> 3
            p.storeBytes(of: (d | 0x3030_3030) >> UInt32(truncatingIfNeeded: lead &<< 3), as: UInt32.self)
            return 4 &- lead
        }
        if v < 100_000_000 {
            let d = digits8(v)
            // Leading zero digits are the zero bytes at the low end; the last digit always counts.
            let lead = (d | 1 << 56).trailingZeroBitCount >> 3
            p.storeBytes(of: (d | 0x3030_3030_3030_3030) >> UInt64(truncatingIfNeeded: lead &<< 3), as: UInt64.self)
            return 8 &- lead
        }
        return putUnsignedLong(p, v, pairs)
    }

    /// ``putUnsigned(_:_:_:)`` kept out of line: the rare path of ``putUnsignedWide(_:_:_:)``,
    /// so that the inlined fast path stays small.
    @inlinable @inline(never)
    public static func putUnsignedLong(_ p: UnsafeMutableRawPointer, _ v: UInt64, _ pairs: UnsafeRawPointer) -> Int {
        putUnsigned(p, v, pairs)
    }

    /// ``putPrice4(_:_:_:)`` by ``putUnsignedWide(_:_:_:)`` and a 4-digit SWAR fraction whose
    /// trailing zeros are dropped by a count, not a loop. Writes up to 8 bytes past what it
    /// reports (``slack``); same text as ``putPrice4(_:_:_:)`` for every value.
    @_transparent
    public static func putPrice4Wide(_ p: UnsafeMutableRawPointer, _ raw: Int64, _ pairs: UnsafeRawPointer) -> Int {
        var q = p
        if raw < 0 {
            q.storeBytes(of: UInt8(ascii: "-"), as: UInt8.self)
            q += 1
        }
        let m = raw.magnitude
        let whole = m / 10_000
        let fraction = UInt32(truncatingIfNeeded: m &- whole &* 10_000)
        q += putUnsignedWide(q, whole, pairs)
        if fraction != 0 {
            let h = fraction / 100
            var x = h | (fraction &- h &* 100) << 16
            let t = ((x &* 103) >> 10) & 0x000F_000F
            x = t | (x &- t &* 10) << 8  // four digits, most significant first
            // Trailing zeros ("101.25", not "101.2500") are the zero bytes at the high end.
            let trailing = x.leadingZeroBitCount >> 3
            q.storeBytes(of: UInt64(x | 0x3030_3030) << 8 | UInt64(UInt8(ascii: ".")), as: UInt64.self)
            q += 5 &- trailing
        }
        return q - p
    }

    /// Writes `raw` / 10⁴ in the shortest exact decimal form (`100`, `101.25`, `-0.0001`);
    /// returns the byte count (at most 21).
    @inlinable @inline(__always)
    public static func putPrice4(_ p: UnsafeMutableRawPointer, _ raw: Int64, _ pairs: UnsafeRawPointer) -> Int {
        var q = p
        if raw < 0 {
            q.storeBytes(of: UInt8(ascii: "-"), as: UInt8.self)
            q += 1
        }
        let m = raw.magnitude
        let whole = m / 10_000
        let fraction = Int(truncatingIfNeeded: m &- whole &* 10_000)
        q += putUnsigned(q, whole, pairs)
        if fraction != 0 {
            q.storeBytes(of: UInt8(ascii: "."), as: UInt8.self)
            let hi = fraction / 100, lo = fraction &- hi &* 100
            q.storeBytes(of: pairs.loadUnaligned(fromByteOffset: 2 * hi, as: UInt16.self), toByteOffset: 1, as: UInt16.self)
            q.storeBytes(of: pairs.loadUnaligned(fromByteOffset: 2 * lo, as: UInt16.self), toByteOffset: 3, as: UInt16.self)
            // Trailing zeros are not written: "101.25", not "101.2500".
            let digits = lo == 0 ? (hi % 10 == 0 ? 1 : 2) : (lo % 10 == 0 ? 3 : 4)
            q += 1 + digits
        }
        return q - p
    }

    /// `<SOH>tag=` as the bytes of a little-endian `UInt64` and their count (tags up to 5
    /// digits). With a constant `tag` the optimiser folds this to two constants.
    @inlinable @inline(__always)
    public static func sohTag(_ tag: UInt32) -> (bits: UInt64, count: Int) {
        var x: UInt64 = UInt64(UInt8(ascii: "="))
        var t = tag
        var n = 2
        repeat {
            x = x << 8 | UInt64(0x30 + t % 10)
            t /= 10
            n += 1
        } while t > 0
        return (x << 8 | 0x01, n)
    }

    /// Stores the 8 bytes of `bits` at `p` (unaligned) and returns `count`, the bytes that count.
    @inlinable @inline(__always)
    public static func putConstant(_ p: UnsafeMutableRawPointer, _ bits: UInt64, _ count: Int) -> Int {
        p.storeBytes(of: bits, as: UInt64.self)
        return count
    }

    /// Copies `n` bytes; no byte read or written outside the two ranges. Up to 32 bytes by two
    /// possibly overlapping loads and stores, no call; longer by `memmove`.
    @inlinable @inline(__always)
    public static func copy(_ dst: UnsafeMutableRawPointer, _ src: UnsafeRawPointer, _ n: Int) {
        if n >= 16 {
            if n <= 32 {
                let a = src.loadUnaligned(as: SIMD16<UInt8>.self)
                let b = src.loadUnaligned(fromByteOffset: n - 16, as: SIMD16<UInt8>.self)
                dst.storeBytes(of: a, as: SIMD16<UInt8>.self)
                dst.storeBytes(of: b, toByteOffset: n - 16, as: SIMD16<UInt8>.self)
            } else {
                dst.copyMemory(from: src, byteCount: n)
            }
        } else if n >= 8 {
            let a = src.loadUnaligned(as: UInt64.self)
            let b = src.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            dst.storeBytes(of: a, as: UInt64.self)
            dst.storeBytes(of: b, toByteOffset: n - 8, as: UInt64.self)
        } else if n >= 4 {
            let a = src.loadUnaligned(as: UInt32.self)
            let b = src.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
            dst.storeBytes(of: a, as: UInt32.self)
            dst.storeBytes(of: b, toByteOffset: n - 4, as: UInt32.self)
        } else if n > 0 {
            let a = src.load(as: UInt8.self)
            let b = src.load(fromByteOffset: n >> 1, as: UInt8.self)
            let c = src.load(fromByteOffset: n - 1, as: UInt8.self)
            dst.storeBytes(of: a, as: UInt8.self)
            dst.storeBytes(of: b, toByteOffset: n >> 1, as: UInt8.self)
            dst.storeBytes(of: c, toByteOffset: n - 1, as: UInt8.self)
        }
    }

    /// The byte sum of the eight bytes of `w`, exact (at most 2,040): even and odd bytes into four
    /// 16-bit lanes, the lanes added into the top 16 bits by one multiplication. Seven instructions.
    @_transparent
    public static func wordSum(_ w: UInt64) -> UInt64 {
        let m: UInt64 = 0x00FF_00FF_00FF_00FF
        return (((w & m) &+ ((w >> 8) & m)) &* 0x0001_0001_0001_0001) >> 48
    }

    /// The byte sum of the sixteen bytes of `a` and `b`, exact (at most 4,080): both words'
    /// even and odd bytes into the same four 16-bit lanes, one multiplication for all.
    @_transparent
    public static func wordPairSum(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let m: UInt64 = 0x00FF_00FF_00FF_00FF
        return (((a & m) &+ ((a >> 8) & m) &+ (b & m) &+ ((b >> 8) & m)) &* 0x0001_0001_0001_0001) >> 48
    }

    /// ``putUnsignedWide(_:_:_:)`` that also returns the byte sum of the digits it wrote (the
    /// CheckSum contribution of the text, exact): from the digit word still in a register — one
    /// multiplication adds the digit values (at most 72: no carry between bytes) — plus 0x30 per
    /// digit. Values from 10⁸ up are summed from the written bytes.
    @_transparent
    public static func putUnsignedWideSum(_ p: UnsafeMutableRawPointer, _ v: UInt64, _ pairs: UnsafeRawPointer) -> (count: Int, sum: UInt64) {
        if v < 10_000 {
            // Two digit pairs from the table (fewer instructions than `digits4`), the leading
            // '0' bytes shifted out; the digits' sum by one multiplication (at most 4 × 0x39).
            let x = UInt32(truncatingIfNeeded: v)
            let hi = (x &* 5_243) >> 19
            let text = UInt32(pairs.loadUnaligned(fromByteOffset: Int(hi) &<< 1, as: UInt16.self))
                | UInt32(pairs.loadUnaligned(fromByteOffset: Int(x &- hi &* 100) &<< 1, as: UInt16.self)) << 16
            let lead = ((text ^ 0x3030_3030) | 1 << 24).trailingZeroBitCount >> 3
            let word = text >> UInt32(truncatingIfNeeded: lead &<< 3)
            p.storeBytes(of: word, as: UInt32.self)
            return (4 &- lead, UInt64((word &* 0x0101_0101) >> 24))
        }
        if v < 100_000_000 {
            let d = digits8(v)
            let lead = (d | 1 << 56).trailingZeroBitCount >> 3
            p.storeBytes(of: (d | 0x3030_3030_3030_3030) >> UInt64(truncatingIfNeeded: lead &<< 3), as: UInt64.self)
            let n = 8 &- lead
            return (n, ((d &* 0x0101_0101_0101_0101) >> 56) &+ UInt64(truncatingIfNeeded: n &* 0x30))
        }
        let n = putUnsignedLong(p, v, pairs)
        return (n, UInt64(FIXChecksum.sum(p, n)))
    }

    /// ``putPrice4Wide(_:_:_:)`` that also returns the byte sum of the text it wrote (exact, as
    /// ``putUnsignedWideSum(_:_:_:)``): the sign, the whole part's digits, and `.` plus the
    /// fraction's digits (a dropped trailing zero is a digit value 0: it only takes its 0x30 away).
    @_transparent
    public static func putPrice4WideSum(_ p: UnsafeMutableRawPointer, _ raw: Int64, _ pairs: UnsafeRawPointer) -> (count: Int, sum: UInt64) {
        var q = p
        var sum: UInt64 = 0
        if raw < 0 {
            q.storeBytes(of: UInt8(ascii: "-"), as: UInt8.self)
            q += 1
            sum = 0x2D
        }
        let m = raw.magnitude
        let whole = m / 10_000
        let fraction = UInt32(truncatingIfNeeded: m &- whole &* 10_000)
        let w = putUnsignedWideSum(q, whole, pairs)
        q += w.count
        sum &+= w.sum
        if fraction != 0 {
            let h = fraction / 100
            var x = h | (fraction &- h &* 100) << 16
            let t = ((x &* 103) >> 10) & 0x000F_000F
            x = t | (x &- t &* 10) << 8
            let trailing = x.leadingZeroBitCount >> 3
            q.storeBytes(of: UInt64(x | 0x3030_3030) << 8 | UInt64(UInt8(ascii: ".")), as: UInt64.self)
            let digits = 4 &- trailing
            q += 1 &+ digits
            sum &+= UInt64((x &* 0x0101_0101) >> 24) &+ UInt64(truncatingIfNeeded: 0x2E &+ digits &* 0x30)
        }
        return (q - p, sum)
    }

    /// ``copy(_:_:_:)`` that also returns the byte sum of the `n` bytes (modulo 256 in its low
    /// byte, which is all CheckSum needs), from the same loads: the second of two overlapping
    /// loads has the bytes the first already holds shifted or masked off. Up to 32 bytes no call;
    /// longer by `memmove` and ``FIXChecksum/sum16(_:_:)`` (out of line). Transparent: left to
    /// `@inline(__always)` it stayed an out-of-line call in the template encoder.
    @_transparent
    public static func copySum(_ dst: UnsafeMutableRawPointer, _ src: UnsafeRawPointer, _ n: Int) -> UInt64 {
        if UInt(bitPattern: n &- 8) < 8 {  // 8 to 15 bytes, the usual ExecID: one test first
            let a = src.loadUnaligned(as: UInt64.self)
            let b = src.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            dst.storeBytes(of: a, as: UInt64.self)
            dst.storeBytes(of: b, toByteOffset: n - 8, as: UInt64.self)
            // b's low 16 - n bytes are a's: shifted out (8 of them at n = 8: all).
            let fresh = (b &>> 8) &>> UInt64(truncatingIfNeeded: (15 &- n) &<< 3)
            return wordPairSum(a, fresh)
        }
        if n >= 16 {
            if n <= 32 {
                let a = src.loadUnaligned(as: SIMD16<UInt8>.self)
                let b = src.loadUnaligned(fromByteOffset: n - 16, as: SIMD16<UInt8>.self)
                dst.storeBytes(of: a, as: SIMD16<UInt8>.self)
                dst.storeBytes(of: b, toByteOffset: n - 16, as: SIMD16<UInt8>.self)
                // b's first 32 - n lanes are a's last ones.
                let lane = SIMD16<UInt8>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
                let seen = lane .< SIMD16<UInt8>(repeating: UInt8(truncatingIfNeeded: 32 &- n))
                // Lane-wise adds wrap modulo 256 per byte, which keeps the sum modulo 256.
                let words = unsafeBitCast(a &+ b.replacing(with: 0, where: seen), to: SIMD2<UInt64>.self)
                return wordPairSum(words[0], words[1])
            }
            return copySumLong(dst, src, n)
        }
        if n >= 4 {
            let a = src.loadUnaligned(as: UInt32.self)
            let b = src.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
            dst.storeBytes(of: a, as: UInt32.self)
            dst.storeBytes(of: b, toByteOffset: n - 4, as: UInt32.self)
            let fresh = (b &>> 8) &>> UInt32(truncatingIfNeeded: (7 &- n) &<< 3)
            return wordSum(UInt64(a) | UInt64(fresh) << 32)
        }
        if n > 0 {
            let a = src.load(as: UInt8.self)
            let b = src.load(fromByteOffset: n >> 1, as: UInt8.self)
            let c = src.load(fromByteOffset: n - 1, as: UInt8.self)
            dst.storeBytes(of: a, as: UInt8.self)
            dst.storeBytes(of: b, toByteOffset: n >> 1, as: UInt8.self)
            dst.storeBytes(of: c, toByteOffset: n - 1, as: UInt8.self)
            // n = 1: a = b = c; n = 2: b = c; n = 3: three bytes.
            return UInt64(a) &+ (n > 1 ? UInt64(c) : 0) &+ (n == 3 ? UInt64(b) : 0)
        }
        return 0
    }

    /// ``copySum(_:_:_:)`` above 32 bytes: `memmove`, then the sum of the source.
    @inlinable @inline(never)
    public static func copySumLong(_ dst: UnsafeMutableRawPointer, _ src: UnsafeRawPointer, _ n: Int) -> UInt64 {
        dst.copyMemory(from: src, byteCount: n)
        return UInt64(FIXChecksum.sum16(src, n))
    }

    /// The byte sum modulo 256 of `n` bytes at `p` (``FIXChecksum/sum(_:_:)``).
    @inlinable @inline(__always)
    public static func byteSum(_ p: UnsafeRawPointer, _ n: Int) -> UInt8 {
        FIXChecksum.sum(p, n)
    }
}
