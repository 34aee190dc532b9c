#if canImport(Glibc)
import Glibc
#endif
import Histogram

/// Why a plot could not be drawn.
public enum LatencyPlotError: Error, Equatable, CustomStringConvertible {
    /// None of the series asked for has a sample (`available` lists those that do).
    case noData(requested: [String], available: [String])

    public var description: String {
        switch self {
        case .noData(let requested, let available):
            "no samples for \(requested.joined(separator: ", ")); the profile has \(available.isEmpty ? "no series" : available.joined(separator: ", "))"
        }
    }
}

/// A latency-distribution plot in SVG, like HdrHistogram's: one percentile curve per series,
/// latency (linear, in ns, µs or ms as the range suits) against percentile on a logarithmic
/// "1/(1−p)" axis, so 90 %, 99 %, 99.9 % … are evenly spaced and the tail is visible.
///
/// Plain text, no dependency: the SVG is self-contained (one `<polyline>` per series, with a
/// `data-series` attribute naming it, and a legend).
public struct LatencyPlot: Sendable {
    public var profile: LatencyProfile
    /// The series drawn, in legend order.
    public var series: [LatencySeries]
    public var title: String
    public var width = 960
    public var height = 560

    /// A plot of `series` (default: the end-to-end spans, or every series when there are none)
    /// from `profile`. - Throws: ``LatencyPlotError/noData(requested:available:)``.
    public init(profile: LatencyProfile, series: [LatencySeries]? = nil,
                title: String = "Tick-to-trade latency by percentile") throws(LatencyPlotError) {
        let available = profile.series.filter { $0.histogram.totalCount > 0 }.map(\.series).sorted()
        var chosen = series ?? available.filter { if case .endToEnd = $0 { true } else { false } }
        if series == nil && chosen.isEmpty { chosen = available }
        let drawn = chosen.filter { available.contains($0) }
        guard !drawn.isEmpty else { throw .noData(requested: chosen.map(\.name), available: available.map(\.name)) }
        self.profile = profile
        self.series = drawn
        self.title = title
    }

    static let colours = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"]

    /// The points (x = log10(1/(1−p)), y = ns) of `series`' percentile curve, up to `xMax`.
    func curve(_ s: LatencyProfile.Series, xMax: Double) -> [(x: Double, y: Double)] {
        var points: [(x: Double, y: Double)] = []
        for v in s.histogram.percentiles(ticksPerHalfDistance: 5) {
            let p = v.percentileLevelIteratedTo / 100
            let x = p >= 1 ? xMax : Swift.min(xMax, -log10(1 - p))
            points.append((x, Double(v.value)))
            if x >= xMax { break }
        }
        if let last = points.last, last.x < xMax { points.append((xMax, Double(s.max))) }
        return points
    }

