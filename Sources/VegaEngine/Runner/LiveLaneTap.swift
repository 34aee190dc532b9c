import VegaCore
import VegaJournal
import VegaTelemetry
import VegaTrading

/// The tap of a running lane: decisions and outbound messages into the journal (for audit and
/// replay), tick-to-trade stamps into the latency profiler's ring. Both are SPSC rings drained by
/// other threads: a full ring drops and counts, the lane never waits.
public struct LiveLaneTap: LaneTap, ~Copyable {
    @usableFromInline let journal: Journal?
    public var recorder: LatencyRecorder
    public private(set) var journalOverflows: UInt64 = 0

    /// Whether frames' NIC/kernel receive stamps are real clocks comparable with the TSC's
    /// calibration (live sockets and NICs), or simulated ones (HardwareSim), left out.
    @usableFromInline let receiveStamps: Bool

    public init(journal: Journal?, latencyCapacity: Int = 1 << 16, receiveStamps: Bool) {
        self.journal = journal
        self.receiveStamps = receiveStamps
        recorder = LatencyRecorder(capacity: latencyCapacity)
    }

    public mutating func decision(_ intent: OrderIntent, result: SubmitResult, now: UInt64) {
        guard let journal else { return }
        let code = LaneJournalCodec.resultCode(result)
        let ok = journal.ring.tryAppend(type: .riskVerdict, timestamp: now, payloadLength: MemoryLayout<OrderIntent>.size + 2) { p in
            p.storeBytes(of: intent, as: OrderIntent.self)
            p.storeBytes(of: code, toByteOffset: MemoryLayout<OrderIntent>.size, as: UInt16.self)
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
        _ = recorder.record(s)
    }
}
