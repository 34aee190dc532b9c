import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Glibc
import Testing
@testable import VegaHardware
import VegaTelemetry

/// Counts the SVG's polylines by their data-series attribute.
final class ProfileCommandSVGSeries: NSObject, XMLParserDelegate {
    var series: [String] = []
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        if name == "polyline", let s = attributes["data-series"] { series.append(s) }
    }
}

@Suite("vega profile")
struct ProfileCommandTests {
    /// A profile of 3,000 paths at 2 GHz: book i ns, strategy 100 ns, TX 50 ns; kernel stamp 4 µs before.
    static func writeProfile(_ path: String) throws {
        let c = TSCCalibration(ticksPerSecond: 2e9, anchorTicks: 0, anchorRealtimeNanoseconds: 1_800_000_000_000_000_000)
        let p = LatencyProfiler(configuration: .init(calibration: c, worstSampleCount: 3))
        for i in 1...3_000 {
            var s = TickToTradeSample(venue: 2, locate: UInt16(i % 100), sequence: UInt64(i), orderID: UInt64(500 + i))
            s.laneReceiveTicks = UInt64(1_000_000 + i * 10_000)
            s.bookUpdatedTicks = s.laneReceiveTicks + UInt64(2 * i)
            s.strategyDecidedTicks = s.bookUpdatedTicks + 200
            s.txHandedTicks = s.strategyDecidedTicks + 100
            s.kernelRxNanoseconds = c.realtimeNanoseconds(atTicks: s.laneReceiveTicks) - 4_000
            p.add(s)
        }
        try p.write(to: path)
    }

    static func temp(_ name: String) -> String { "/tmp/vega-profile-clitest-\(getpid())-\(name)" }

    @Test("prints the percentiles table and the worst samples, writes an SVG with the chosen series")
    func tableAndSVG() throws {
        let file = Self.temp("ok.vlp"), svg = Self.temp("ok.svg")
        defer { unlink(file); unlink(svg) }
        try Self.writeProfile(file)
        let r = Subprocess.run(try builtVegaBinary(), ["profile", file, "--svg", svg, "--stage", "laneReceive->txHanded", "--stage", "bookUpdated"],
                               timeoutMilliseconds: 60_000)
        #expect(r.exitStatus == 0, "\(r.output)")
        let out = r.output
        #expect(out.contains("3000 samples"))
        let lane = try #require(out.split(separator: "\n").first { $0.hasPrefix("laneReceive->txHanded") })
        let cols = lane.split(separator: " ")
        #expect(cols[1] == "3000" && cols[2] == "151" && cols.last == "3150", "count, min and max of i + 150 ns: \(lane)")
        #expect(!out.contains("\nkernelRx->txHanded"), "only the chosen series")
        #expect(out.contains("3150 ns  venue=2 locate=0 sequence=3000 order_id=3500"))
        let parser = try #require(XMLParser(contentsOf: URL(fileURLWithPath: svg)))
        let collector = ProfileCommandSVGSeries()
        parser.delegate = collector
        #expect(parser.parse())
        #expect(collector.series == ["laneReceive->txHanded", "bookUpdated"])
    }

    @Test("a corrupt or truncated file fails with exit 1 and the file, the field and the offset")
    func corruptFile() throws {
        let file = Self.temp("bad.vlp")
        defer { unlink(file) }
        try Self.writeProfile(file)
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
        try Data(bytes.prefix(150)).write(to: URL(fileURLWithPath: file))
        let cut = Subprocess.run(try builtVegaBinary(), ["profile", file], timeoutMilliseconds: 60_000)
        #expect(cut.exitStatus == 1)
        #expect(cut.output.contains("vega profile: \(file): truncated: the file ends in "), "\(cut.output)")
        bytes[200] ^= 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        let r = Subprocess.run(try builtVegaBinary(), ["profile", file], timeoutMilliseconds: 60_000)
        #expect(r.exitStatus == 1)
        #expect(r.output.contains("vega profile: \(file): checksum mismatch"), "\(r.output)")
        let none = Subprocess.run(try builtVegaBinary(), ["profile", "/nonexistent/x.vlp"], timeoutMilliseconds: 60_000)
        #expect(none.exitStatus == 1 && none.output.contains("/nonexistent/x.vlp: open failed: No such file or directory"), "\(none.output)")
    }

    @Test("an unknown --stage is refused before reading, naming the valid stages")
    func badStage() throws {
        let r = Subprocess.run(try builtVegaBinary(), ["profile", "x.vlp", "--stage", "bookUpdate"], timeoutMilliseconds: 60_000)
        #expect(r.exitStatus != 0 && r.exitStatus != nil)
        #expect(r.output.contains("--stage bookUpdate: not a series") && r.output.contains("strategyDecided"), "\(r.output)")
    }
}
