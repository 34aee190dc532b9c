import Histogram
import Logging
import Synchronization

/// Turns the lane's tick-to-trade samples into latency distributions, off the lane.
///
/// ``drain(_:limit:)`` takes samples from a ``LatencyRecorder``'s consumer and, for each, records
/// in HDR histograms (nanoseconds, converted with the configured ``TSCCalibration``):
/// - per stage (``LatencySeries/stage(_:)``): the time from the previous stamped stage;
/// - end to end (``LatencySeries/endToEnd(from:to:)``, ``Configuration/endToEnd``): the lane's
///   own laneReceive → txHanded, and from the kernel's / NIC's receive stamps when present.
///
/// It keeps the ``Configuration/worstSampleCount`` worst samples on the outlier series, and logs
/// (swift-log, `warning`) every sample above ``Configuration/outlierThresholdNanoseconds`` with the
/// event that caused it — venue, locate, MoldUDP64 sequence, order ID — and its stage breakdown.
///
/// Thread-safe (a mutex around the histograms): one thread drains, any thread may read a
/// ``report()`` or ``profile()``. Allocates (histograms, log messages): never on the lane.
public final class LatencyProfiler: Sendable {
    /// What the profiler records and when it shouts.
    public struct Configuration: Sendable {
        /// Converts lane ticks to nanoseconds and to `CLOCK_REALTIME`.
        public var calibration: TSCCalibration
        /// Samples above this on ``outlierSeries`` are logged; `nil`: none are.
        public var outlierThresholdNanoseconds: UInt64?
        /// The series outliers and worst samples are judged on (default laneReceive → txHanded).
        public var outlierSeries: LatencySeries
        /// How many worst samples to keep.
        public var worstSampleCount: Int
        /// The end-to-end spans to record (each only for samples with both ends stamped).
        public var endToEnd: [LatencySeries]
        /// The histograms' highest trackable value; larger deltas are clamped to it and counted.
        public var highestTrackableNanoseconds: UInt64
        /// The histograms' precision (three digits: values within 0.1 %).
        public var significantDigits: SignificantDigits

        public init(calibration: TSCCalibration, outlierThresholdNanoseconds: UInt64? = nil,
                    outlierSeries: LatencySeries = .laneToTx, worstSampleCount: Int = 16,
                    endToEnd: [LatencySeries] = LatencySeries.defaultEndToEnd,
                    highestTrackableNanoseconds: UInt64 = 100_000_000_000,
                    significantDigits: SignificantDigits = .three) {
            self.calibration = calibration
            self.outlierThresholdNanoseconds = outlierThresholdNanoseconds
            self.outlierSeries = outlierSeries
            self.worstSampleCount = max(0, worstSampleCount)
            self.endToEnd = endToEnd
            self.highestTrackableNanoseconds = max(2, highestTrackableNanoseconds)
            self.significantDigits = significantDigits
        }
    }

    public let configuration: Configuration
    let logger: Logger
    let state: Mutex<LatencyProfile>

    /// A profiler with empty histograms. Outliers are logged to `logger`.
    public init(configuration: Configuration, logger: Logger = Logger(label: "vega.telemetry.latency")) {
        self.configuration = configuration
        self.logger = logger
        state = Mutex(LatencyProfile(calibration: configuration.calibration))
    }

    /// Takes up to `limit` samples from `reader` into the histograms; returns how many. Also
    /// takes the reader's dropped-sample count into the profile (a profiler drains one
    /// recorder). Call it from one thread at a time per reader (the ring is single-consumer).
    @discardableResult
    public func drain(_ reader: LatencySampleReader, limit: Int = .max) -> Int {
        var flagged: [LatencyOutlier] = []
        let n = state.withLock { profile in
            let n = reader.drain(limit: limit) { sample in
                if let o = self.process(sample, into: &profile) { flagged.append(o) }
            }
            profile.dropped = reader.dropped
            return n
        }
        for o in flagged { log(o) }
        return n
    }

    /// Adds one sample directly (replays, tests, a lane that records off the ring).
    public func add(_ sample: TickToTradeSample) {
        let flagged = state.withLock { process(sample, into: &$0) }
        if let o = flagged { log(o) }
    }

    /// Percentiles per series so far.
    public func report() -> LatencyReport { state.withLock { $0.report() } }

    /// A copy of the histograms so far (for a file, a plot or a merge).
    public func profile() -> LatencyProfile { state.withLock { $0 } }

    /// The worst samples on the outlier series so far, worst first.
    public var worstSamples: [LatencyOutlier] { state.withLock { $0.worst } }

    /// Writes the profile so far to `path` (see ``LatencyProfile/write(to:)``).
    public func write(to path: String) throws(LatencyProfileError) { try profile().write(to: path) }

    /// Empties the histograms, worst samples and counters (the calibration stays).
    public func reset() {
        state.withLock { $0 = LatencyProfile(calibration: configuration.calibration) }
    }

    // MARK: - Per sample

