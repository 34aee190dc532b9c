/// xoshiro256** seeded through SplitMix64, for the ITCH generator.
///
/// This duplicates `VegaHardwareSim.SimRandom` on purpose: VegaMarketData sits below HardwareSim
/// and must not depend on it, and the generator's output is a contract (same seed ⇒ same bytes,
/// forever), so it owns the exact algorithm it draws from rather than borrowing one that might
/// change for a simulator's needs. Integer arithmetic only, so the stream is identical on every
/// machine and build. Not cryptographic.
struct GeneratorRandom {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    init(seed: UInt64) {
        var x = seed
        s0 = Self.splitMix64(&x)
        s1 = Self.splitMix64(&x)
        s2 = Self.splitMix64(&x)
        s3 = Self.splitMix64(&x)
    }

    static func splitMix64(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    @inline(__always)
    private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 &- k)) }

    @inline(__always)
    mutating func next() -> UInt64 {
        let result = Self.rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = Self.rotl(s3, 45)
        return result
    }

    /// Uniform in `0..<bound` without modulo bias (Lemire); 0 when `bound` is 0.
    @inline(__always)
    mutating func below(_ bound: UInt64) -> UInt64 {
        guard bound > 0 else { return 0 }
        var m = next().multipliedFullWidth(by: bound)
        if m.low < bound {
            let threshold = (0 &- bound) % bound
            while m.low < threshold { m = next().multipliedFullWidth(by: bound) }
        }
        return m.high
    }

    @inline(__always)
    mutating func below(_ bound: Int) -> Int { Int(below(UInt64(bound))) }

    /// An independent stream derived from this one's seed, without advancing it.
    func fork(stream: UInt64) -> GeneratorRandom {
        var x = s0 ^ (stream &* 0xD1B5_4A32_D192_ED03)
        return GeneratorRandom(seed: Self.splitMix64(&x) ^ s3)
    }
}
