import VegaCore
import VegaHardware

/// Drives the books from a capture: the pcap replays as a packet queue, through the same
/// MoldUDP64 feed handler and ITCH handler the lane runs live — `vega replay --pcap`.
///
/// The session starts at the first sequence number in the capture (a capture taken mid-day has
/// no earlier messages, and no re-request server to ask); later gaps are detected and, with no
/// server, given up and the books marked stale, exactly as live.
public struct PcapBooks: ~Copyable {
    public typealias Feed = FeedHandler<PcapReplayQueue<MonotonicReplayClock>, PcapReplayQueue<MonotonicReplayClock>, ITCHHandler<OrderBooks<NoBookOutput>>>
    public var feed: Feed
    /// Wall time of `run`, ns.
    public private(set) var elapsedNanoseconds: UInt64 = 0

    public init(path: String, filter: CaptureFilter = .all, pace: ReplayPace = .asFastAsPossible,
                configuration: BookConfiguration) throws(PcapBooksError) {
        let queue: PcapReplayQueue<MonotonicReplayClock>
        do {
            queue = try PcapReplayQueue(path: path, .init(filter: filter, pace: pace))
        } catch {
            throw .capture(error)
        }
        do {
            feed = try FeedHandler(
                session: MoldUDP64SessionConfiguration(initialSequence: nil, requestDelayNanoseconds: 0,
                                                       requestTimeoutNanoseconds: 1_000_000, maxRetries: 0),
                lineA: queue, lineB: nil, recovery: nil,
                consumer: ITCHHandler(sink: OrderBooks(configuration: configuration)), batchCapacity: 64, slotSize: 65_536)
        } catch {
            throw .setup(error)
        }
    }

    /// Replays the whole capture. `progress` is called about every `progressEvery` frames.
    public mutating func run(progressEvery: UInt64 = 0, progress: (UInt64) -> Void = { _ in }) {
        let start = Timestamp<Monotonic>.now().nanoseconds
        var frames: UInt64 = 0
        var nextProgress = progressEvery
        while true {
            let now = Timestamp<Monotonic>.now().nanoseconds
            let n = feed.poll(now: now)
            frames &+= UInt64(n)
            if progressEvery > 0, frames >= nextProgress {
                progress(frames)
                nextProgress = frames + progressEvery
            }
            if n == 0 && feed.lineA.isFinished { break }
        }
        // With no server a gap can only be given up: let the session's timers run out.
        var now = Timestamp<Monotonic>.now().nanoseconds
        for _ in 0..<4 {
            now &+= 10_000_000
            _ = feed.poll(now: now)
        }
        elapsedNanoseconds = Timestamp<Monotonic>.now().nanoseconds &- start
    }
}

public enum PcapBooksError: Error, CustomStringConvertible {
    case capture(CaptureError)
    case setup(HardwareSetupError)

    public var description: String {
        switch self {
        case .capture(let e): "\(e)"
        case .setup(let e): "\(e)"
        }
    }
}
