import VegaCore
import VegaJournal
import VegaTrading

/// Stage stamps of one tick-to-trade path, as the lane takes them: TSC ticks for the lane's own
/// stages (0: not taken), the frame's NIC and kernel receive stamps in ns (0: absent), and the
/// event that caused the order. Converted to nanoseconds off the lane (VegaTelemetry).
@frozen
public struct LaneStamps: Sendable, Equatable, BitwiseCopyable {
    public var laneReceive: UInt64 = 0
    public var bookUpdated: UInt64 = 0
    public var strategyDecided: UInt64 = 0
    public var riskPassed: UInt64 = 0
    public var orderEncoded: UInt64 = 0
    public var txHanded: UInt64 = 0
    public var nicNanoseconds: UInt64 = 0
    public var kernelNanoseconds: UInt64 = 0
    public var sequence: UInt64 = 0
    public var orderID: UInt64 = 0
    public var locate: UInt16 = 0
    public var venue: UInt8 = 0
    @inlinable public init() {}
}

/// Where a lane reports what it decided and sent, as it happens: the journal and the latency
/// profiler in a live lane, a hasher in replay, nothing in a benchmark.
///
/// Lane calls: implementations must not allocate, lock or block (push into rings).
public protocol LaneTap: ~Copyable {
    /// Risk and the OMS ruled on an intent (`.send`: it is being sent).
    mutating func decision(_ intent: OrderIntent, result: SubmitResult, now: UInt64)
    /// Bytes handed to a venue's order-entry connection (one SoupBinTCP packet carrying OUCH).
    mutating func outbound(venue: Int, bytes: UnsafeRawBufferPointer, now: UInt64)
    /// One tick-to-trade path completed (only when the lane profiles).
    mutating func tickToTrade(_ stamps: LaneStamps)
}

/// Reports nothing (benchmarks of the lane alone).
public struct NoLaneTap: LaneTap {
    @inlinable public init() {}
    @inlinable public mutating func decision(_ intent: OrderIntent, result: SubmitResult, now: UInt64) {}
    @inlinable public mutating func outbound(venue: Int, bytes: UnsafeRawBufferPointer, now: UInt64) {}
    @inlinable public mutating func tickToTrade(_ stamps: LaneStamps) {}
}