    /// Records `sample` into `profile`; returns it as an outlier when it is above the threshold.
    private func process(_ sample: TickToTradeSample, into profile: inout LatencyProfile) -> LatencyOutlier? {
        profile.samples &+= 1
        var outlierValue: UInt64? = nil
        var previous: LatencyStage? = nil
        for stage in LatencyStage.allCases where sample[stage] != 0 {
            if let p = previous, let ns = delta(sample, from: p, to: stage, profile: &profile) {
                record(ns, in: .stage(stage), profile: &profile)
                if configuration.outlierSeries == .stage(stage) { outlierValue = ns }
            }
            previous = stage
        }
        for span in configuration.endToEnd {
            guard case .endToEnd(let from, let to) = span, sample[from] != 0, sample[to] != 0 else { continue }
            if let ns = delta(sample, from: from, to: to, profile: &profile) {
                record(ns, in: span, profile: &profile)
                if configuration.outlierSeries == span { outlierValue = ns }
            }
        }
        guard let value = outlierValue else { return nil }
        let outlier = LatencyOutlier(series: configuration.outlierSeries, nanoseconds: value, sample: sample)
        keepIfWorst(outlier, profile: &profile)
        if let threshold = configuration.outlierThresholdNanoseconds, value > threshold {
            profile.outliers &+= 1
            return outlier
        }
        return nil
    }

    /// Nanoseconds from `from` to `to` in `sample`, or `nil` (counted as skewed) when negative.
    private func delta(_ sample: TickToTradeSample, from: LatencyStage, to: LatencyStage,
                       profile: inout LatencyProfile) -> UInt64? {
        let c = configuration.calibration
        if from.isLaneStage && to.isLaneStage {
            let a = sample[from], b = sample[to]
            guard b >= a else { profile.skewed &+= 1; return nil }
            return c.nanoseconds(ticks: b - a)
        }
        let a = Self.realtime(sample, from, c), b = Self.realtime(sample, to, c)
        guard b >= a else { profile.skewed &+= 1; return nil }
        return b - a
    }

    /// The stamp at `stage` as `CLOCK_REALTIME` nanoseconds.
    static func realtime(_ sample: TickToTradeSample, _ stage: LatencyStage, _ c: TSCCalibration) -> UInt64 {
        switch stage {
        case .nicRx: c.realtime(fromPHC: sample.nicRxNanoseconds)
        case .kernelRx: sample.kernelRxNanoseconds
        case .txTimestamp:
            sample.txTimestampIsHardware ? c.realtime(fromPHC: sample.txTimestampNanoseconds) : sample.txTimestampNanoseconds
        default: c.realtimeNanoseconds(atTicks: sample[stage])
        }
    }

    private func record(_ ns: UInt64, in series: LatencySeries, profile: inout LatencyProfile) {
        var value = ns
        if value > configuration.highestTrackableNanoseconds {
            value = configuration.highestTrackableNanoseconds
            profile.clamped &+= 1
        }
        if let i = profile.series.firstIndex(where: { $0.series == series }) {
            profile.series[i].record(value)
        } else {
            var s = LatencyProfile.Series(
                series: series,
                histogram: Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: configuration.highestTrackableNanoseconds,
                                             numberOfSignificantValueDigits: configuration.significantDigits))
            s.record(value)
            profile.series.append(s)
            profile.series.sort { $0.series < $1.series }
        }
    }

    private func keepIfWorst(_ o: LatencyOutlier, profile: inout LatencyProfile) {
        let n = configuration.worstSampleCount
        guard n > 0 else { return }
        if profile.worst.count == n, let last = profile.worst.last, last.nanoseconds >= o.nanoseconds { return }
        let at = profile.worst.firstIndex { $0.nanoseconds < o.nanoseconds } ?? profile.worst.count
        profile.worst.insert(o, at: at)
        if profile.worst.count > n { profile.worst.removeLast() }
    }

    private func log(_ o: LatencyOutlier) {
        logger.warning(
            "tick-to-trade outlier: \(o.nanoseconds) ns on \(o.series.name), above \(configuration.outlierThresholdNanoseconds ?? 0) ns",
            metadata: [
                "latency_ns": "\(o.nanoseconds)",
                "series": "\(o.series.name)",
                "venue": "\(o.sample.venue)",
                "locate": "\(o.sample.locate)",
                "sequence": "\(o.sample.sequence)",
                "order_id": "\(o.sample.orderID)",
                "stages": "\(stageBreakdown(o.sample))",
            ])
    }

    /// "kernelRx→laneReceive 1200 ns, bookUpdated 85 ns, …": each stamped stage's own time.
    func stageBreakdown(_ sample: TickToTradeSample) -> String {
        var parts: [String] = []
        var previous: LatencyStage? = nil
        var scratch = LatencyProfile(calibration: configuration.calibration)
        for stage in LatencyStage.allCases where sample[stage] != 0 {
            if let p = previous {
                let text = delta(sample, from: p, to: stage, profile: &scratch).map { "\($0) ns" } ?? "negative"
                parts.append("\(p.name)→\(stage.name) \(text)")
            }
            previous = stage
        }
        return parts.joined(separator: ", ")
    }
}
