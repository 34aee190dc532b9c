#if canImport(Glibc)
import Glibc
#endif
import CSPSCBaseline
import Synchronization
import VegaCore

/// Which ring implementation a fixture runs.
public enum RingImplementation: String, Sendable {
    case swift, c
}

/// What the peer does with the messages.
public enum PeerMode: String, Sendable {
    /// Stamp and send back (latency ping-pong).
    case echo
    /// Count and drop (throughput).
    case sink
}

/// The shared region: a control block, then ring A (producer → peer) and ring B (peer →
/// producer). Identical for threads and processes and for both implementations (the Swift
/// and C rings share one layout).
///
/// | offset | content |
/// |---|---|
/// | 0 | `stop` (atomic u64, set by the producer side to end the peer) |
/// | 8 | `ready` (atomic u64, set by the peer once attached) |
/// | 128 | `consumed` (atomic u64, the sink's running count) |
/// | 256 | ring A |
/// | 256 + ring bytes | ring B |
public enum FixtureLayout {
    public static let stopOffset = 0
    public static let readyOffset = 8
    public static let consumedOffset = 128
    public static let ringAOffset = 256

    public static func ringBOffset(capacity: Int) -> Int { ringAOffset + vega_spsc_byte_count(UInt64(capacity)) }
    public static func byteCount(capacity: Int) -> Int { ringBOffset(capacity: capacity) + vega_spsc_byte_count(UInt64(capacity)) }
}

/// Control words of a mapped fixture region.
public struct FixtureControl: @unchecked Sendable {
    // @unchecked: raw pointers into a region every party accesses only through atomics.
    public let region: UnsafeMutableRawPointer
    public let capacity: Int

    public init(region: UnsafeMutableRawPointer, capacity: Int) {
        self.region = region
        self.capacity = capacity
    }

    public var stop: UnsafeMutablePointer<Atomic<UInt64>> { word(FixtureLayout.stopOffset) }
    public var ready: UnsafeMutablePointer<Atomic<UInt64>> { word(FixtureLayout.readyOffset) }
    public var consumed: UnsafeMutablePointer<Atomic<UInt64>> { word(FixtureLayout.consumedOffset) }
    public var ringA: UnsafeMutableRawPointer { region + FixtureLayout.ringAOffset }
    public var ringB: UnsafeMutableRawPointer { region + FixtureLayout.ringBOffset(capacity: capacity) }

    private func word(_ offset: Int) -> UnsafeMutablePointer<Atomic<UInt64>> {
        (region + offset).assumingMemoryBound(to: Atomic<UInt64>.self)
    }

    /// Binds and zeroes the control words (creator only).
    public func initializeControl() {
        for offset in [FixtureLayout.stopOffset, FixtureLayout.readyOffset, FixtureLayout.consumedOffset] {
            (region + offset).bindMemory(to: Atomic<UInt64>.self, capacity: 1).initialize(to: Atomic(0))
        }
    }

    /// Binds the control words in an attaching process.
    public func bindControl() {
        for offset in [FixtureLayout.stopOffset, FixtureLayout.readyOffset, FixtureLayout.consumedOffset] {
            _ = (region + offset).bindMemory(to: Atomic<UInt64>.self, capacity: 1)
        }
    }
}

/// Both Swift rings of a fixture, attached over its region.
public final class SwiftRingPair: Sendable {
    public let a: BenchRing
    public let b: BenchRing

    public init(control: FixtureControl, initialize: Bool) throws(RingLayoutError) {
        a = try BenchRing(attachingTo: control.ringA, capacity: control.capacity, initialize: initialize)
        b = try BenchRing(attachingTo: control.ringB, capacity: control.capacity, initialize: initialize)
    }
}

/// Runs the peer side until `stop`: the body of both a peer thread and `ring-peer`.
public func runPeer(implementation: RingImplementation, mode: PeerMode, control: FixtureControl, swiftRings: SwiftRingPair?) {
    control.ready.pointee.store(1, ordering: .releasing)
    switch (implementation, mode) {
    case (.swift, .echo):
        swiftEchoLoop(input: swiftRings!.a, output: swiftRings!.b, stop: control.stop)
    case (.swift, .sink):
        _ = swiftSinkLoop(input: swiftRings!.a, stop: control.stop, consumed: control.consumed)
    case (.c, .echo):
        vega_c_echo_loop(control.ringA, control.ringB, UInt64(control.capacity), UnsafeMutableRawPointer(control.stop).assumingMemoryBound(to: UInt64.self))
    case (.c, .sink):
        vega_c_sink_loop(
            control.ringA, UInt64(control.capacity),
            UnsafeMutableRawPointer(control.stop).assumingMemoryBound(to: UInt64.self),
            UnsafeMutableRawPointer(control.consumed).assumingMemoryBound(to: UInt64.self))
    }
}
