import VegaCore
import VegaTrading

/// What a lane counts of its client traffic (plain integers, written on the lane).
@frozen
public struct LaneClientCounters: Sendable, Equatable {
    /// Requests taken from the inbound ring (and journaled).
    public var requests: UInt64 = 0
    /// Events written into the outbound ring.
    public var events: UInt64 = 0
    /// Events the outbound ring had no room for (the event loop fell behind): dropped, never
    /// waited for. A client then misses an ExecutionReport; the gateway logs the gap.
    public var eventDrops: UInt64 = 0
    /// New orders the lane found no venue for.
    public var noRoute: UInt64 = 0
    /// Cancels and replaces of orders not on the lane.
    public var unknownOrders: UInt64 = 0
    public init() {}
}

/// The lane side of a client link: the two rings, which orders are clients' and the counters.
/// Lives in memory the ``LaneClientLink`` owns; the lane reaches it through a raw pointer (no reference counting on the lane) and is its only writer.
public struct LaneClientState {
    public let inbound: UnsafeMutablePointer<SPSCRing<ClientOrderRequest>>
    public let outbound: UnsafeMutablePointer<SPSCRing<ClientExecutionEvent>>
    /// Client orders are numbered `strategy << 48 | n`: how the lane tells them from its
    /// strategies' orders when venue messages come back.
    public let strategy: StrategyID
    /// Whether every venue message the lane applies is written out too (a drop copy is configured).
    public let replicateVenueReports: Bool
    public var counters: LaneClientCounters
    /// The last event's sequence number.
    public var sequence: UInt64
}

/// The two SPSC rings between a lane and the client FIX event loop, and the lane-side state
/// they need, allocated once before the lane starts.
///
/// - Inbound (``ClientOrderRequest``): one producer, the ``ClientGateway``'s event loop thread
///   (all client sessions of an engine share that one thread, so every lane's ring has exactly
///   one producer); one consumer, the lane, which polls it in its loop. A full ring is refused
///   to the client off the lane (business reject), never waited for.
/// - Outbound (``ClientExecutionEvent``): one producer, the lane; one consumer, the gateway's
///   event loop. A full ring drops the event and counts it (``LaneClientCounters/eventDrops``):
///   the lane never blocks.
///
/// The lane holds raw pointers into this object (``LaneCore/attachClients(_:)``): keep the link
/// alive until the lane is gone. Thread-safe as the SPSC discipline above is kept.
public final class LaneClientLink: @unchecked Sendable {
    public let laneName: String
    public let inbound: UnsafeMutablePointer<SPSCRing<ClientOrderRequest>>
    public let outbound: UnsafeMutablePointer<SPSCRing<ClientExecutionEvent>>
    public let state: UnsafeMutablePointer<LaneClientState>

    /// Rings of `inboundCapacity` / `outboundCapacity` elements (powers of two ≥ 2) for the lane
    /// built from `setup`; client orders are booked under `strategy`.
    public init(setup: LaneSetup, strategy: StrategyID, replicateVenueReports: Bool, inboundCapacity: Int = 1_024,
                outboundCapacity: Int = 8_192) {
        laneName = setup.name
        inbound = .allocate(capacity: 1)
        inbound.initialize(to: SPSCRing(capacity: inboundCapacity))
        outbound = .allocate(capacity: 1)
        outbound.initialize(to: SPSCRing(capacity: outboundCapacity))
        state = .allocate(capacity: 1)
        state.initialize(to: LaneClientState(inbound: inbound, outbound: outbound, strategy: strategy,
                                             replicateVenueReports: replicateVenueReports, counters: LaneClientCounters(),
                                             sequence: 0))
    }

    deinit {
        state.deinitialize(count: 1)
        state.deallocate()
        inbound.deinitialize(count: 1)
        inbound.deallocate()
        outbound.deinitialize(count: 1)
        outbound.deallocate()
    }

    /// Producer side of the inbound ring (the gateway's event loop only). False: full.
    @inlinable
    public func push(_ request: ClientOrderRequest) -> Bool { inbound.pointee.tryPush(request) }

    /// Consumer side of the outbound ring (the gateway's event loop only): hands up to `limit`
    /// events, oldest first, to `body`. Returns how many.
    @inlinable
    public func drain(limit: Int = 4_096, _ body: (ClientExecutionEvent) -> Void) -> Int {
        outbound.pointee.drain(limit: limit, body)
    }

    /// The lane's client counters (exact once the lane has stopped; a racy snapshot before).
    public var counters: LaneClientCounters { state.pointee.counters }
}
