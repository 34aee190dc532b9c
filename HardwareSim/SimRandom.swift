/// The deterministic random source every HardwareSim component draws from: xoshiro256**
/// seeded through SplitMix64.
///
/// Determinism is the point: the same seed gives the same stream, bit for bit, on every machine
/// and every build (integer arithmetic only; `probabilityThreshold` turns a probability into an
/// integer cut once, so no floating-point comparison happens per draw). Not cryptographic.
///
/// A value type of 32 bytes: no allocation, no locks; a draw costs a handful of integer ops.
/// Components that need independent streams derive them with `fork(stream:)` so adding draws to
/// one impairment never shifts the numbers another one sees.
@frozen
public struct SimRandom: RandomNumberGenerator, Sendable, Equatable {
    @usableFromInline var s0: UInt64
    @usableFromInline var s1: UInt64
    @usableFromInline var s2: UInt64
    @usableFromInline var s3: UInt64

    /// Seeds the four state words from SplitMix64(seed), as the xoshiro authors recommend: any
    /// seed, including 0, gives a well-mixed, non-zero state.
    public init(seed: UInt64) {
        var x = seed
        s0 = Self.splitMix64(&x)
        s1 = Self.splitMix64(&x)
        s2 = Self.splitMix64(&x)
        s3 = Self.splitMix64(&x)
    }

    /// One SplitMix64 step (Steele, Lea, Flood 2014): advances `state` and returns a mixed word.
    @inlinable
    public static func splitMix64(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The next 64 random bits (xoshiro256**, Blackman & Vigna 2018).
    @inlinable
    public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    @inlinable
    func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 &- k)) }

    /// A uniformly distributed value in `0..<bound` (Lemire's multiply-shift with rejection, so
    /// there is no modulo bias). `bound` 0 returns 0.
    @inlinable
    public mutating func next(below bound: UInt64) -> UInt64 {
        guard bound > 0 else { return 0 }
        var m = next().multipliedFullWidth(by: bound)
        if m.low < bound {
            let threshold = (0 &- bound) % bound
            while m.low < threshold { m = next().multipliedFullWidth(by: bound) }
        }
        return m.high
    }

    /// A uniformly distributed value in `range` (inclusive), without bias.
    @inlinable
    public mutating func next(in range: ClosedRange<Int64>) -> Int64 {
        let span = UInt64(bitPattern: range.upperBound &- range.lowerBound)
        if span == .max { return Int64(bitPattern: next()) }
        return range.lowerBound &+ Int64(bitPattern: next(below: span &+ 1))
    }

    /// True with probability `threshold / 2^64`; pair with `probabilityThreshold(_:)`.
    @inlinable
    public mutating func chance(_ threshold: UInt64) -> Bool {
        // Always draw, so the stream position does not depend on the probability configured.
        let r = next()
        return threshold == .max ? true : r < threshold
    }

    /// The integer cut for a probability in [0, 1]: `chance(probabilityThreshold(p))` is true
    /// with probability p (to within 2^-64). Computed once, at configuration time.
    public static func probabilityThreshold(_ p: Double) -> UInt64 {
        if !(p > 0) { return 0 }
        if p >= 1 { return .max }
        // 2^64 · p, exact enough: Double has 53 bits, the cut is then exact to 2^-53 relative.
        return UInt64(p * 18_446_744_073_709_551_616.0)
    }

    /// An independent generator for a named sub-stream of this seed: `fork(stream: 1)` and
    /// `fork(stream: 2)` of the same parent never produce the same sequence, and forking does not
    /// advance the parent.
    public func fork(stream: UInt64) -> SimRandom {
        var x = s0 ^ (stream &* 0xD1B5_4A32_D192_ED03)
        return SimRandom(seed: Self.splitMix64(&x) ^ s3)
    }
}
