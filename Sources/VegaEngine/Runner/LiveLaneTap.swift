import VegaCore
import VegaHardware
import VegaJournal
import VegaTelemetry
import VegaTrading

/// The tap of a running lane: decisions and outbound messages into the journal (for audit and
/// replay), tick-to-trade stamps into the latency profiler's ring. Both are SPSC rings drained by
/// other threads: a full ring drops and counts, the lane never waits.
///
/// ## TX stamps (live backend)
/// Given a ``LiveTxSendLog`` (written by the live order-entry queues on every send), a path whose
/// frame caused an order is not recorded at once: it waits, with the venue and the OPT_ID of the
/// last segment the frame's flush handed to the kernel, until the driver reports that
/// segment's software TX stamp (``matchTransmitStamp(venue:_:)``), so the profiler also sees
/// "kernel RX → TX timestamp". A path whose stamp does not come within
/// ``transmitStampWaitNanoseconds`` (or when the pending ring is full) is recorded without one
/// and counted in ``transmitStampsMissed``. When a frame sends on two venues (an arbitrage's
/// legs), the later venue's segment is the one matched.
public struct LiveLaneTap: LaneTap, ~Copyable {
    @usableFromInline let journal: Journal?
    public var recorder: LatencyRecorder
    public private(set) var journalOverflows: UInt64 = 0

    /// Whether frames' NIC/kernel receive stamps are real clocks comparable with the TSC's
    /// calibration (live sockets and NICs), or simulated ones (HardwareSim), left out.
    @usableFromInline let receiveStamps: Bool

    /// Paths waiting for their TX stamp (a ring of `pendingCapacity`, a power of two).
    @usableFromInline struct PendingTransmit {
        @usableFromInline var sample: TickToTradeSample
        @usableFromInline var venue: Int
        @usableFromInline var id: UInt32
        /// Lane time the driver first saw it waiting (0: not yet).
        @usableFromInline var since: UInt64
        @usableFromInline var done: Bool
        init(sample: TickToTradeSample, venue: Int, id: UInt32) {
            self.sample = sample
            self.venue = venue
            self.id = id
            since = 0
            done = false
        }
    }
    @usableFromInline let sendLog: UnsafeMutablePointer<LiveTxSendLog>?
    @usableFromInline let pending: UnsafeMutablePointer<PendingTransmit>
    @usableFromInline let pendingCapacity: Int
    @usableFromInline var pendingHead = 0
    @usableFromInline var sendsSeen: UInt64 = 0
    /// Paths waiting for a TX stamp now.
    public private(set) var pendingTransmits = 0
    /// Paths recorded with their TX stamp, and without one (none came in time, or the ring was full).
    public private(set) var transmitStampsMatched: UInt64 = 0
    public private(set) var transmitStampsMissed: UInt64 = 0
    /// How long a path waits for its TX stamp (lane time).
    public let transmitStampWaitNanoseconds: UInt64 = 50_000_000

    /// - Parameter sendLog: the live order-entry queues' send log (`nil`: no TX stamps, every
    ///   path recorded at once). Owned by the caller; must outlive the tap.
    public init(journal: Journal?, latencyCapacity: Int = 1 << 16, receiveStamps: Bool,
                sendLog: UnsafeMutablePointer<LiveTxSendLog>? = nil, pendingCapacity: Int = 1_024) {
        precondition(pendingCapacity > 0 && pendingCapacity & (pendingCapacity - 1) == 0, "pendingCapacity must be a power of two")
        self.journal = journal
        self.receiveStamps = receiveStamps
        recorder = LatencyRecorder(capacity: latencyCapacity)
        self.sendLog = sendLog
        self.pendingCapacity = sendLog == nil ? 1 : pendingCapacity
        pending = .allocate(capacity: self.pendingCapacity)
    }

    deinit { pending.deallocate() }

    public mutating func decision(_ intent: OrderIntent, result: SubmitResult, now: UInt64) {
        guard let journal else { return }
        let code = LaneJournalCodec.resultCode(result)
        let ok = journal.ring.tryAppend(type: .riskVerdict, timestamp: now, payloadLength: OrderIntent.canonicalSize + 2) { p in
            intent.storeCanonical(to: p)  // not storeBytes(of:): that copies the padding's garbage
            p.storeBytes(of: code, toByteOffset: OrderIntent.canonicalSize, as: UInt16.self)
        }
        if !ok { journalOverflows &+= 1 }
    }

    public mutating func outbound(venue: Int, bytes: UnsafeRawBufferPointer, now: UInt64) {
        guard let journal else { return }
        let header = JournalMessageHeader(session: UInt16(truncatingIfNeeded: venue), wireProtocol: .soupBinTCP,
                                          length: UInt32(truncatingIfNeeded: bytes.count))
        if !journal.ring.tryAppend(type: .orderEntryOutbound, timestamp: now, prefix: header, bytes: bytes) {
            journalOverflows &+= 1
        }
    }

