import VegaCore
import VegaHardware

/// Appends what a feed handler receives to a capture: call `record` with each batch (or frame)
/// right after `receive`, before the frames are consumed.
///
/// Off the lane only, for now: `record` copies each frame into libpcap's stdio buffer and
/// `fwrite`s, which can block on the disk. On the lane this belongs behind an SPSC ring (like the
/// journal and telemetry taps): the lane copies frame + meta into a preallocated slot and never
/// waits; a writer thread drains the ring into a `PcapWriter`, and a full ring counts drops
/// instead of stalling the feed.
///
/// Timestamps: see ``PcapWriter``; frames with neither a hardware nor a software stamp get the
/// CLOCK_REALTIME of the `record` call (read only for them).
public struct CaptureTap: ~Copyable {
    @usableFromInline var writer: PcapWriter
    /// Flush to the kernel every this many frames (0: only at `finish`), so a crash or a `tail`
    /// of the file loses at most that many.
    public let flushEvery: Int
    @usableFromInline var sinceFlush = 0

    public init(writer: consuming PcapWriter, flushEvery: Int = 4096) {
        self.writer = writer
        self.flushEvery = flushEvery
    }

    /// Opens a new capture at `path` and taps into it.
    public init(path: String, _ configuration: PcapWriter.Configuration, flushEvery: Int = 4096) throws(CaptureError) {
        self.init(writer: try PcapWriter(path: path, configuration), flushEvery: flushEvery)
    }

    /// Appends every frame of the last receive. No allocation.
    public mutating func record(_ batch: borrowing RxBatch) throws(CaptureError) {
        for i in 0..<batch.count { try record(batch[i]) }
    }

    /// Appends one frame. No allocation.
    public mutating func record(_ frame: RxFrame) throws(CaptureError) {
        writer.write(frame, captureTime: Timestamp<UTC>.now())
        sinceFlush += 1
        if flushEvery > 0 && sinceFlush >= flushEvery {
            sinceFlush = 0
            try writer.flush()
        }
    }

    public var counters: PcapWriter.Counters { writer.counters }

    /// Flushes and closes the capture; returns what was written.
    public consuming func finish() throws(CaptureError) -> PcapWriter.Counters {
        try writer.close()
        return writer.counters
    }
}
