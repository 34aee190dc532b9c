import Histogram

/// A sample worse than the profiler's threshold (or among the worst kept), with the event that
/// caused it.
public struct LatencyOutlier: Sendable, Equatable {
    /// The series it was judged on (the profiler's outlier series).
    public var series: LatencySeries
    /// Its latency on that series, in nanoseconds.
    public var nanoseconds: UInt64
    /// The whole sample: every stamp and the event (venue, locate, sequence, order ID).
    public var sample: TickToTradeSample

    public init(series: LatencySeries, nanoseconds: UInt64, sample: TickToTradeSample) {
        self.series = series
        self.nanoseconds = nanoseconds
        self.sample = sample
    }
}

/// The histograms of a profiling run, as a value: what ``LatencyProfiler`` accumulates and what a
/// profile file holds (``write(to:)``, ``read(from:)``).
///
/// Each series' ``Histogram`` (hdrhistogram-swift) holds nanoseconds; the file keeps every
/// non-empty bucket, so percentiles read back are the ones computed before writing.
public struct LatencyProfile: Sendable {
    /// The file format version ``write(to:)`` produces and ``read(from:)`` accepts.
    public static let formatVersion: UInt16 = 1

    /// One series' distribution in nanoseconds. `min` and `max` are exact (the histogram's own
    /// `min`/`max` are bucket bounds).
    public struct Series: Sendable {
        public var series: LatencySeries
        public var histogram: Histogram<UInt64>
        public var min: UInt64
        public var max: UInt64

        public init(series: LatencySeries, histogram: Histogram<UInt64>, min: UInt64 = .max, max: UInt64 = 0) {
            self.series = series
            self.histogram = histogram
            self.min = min
            self.max = max
        }

        /// Records one value (already clamped to the histogram's range). No allocation.
        mutating func record(_ ns: UInt64) {
            histogram.record(ns)
            if ns < min { min = ns }
            if ns > max { max = ns }
        }

        var row: LatencyReport.Row {
            LatencyReport.Row(
                series: series, count: histogram.totalCount, min: histogram.totalCount == 0 ? 0 : min,
                p50: histogram.valueAtPercentile(50), p90: histogram.valueAtPercentile(90),
                p99: histogram.valueAtPercentile(99), p999: histogram.valueAtPercentile(99.9),
                max: max)
        }
    }

    /// The calibration the lane stamps were converted with.
    public var calibration: TSCCalibration
    /// Every series that has at least one sample, sorted (stages in path order, then spans).
    public var series: [Series]
    /// The worst samples on the outlier series, worst first.
    public var worst: [LatencyOutlier]
    /// Samples profiled.
    public var samples: UInt64
    /// Samples the lane dropped (ring full).
    public var dropped: UInt64
    /// Negative deltas not recorded.
    public var skewed: UInt64
    /// Deltas clamped to the histograms' highest trackable value.
    public var clamped: UInt64
    /// Samples above the outlier threshold.
    public var outliers: UInt64

    public init(calibration: TSCCalibration, series: [Series] = [], worst: [LatencyOutlier] = [],
                samples: UInt64 = 0, dropped: UInt64 = 0, skewed: UInt64 = 0, clamped: UInt64 = 0, outliers: UInt64 = 0) {
        self.calibration = calibration
        self.series = series
        self.worst = worst
        self.samples = samples
        self.dropped = dropped
        self.skewed = skewed
        self.clamped = clamped
        self.outliers = outliers
    }

    /// The distribution of `series`, or `nil` when it has none.
    public subscript(series: LatencySeries) -> Series? { self.series.first { $0.series == series } }

    /// Percentiles per series (allocates the rows; off the lane).
    public func report() -> LatencyReport {
        LatencyReport(rows: series.filter { $0.histogram.totalCount > 0 }.sorted { $0.series < $1.series }.map(\.row),
                      samples: samples, dropped: dropped, skewed: skewed, clamped: clamped, outliers: outliers)
    }
}
