import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import VegaTelemetry

/// Collects the SVG's elements as XMLParser sees them.
final class TelemetrySVGCollector: NSObject, XMLParserDelegate {
    var elements: [(name: String, attributes: [String: String])] = []
    var texts: [String] = []
    var error: (any Error)?
    var text = ""

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        elements.append((name, attributes))
        text = ""
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "text" || name == "title" { texts.append(text) }
        text = ""
    }
    func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) { error = parseError }

    static func parse(_ svg: String) -> (TelemetrySVGCollector, Bool) {
        let c = TelemetrySVGCollector()
        let p = XMLParser(data: Data(svg.utf8))
        p.delegate = c
        return (c, p.parse())
    }
}

@Suite("Latency plot: SVG")
struct LatencyPlotTests {
    static func profile() -> LatencyProfile {
        let p = LatencyProfiler(configuration: .init(calibration: TelemetrySampleFactory.calibration))
        for i in 1...5_000 { p.add(TelemetrySampleFactory.sample(i)) }
        return p.profile()
    }

    @Test("the default plot is well-formed SVG with one curve per end-to-end series, labelled axes")
    func defaultPlotIsWellFormed() throws {
        let plot = try LatencyPlot(profile: Self.profile())
        let svg = plot.svg()
        let (c, ok) = TelemetrySVGCollector.parse(svg)
        #expect(ok, "XML error: \(String(describing: c.error))")
        #expect(c.elements.first?.name == "svg" && c.elements.first?.attributes["xmlns"] == "http://www.w3.org/2000/svg")
        let curves = c.elements.filter { $0.name == "polyline" }
        #expect(curves.compactMap { $0.attributes["data-series"] } == ["kernelRx->txHanded", "laneReceive->txHanded"], "series order")
        for curve in curves {
            let points = (curve.attributes["points"] ?? "").split(separator: " ")
            #expect(points.count > 10)
            let xs = points.compactMap { Double($0.split(separator: ",")[0]) }
            #expect(xs == xs.sorted(), "the percentile axis runs left to right")
        }
        #expect(c.texts.contains("latency (µs)"), "lane latencies reach 5 µs: axis in µs")
        #expect(c.texts.contains { $0.hasPrefix("percentile") })
        for label in ["0%", "90%", "99%", "99.9%"] { #expect(c.texts.contains(label), "x tick \(label)") }
        #expect(c.texts.contains("lane receive → TX handed"), "legend names the series, escaped properly")
    }

    @Test("chosen stages are plotted in the order asked; a series with no samples is a specific error")
    func chosenSeries() throws {
        let profile = Self.profile()
        let plot = try LatencyPlot(profile: profile, series: [.stage(.strategyDecided), .stage(.bookUpdated)])
        let (c, ok) = TelemetrySVGCollector.parse(plot.svg())
        #expect(ok)
        #expect(c.elements.filter { $0.name == "polyline" }.compactMap { $0.attributes["data-series"] } == ["strategyDecided", "bookUpdated"])
        #expect(c.texts.contains("latency (ns)"))
        #expect(throws: LatencyPlotError.self) { try LatencyPlot(profile: profile, series: [.stage(.nicRx)]) }
        #expect(throws: LatencyPlotError.self) { try LatencyPlot(profile: LatencyProfile(calibration: TelemetrySampleFactory.calibration)) }
    }
}
