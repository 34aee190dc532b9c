import CVegaNet
import Glibc
import VegaCore
import VegaHardware

/// How fast a capture is replayed.
public enum ReplayPace: Sendable, Equatable {
    /// Every `receive` fills the whole batch: throughput tests, backtests that keep their own time.
    case asFastAsPossible
    /// A frame is released once as much time has passed on the replay clock, since the first
    /// frame was released, as passed between the first frame and it in the capture.
    case recorded
}

/// Flag bit set in `vega_rx_meta.flags` of every frame a replay delivers: its timestamps are the
/// ones recorded in the capture, not a live NIC's or kernel's (`VEGA_FRAME_RECORDED`).
public let vegaFrameRecordedFlag = UInt32(VEGA_FRAME_RECORDED)

/// A capture file as a `PacketQueue`: a feed handler or a backtest runs on it exactly as on a
/// socket or HardwareSim, receiving the capture's UDP payloads with their recorded timestamps.
///
/// **Timestamps.** A pcap record has one timestamp. A replayed frame carries it in the *hardware*
/// slot (`hw_ns`, `VEGA_FRAME_HAS_HW`) with ``vegaFrameRecordedFlag`` set, always: code that
/// takes "the NIC stamp when present" as a frame's arrival time gets the recorded arrival time,
/// whatever produced it. Be aware that the slot is typed TAI (`RxFrame.hardwareTimestamp`) but
/// holds the capture's timescale: the PHC's for records Vega stamped from the NIC, UTC for kernel
/// stamps and for other tools' captures. When the capture is Vega's and says the stamp was the
/// kernel's (``CaptureTimestampSource/software``), the same value is also put in the software
/// slot (`sw_ns`, `VEGA_FRAME_HAS_SW`), where kernel stamps belong. A frame that had both stamps
/// when captured comes back with only the one that was recorded.
///
/// Source address and port are the recorded ones (`VEGA_FRAME_HAS_SOURCE`); `queue` is the
/// recorded line when the capture is Vega's, else `configuration.queueID`.
///
/// **Pacing.** `receive` never blocks. At `.recorded` pace it reads the clock once per call and
/// releases the frames whose recorded offset from the first frame has elapsed since the first
/// frame was released; a capture whose stamps go backwards releases the late-stamped frame at
/// once (counted in `nonMonotonicTimestamps`). `nextReleaseNanoseconds` says when the next frame
/// is due, so a simulated clock can be advanced straight there.
///
/// **Cost.** Allocates only in `init` (the reader's buffer). `receive` copies each payload once
/// into the batch's slot (a payload longer than the slot is truncated, flagged, and counted as
/// `payloadTooLarge`), allocates nothing, and never traps on bad records (counted in `skipped`).
/// `transmit` fails with EOPNOTSUPP: a capture has no wire to send on.
public struct PcapReplayQueue<Clock: ReplayClock>: PacketQueue, ~Copyable {
    public struct Configuration: Sendable {
        public var filter: CaptureFilter
        public var pace: ReplayPace
        /// `vega_rx_meta.queue` for records that do not carry Vega's queue marker.
        public var queueID: UInt16

        public init(filter: CaptureFilter = .all, pace: ReplayPace = .asFastAsPossible, queueID: UInt16 = 0) {
            self.filter = filter
            self.pace = pace
            self.queueID = queueID
        }
    }

    public let configuration: Configuration
    public let info: PacketQueueInfo
    public let clock: Clock
    @usableFromInline var reader: PcapReader
    /// The next record, read but not yet delivered: its bytes stay in libpcap's buffer until the
    /// reader moves on, which it does only once this one is copied out.
    @usableFromInline var pending: PcapRecord?
    /// Replay clock and recorded time of the first frame released (the pacing anchor).
    @usableFromInline var anchorClock: UInt64 = 0
    @usableFromInline var anchorRecorded: UInt64 = 0
    @usableFromInline var anchored = false
    /// Largest recorded offset released so far: pacing never goes backwards.
    @usableFromInline var lastOffset: UInt64 = 0
    public private(set) var delivered: UInt64 = 0
    /// Records whose stamp is earlier than a previous record's (merged or reordered captures).
    public private(set) var nonMonotonicTimestamps: UInt64 = 0
    @usableFromInline var payloadTooLarge: UInt64 = 0