    /// The SVG document.
    public func svg() -> String {
        let drawn = series.compactMap { profile[$0] }
        let maxCount = drawn.map(\.histogram.totalCount).max() ?? 1
        // Percentiles beyond 1 − 1/count say nothing more: stop the axis there (2…6 decades).
        let xMax = Swift.min(6, Swift.max(2, (log10(Double(maxCount))).rounded(.up)))
        let curves = drawn.map { curve($0, xMax: xMax) }
        let yMaxData = Swift.max(1, curves.flatMap { $0.map(\.y) }.max() ?? 1)
        let (unit, divisor) = yMaxData >= 10_000_000 ? ("ms", 1e6) : yMaxData >= 10_000 ? ("µs", 1e3) : ("ns", 1.0)
        let step = Self.niceStep(yMaxData / divisor / 6) * divisor
        let yMax = (yMaxData / step).rounded(.up) * step

        let left = 90.0, right = 250.0, top = 50.0, bottom = 70.0
        let plotW = Double(width) - left - right, plotH = Double(height) - top - bottom
        func px(_ x: Double) -> Double { left + x / xMax * plotW }
        func py(_ y: Double) -> Double { top + plotH - y / yMax * plotH }

        var o = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        o += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" font-family=\"sans-serif\" font-size=\"12\">\n"
        o += "<title>\(Self.escape(title))</title>\n"
        o += "<rect x=\"0\" y=\"0\" width=\"\(width)\" height=\"\(height)\" fill=\"white\"/>\n"
        o += "<text x=\"\(f(left + plotW / 2))\" y=\"28\" text-anchor=\"middle\" font-size=\"16\">\(Self.escape(title))</text>\n"
        // Grid and axes.
        o += "<g class=\"grid\" stroke=\"#dddddd\" stroke-width=\"1\">\n"
        var y = 0.0
        while y <= yMax + step / 2 {
            o += "<line x1=\"\(f(left))\" y1=\"\(f(py(y)))\" x2=\"\(f(left + plotW))\" y2=\"\(f(py(y)))\"/>\n"
            y += step
        }
        for d in 0...Int(xMax) { o += "<line x1=\"\(f(px(Double(d))))\" y1=\"\(f(top))\" x2=\"\(f(px(Double(d))))\" y2=\"\(f(top + plotH))\"/>\n" }
        o += "</g>\n<g class=\"axes\" stroke=\"black\" stroke-width=\"1\">\n"
        o += "<line x1=\"\(f(left))\" y1=\"\(f(top + plotH))\" x2=\"\(f(left + plotW))\" y2=\"\(f(top + plotH))\"/>\n"
        o += "<line x1=\"\(f(left))\" y1=\"\(f(top))\" x2=\"\(f(left))\" y2=\"\(f(top + plotH))\"/>\n</g>\n"
        o += "<g class=\"x-ticks\" text-anchor=\"middle\">\n"
        for d in 0...Int(xMax) {
            o += "<text x=\"\(f(px(Double(d))))\" y=\"\(f(top + plotH + 18))\">\(Self.percentileLabel(decades: d))</text>\n"
        }
        o += "</g>\n<g class=\"y-ticks\" text-anchor=\"end\">\n"
        y = 0
        while y <= yMax + step / 2 {
            o += "<text x=\"\(f(left - 8))\" y=\"\(f(py(y) + 4))\">\(Self.number(y / divisor))</text>\n"
            y += step
        }
        o += "</g>\n"
        o += "<text class=\"x-label\" x=\"\(f(left + plotW / 2))\" y=\"\(f(Double(height) - 20))\" text-anchor=\"middle\">percentile (log scale of 1/(1−p))</text>\n"
        o += "<text class=\"y-label\" x=\"24\" y=\"\(f(top + plotH / 2))\" text-anchor=\"middle\" transform=\"rotate(-90 24 \(f(top + plotH / 2)))\">latency (\(unit))</text>\n"
        // Curves and legend.
        for (i, (s, points)) in zip(drawn, curves).enumerated() {
            let colour = Self.colours[i % Self.colours.count]
            let pts = points.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
            o += "<polyline class=\"series\" data-series=\"\(Self.escape(s.series.name))\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" points=\"\(pts)\"/>\n"
            let ly = top + 10 + Double(i) * 36
            o += "<g class=\"legend\"><line x1=\"\(f(left + plotW + 16))\" y1=\"\(f(ly))\" x2=\"\(f(left + plotW + 40))\" y2=\"\(f(ly))\" stroke=\"\(colour)\" stroke-width=\"2\"/>"
            o += "<text x=\"\(f(left + plotW + 46))\" y=\"\(f(ly + 4))\">\(Self.escape(s.series.humanName))</text>"
            o += "<text x=\"\(f(left + plotW + 46))\" y=\"\(f(ly + 18))\" fill=\"#555555\" font-size=\"10\">n=\(s.histogram.totalCount) p99=\(Self.duration(s.histogram.valueAtPercentile(99)))</text></g>\n"
        }
        o += "</svg>\n"
        return o
    }

    func f(_ x: Double) -> String {
        let r = (x * 10).rounded() / 10
        return r == r.rounded() ? "\(Int(r))" : "\(r)"
    }

    static func percentileLabel(decades d: Int) -> String {
        switch d {
        case 0: return "0%"
        case 1: return "90%"
        case 2: return "99%"
        default: return "99." + String(repeating: "9", count: d - 2) + "%"
        }
    }

    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0 else { return 1 }
        let magnitude = pow10(floor(log10(raw)))
        let m = raw / magnitude
        return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * magnitude
    }

    static func pow10(_ e: Double) -> Double {
        var r = 1.0
        if e >= 0 { for _ in 0..<Int(e) { r *= 10 } } else { for _ in 0..<Int(-e) { r /= 10 } }
        return r
    }

    static func number(_ x: Double) -> String {
        let r = (x * 1000).rounded() / 1000
        return r == r.rounded() ? "\(Int64(r))" : "\(r)"
    }

    static func duration(_ ns: UInt64) -> String {
        ns >= 10_000_000 ? "\(number(Double(ns) / 1e6)) ms" : ns >= 10_000 ? "\(number(Double(ns) / 1e3)) µs" : "\(ns) ns"
    }

    static func escape(_ s: String) -> String {
        var o = ""
        for c in s {
            switch c {
            case "&": o += "&amp;"
            case "<": o += "&lt;"
            case ">": o += "&gt;"
            case "\"": o += "&quot;"
            case "'": o += "&apos;"
            default: o.append(c)
            }
        }
        return o
    }
}