    public mutating func tickToTrade(_ stamps: LaneStamps) {
        var s = TickToTradeSample(venue: stamps.venue, locate: stamps.locate, sequence: stamps.sequence, orderID: stamps.orderID)
        s.laneReceiveTicks = stamps.laneReceive
        s.bookUpdatedTicks = stamps.bookUpdated
        s.strategyDecidedTicks = stamps.strategyDecided
        s.riskPassedTicks = stamps.riskPassed
        s.orderEncodedTicks = stamps.orderEncoded
        s.txHandedTicks = stamps.txHanded
        if receiveStamps {
            s.setReceiveStamps(nicRxNanoseconds: stamps.nicNanoseconds, kernelRxNanoseconds: stamps.kernelNanoseconds)
        }
        guard let log = sendLog, log.pointee.sends != sendsSeen else {
            _ = recorder.record(s)
            return
        }
        sendsSeen = log.pointee.sends
        if pendingTransmits == pendingCapacity {
            // Full: the oldest goes without its stamp rather than the lane waiting.
            let k = pendingHead
            if !pending[k].done {
                _ = recorder.record(pending[k].sample)
                transmitStampsMissed &+= 1
            }
            pendingHead = (pendingHead &+ 1) & (pendingCapacity &- 1)
            pendingTransmits &-= 1
        }
        (pending + ((pendingHead &+ pendingTransmits) & (pendingCapacity &- 1)))
            .initialize(to: PendingTransmit(sample: s, venue: log.pointee.venue, id: log.pointee.id))
        pendingTransmits &+= 1
    }

    /// A TX stamp read from `venue`'s order-entry socket: completes every waiting path of that
    /// venue whose segment it covers (stream OPT_IDs count bytes: a stamp for byte `id` covers
    /// every send up to it). Only software/hardware "sent" stamps count (not SCHED or ACK).
    /// No allocation, no locks; O(waiting paths).
    public mutating func matchTransmitStamp(venue: Int, _ stamp: TxTimestamp) {
        guard stamp.kind == .sent, pendingTransmits > 0 else { return }
        let mask = pendingCapacity &- 1
        for i in 0..<pendingTransmits {
            let k = (pendingHead &+ i) & mask
            guard !pending[k].done, pending[k].venue == venue, Int32(bitPattern: stamp.id &- pending[k].id) >= 0 else { continue }
            pending[k].sample.setTXTimestamp(stamp.nanoseconds, hardware: stamp.isHardware)
            _ = recorder.record(pending[k].sample)
            pending[k].done = true
            transmitStampsMatched &+= 1
        }
        popDone()
    }

    /// Records paths that waited longer than ``transmitStampWaitNanoseconds`` without a stamp.
    public mutating func expirePendingTransmits(now: UInt64) {
        let mask = pendingCapacity &- 1
        for i in 0..<pendingTransmits {
            let k = (pendingHead &+ i) & mask
            if pending[k].done { continue }
            if pending[k].since == 0 {
                pending[k].since = now
            } else if now &- pending[k].since > transmitStampWaitNanoseconds {
                _ = recorder.record(pending[k].sample)
                pending[k].done = true
                transmitStampsMissed &+= 1
            }
        }
        popDone()
    }

    /// Records every waiting path without its stamp (the stop).
    public mutating func flushPendingTransmits() {
        let mask = pendingCapacity &- 1
        for i in 0..<pendingTransmits {
            let k = (pendingHead &+ i) & mask
            if !pending[k].done {
                _ = recorder.record(pending[k].sample)
                transmitStampsMissed &+= 1
            }
        }
        pendingTransmits = 0
    }

    mutating func popDone() {
        while pendingTransmits > 0 && pending[pendingHead].done {
            pendingHead = (pendingHead &+ 1) & (pendingCapacity &- 1)
            pendingTransmits &-= 1
        }
    }
}

/// The last send of a lane's live order-entry queues: which venue, the OPT_ID its TX stamps will
/// carry, and how many sends so far. Written by ``LiveOrderEntryQueue/transmit(_:)``, read by
/// ``LiveLaneTap`` right after, on the same (lane) thread; plain memory, no synchronisation.
@frozen
public struct LiveTxSendLog: Sendable {
    public var venue: Int
    public var id: UInt32
    public var sends: UInt64
    @inlinable public init(venue: Int = -1, id: UInt32 = 0, sends: UInt64 = 0) {
        self.venue = venue
        self.id = id
        self.sends = sends
    }
}