/// What the lane decided and sent, as one 64-bit FNV-1a hash over every decision and every
/// outbound byte (with the venue): two runs that made the same decisions in the same order and
/// sent the same bytes have the same hash. Used by replay, and by tests comparing runs.
public struct OutputHash: Sendable, Equatable, CustomStringConvertible {
    public internal(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325
    public private(set) var decisions: UInt64 = 0
    public private(set) var outboundMessages: UInt64 = 0
    public init() {}

    @inline(__always)
    mutating func mix(_ byte: UInt8) {
        value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
    }

    mutating func mix(_ bytes: UnsafeRawBufferPointer) { for b in bytes { mix(b) } }

    mutating func mix<T: BitwiseCopyable>(value v: T) {
        withUnsafeBytes(of: v) { mix($0) }
    }

    /// Adds one decision: the intent's bytes and the verdict's code.
    public mutating func addDecision(_ intent: OrderIntent, result: SubmitResult) {
        addDecision(intent, code: LaneJournalCodec.resultCode(result))
    }

    /// Adds one decision by its journaled form (the intent and ``LaneJournalCodec/resultCode(_:)``).
    /// The intent's canonical bytes (``OrderIntent/storeCanonical(to:)``), not its memory: the
    /// padding of equal intents differs from run to run.
    public mutating func addDecision(_ intent: OrderIntent, code: UInt16) {
        mix(0xD1)
        withUnsafeTemporaryAllocation(byteCount: OrderIntent.canonicalSize, alignment: 8) { buffer in
            intent.storeCanonical(to: buffer.baseAddress!)
            mix(UnsafeRawBufferPointer(buffer))
        }
        mix(value: code)
        decisions &+= 1
    }

    /// Adds one outbound message to `venue`.
    public mutating func addOutbound(venue: Int, bytes: UnsafeRawBufferPointer) {
        mix(0x0B)
        mix(UInt8(truncatingIfNeeded: venue))
        mix(value: UInt32(bytes.count))
        mix(bytes)
        outboundMessages &+= 1
    }

    public var hex: String {
        let s = String(value, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }

    public var description: String { "\(hex) (\(decisions) decisions, \(outboundMessages) outbound messages)" }
}

/// A tap that only hashes (replay, determinism tests).
public struct HashingLaneTap: LaneTap {
    public var hash = OutputHash()
    public init() {}
    public mutating func decision(_ intent: OrderIntent, result: SubmitResult, now: UInt64) {
        hash.addDecision(intent, result: result)
    }
    public mutating func outbound(venue: Int, bytes: UnsafeRawBufferPointer, now: UInt64) {
        hash.addOutbound(venue: venue, bytes: bytes)
    }
    public mutating func tickToTrade(_ stamps: LaneStamps) {}
}

/// How lane records are laid out in the journal (so the lane, `vega journal dump` and replay
/// agree). Inputs: `marketDataFrame` (``VegaJournal/JournalFrameHeader`` with `queue` =
/// venue << 8 | MoldUDP64 line, then the datagram), `orderEntryInbound` (message header with
/// `session` = venue, then the bytes as received), `timer` (no payload), ``clientRequest``
/// (a ``ClientOrderRequest``'s 48 bytes as ``ClientOrderRequest/storeCanonical(to:)`` writes
/// them). Outputs:
/// `riskVerdict` (the intent's 48 bytes as ``VegaTrading/OrderIntent/storeCanonical(to:)`` writes
/// them, then ``resultCode(_:)`` as a little-endian UInt16: the reason byte, then the result byte) and
/// `orderEntryOutbound` (message header, then the SoupBinTCP packet). Timestamps are lane
/// monotonic ns: the `now` the lane used.
public enum LaneJournalCodec {
    /// The annotation a lane journals when it cancels everything at a graceful stop.
    public static let cancelAllAnnotation = "vega.lane.cancel-all"
    /// The annotations a lane journals when its strategies stop and start hearing market data
    /// (``Lane/muteStrategies(_:now:)``): an input, so replay mutes them at the same point.
    public static let muteAnnotation = "vega.lane.mute-strategies"
    public static let unmuteAnnotation = "vega.lane.unmute-strategies"
    /// The annotations a lane journals when a venue's order-entry connection is lost and when a
    /// new one is up (``Lane/orderEntryLost(venue:now:)``, ``Lane/orderEntryReconnected(venue:now:)``),
    /// followed by a space and the venue index: inputs, so replay ends and restarts the session
    /// at the same points.
    public static let orderEntryLostAnnotation = "vega.lane.order-entry-lost"
    public static let orderEntryReconnectedAnnotation = "vega.lane.order-entry-reconnected"
    /// The annotation a lane journals when it is built; its timestamp is the `now` it was built
    /// with (sessions and risk start their clocks there), which replay needs.
    public static let startAnnotation = "vega.lane.start"
    /// A client request the lane took from its client link (payload: the ``ClientOrderRequest``
    /// in memory layout, padding zeroed), the first user record type.
    public static let clientRequest = JournalRecordType(rawValue: JournalRecordType.firstUserType + 1)

    /// 0 send; 1 risk reject (reason in the next byte); 2 OMS reject.
    @inlinable
    public static func resultCode(_ r: SubmitResult) -> UInt16 {
        switch r {
        case .send: 0
        case .riskRejected(let x): 1 << 8 | UInt16(x.rawValue)
        case .omsRejected(let x): 2 << 8 | UInt16(x.rawValue)
        }
    }
}