    /// Opens the capture, paced by `clock`.
    public init(path: String, _ configuration: Configuration = .init(), clock: Clock) throws(CaptureError) {
        reader = try PcapReader(path: path, filter: configuration.filter)
        self.configuration = configuration
        self.clock = clock
        var filter = ""
        if let a = configuration.filter.destinationAddress { filter += " dst \(IPv4Endpoint(addressBE: a, port: 0))" }
        if let p = configuration.filter.destinationPort { filter += " port \(p)" }
        info = PacketQueueInfo(
            backend: "pcap-replay", endpoint: "\(path)\(filter) pace \(configuration.pace)",
            // The recorded stamp is always in the hardware slot; the software slot only for records
            // Vega marked as kernel-stamped, which is not known until they are read.
            hardwareRxTimestamps: true, softwareRxTimestamps: false,
            hardwareTxTimestamps: false, softwareTxTimestamps: false)
    }

    /// Records skipped by reason (plus `payloadTooLarge`, delivered truncated).
    public var skipped: CaptureSkipCounters {
        var s = reader.skipped
        s.payloadTooLarge = payloadTooLarge
        return s
    }

    /// libpcap's message if the file ended inside a record.
    public var readError: String? { reader.readError }

    /// True when every record has been delivered or skipped.
    public var isFinished: Bool { pending == nil && reader.isAtEnd }

    /// The replay-clock time at which the next frame is due, at `.recorded` pace once the first
    /// frame has been released; nil before that, at `.asFastAsPossible`, or at the end.
    public mutating func nextReleaseNanoseconds() -> UInt64? {
        guard configuration.pace == .recorded, anchored else { return nil }
        if pending == nil { pending = reader.next() }
        guard let r = pending else { return nil }
        return anchorClock &+ offset(of: r.timestampNanoseconds).offset
    }

    /// Fills `batch` with the frames that are due (all of them, up to capacity, when not paced).
    /// Never blocks, never throws, allocates nothing.
    public mutating func receive(into batch: inout RxBatch) throws(HardwareError) -> Int {
        let paced = configuration.pace == .recorded
        // One clock read per call: every frame due by then goes in this batch.
        let now = paced ? clock.monotonicNanoseconds() : 0
        var n = 0
        while n < batch.capacity {
            if pending == nil { pending = reader.next() }
            guard let r = pending else { break }
            if paced {
                if !anchored {
                    anchored = true
                    anchorClock = now
                    anchorRecorded = r.timestampNanoseconds
                }
                let (off, backwards) = offset(of: r.timestampNanoseconds)
                if now < anchorClock || now &- anchorClock < off { break }
                lastOffset = off
                if backwards { nonMonotonicTimestamps += 1 }
            }
            var m = vega_rx_meta()
            m.hw_ns = r.timestampNanoseconds
            m.flags = UInt32(VEGA_FRAME_HAS_HW) | UInt32(VEGA_FRAME_HAS_SOURCE) | vegaFrameRecordedFlag
            if r.timestampSource == .software {
                m.sw_ns = r.timestampNanoseconds
                m.flags |= UInt32(VEGA_FRAME_HAS_SW)
            }
            m.src_addr = r.source.address
            m.src_port = r.source.port
            m.queue = r.queue ?? configuration.queueID
            if r.payload.count > batch.slotSize { payloadTooLarge += 1 }
            batch.copyIn(n, bytes: r.payload, meta: m)
            n += 1
            pending = nil
            delivered += 1
        }
        // Look ahead once the batch is full of copies (nothing in it points into libpcap's
        // buffer any more), so `isFinished` turns true with the call that delivered the last frame.
        if pending == nil && !reader.isAtEnd { pending = reader.next() }
        batch.setCount(n)
        return n
    }

    /// The release offset of a recorded time: its distance from the anchor, never less than the
    /// last released offset (so a backwards stamp releases at once rather than stalling).
    @usableFromInline
    func offset(of recorded: UInt64) -> (offset: UInt64, backwards: Bool) {
        if recorded < anchorRecorded || recorded &- anchorRecorded < lastOffset { return (lastOffset, true) }
        return (recorded &- anchorRecorded, false)
    }

    public mutating func transmit(_ frame: UnsafeRawBufferPointer) throws(HardwareError) -> UInt32 {
        throw HardwareError("transmit on a pcap replay", code: EOPNOTSUPP)
    }

    public mutating func drainTxTimestamps(into stamps: UnsafeMutableBufferPointer<TxTimestamp>) throws(HardwareError) -> Int {
        0
    }
}

extension PcapReplayQueue where Clock == MonotonicReplayClock {
    /// Opens the capture, paced (if at all) by CLOCK_MONOTONIC.
    public init(path: String, _ configuration: Configuration = .init()) throws(CaptureError) {
        try self.init(path: path, configuration, clock: MonotonicReplayClock())
    }
}
