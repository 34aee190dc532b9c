/// Percentiles of every series a profiler or a profile file holds, in nanoseconds.
///
/// Values come from HDR histograms: each percentile is exact to the histogram's precision (three
/// significant digits by default: within 0.1 %); ``Row/min`` and ``Row/max`` are the exact
/// extremes recorded.
public struct LatencyReport: Sendable, Equatable, CustomStringConvertible {
    /// One series' distribution.
    public struct Row: Sendable, Equatable {
        public var series: LatencySeries
        public var count: UInt64
        public var min: UInt64
        public var p50: UInt64
        public var p90: UInt64
        public var p99: UInt64
        public var p999: UInt64
        public var max: UInt64

        public init(series: LatencySeries, count: UInt64, min: UInt64, p50: UInt64, p90: UInt64,
                    p99: UInt64, p999: UInt64, max: UInt64) {
            self.series = series
            self.count = count
            self.min = min
            self.p50 = p50
            self.p90 = p90
            self.p99 = p99
            self.p999 = p999
            self.max = max
        }
    }

    /// Stage series first, in path order, then end-to-end spans; series with no sample are left out.
    public var rows: [Row]
    /// Samples taken from the recorder (each may contribute to several series).
    public var samples: UInt64
    /// Samples the lane dropped because the ring was full (never profiled).
    public var dropped: UInt64
    /// Deltas that came out negative (clock disagreement between stamps) and were not recorded.
    public var skewed: UInt64
    /// Deltas above the histograms' highest trackable value, recorded as that value.
    public var clamped: UInt64
    /// Samples above the outlier threshold (each was logged).
    public var outliers: UInt64

    public init(rows: [Row], samples: UInt64, dropped: UInt64 = 0, skewed: UInt64 = 0, clamped: UInt64 = 0,
                outliers: UInt64 = 0) {
        self.rows = rows
        self.samples = samples
        self.dropped = dropped
        self.skewed = skewed
        self.clamped = clamped
        self.outliers = outliers
    }

    /// The row of `series`, or `nil` when it has no sample.
    public subscript(series: LatencySeries) -> Row? { rows.first { $0.series == series } }

    /// A fixed-width table: one line per series with count, min, p50, p90, p99, p99.9 and max in
    /// ns, then a line with the sample counters.
    public var description: String {
        let header = ["series", "count", "min", "p50", "p90", "p99", "p99.9", "max"]
        var lines: [[String]] = [header]
        for r in rows {
            lines.append([r.series.name, "\(r.count)", "\(r.min)", "\(r.p50)", "\(r.p90)", "\(r.p99)", "\(r.p999)", "\(r.max)"])
        }
        var widths = [Int](repeating: 0, count: header.count)
        for l in lines { for (i, c) in l.enumerated() { widths[i] = Swift.max(widths[i], c.count) } }
        var out = ""
        for (n, l) in lines.enumerated() {
            var line = ""
            for (i, c) in l.enumerated() {
                let pad = String(repeating: " ", count: widths[i] - c.count)
                line += i == 0 ? c + pad : "  " + pad + c
            }
            out += line + (n == 0 ? "   (ns)" : "") + "\n"
        }
        out += "samples=\(samples) dropped=\(dropped) skewed=\(skewed) clamped=\(clamped) outliers=\(outliers)"
        return out
    }
}
