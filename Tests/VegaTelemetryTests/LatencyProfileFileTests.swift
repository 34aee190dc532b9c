import Glibc
import Histogram
import Testing
@testable import VegaTelemetry

@Suite("Profile files: round trip and corrupt input")
struct LatencyProfileFileTests {
    static func profiler(samples: Int = 2_000) -> LatencyProfiler {
        var c = TelemetrySampleFactory.calibration
        c.phcMinusRealtimeNanoseconds = -42
        c.measuredOverNanoseconds = 50_000_123
        let p = LatencyProfiler(configuration: .init(calibration: c, outlierThresholdNanoseconds: 2_000, worstSampleCount: 4),
                                logger: TelemetryCapturingLogHandler.logger().0)
        for i in 1...samples { p.add(TelemetrySampleFactory.sample(i, calibration: c)) }
        return p
    }

    static func tempPath(_ name: String) -> String { "/tmp/vega-telemetry-test-\(getpid())-\(name).vlp" }

    @Test("a written profile reads back with the same histograms, percentiles, worst samples and calibration")
    func roundTrip() throws {
        let profiler = Self.profiler()
        let path = Self.tempPath("roundtrip")
        defer { unlink(path) }
        try profiler.write(to: path)
        let original = profiler.profile()
        let back = try LatencyProfile.read(from: path)
        #expect(back.report() == original.report())
        #expect(back.calibration == original.calibration)
        #expect(back.worst == original.worst && back.worst.count == 4)
        #expect(back.series.count == original.series.count)
        for s in original.series {
            let b = try #require(back[s.series])
            #expect(b.histogram == s.histogram, "\(s.series.name): same buckets")
            #expect(b.min == s.min && b.max == s.max)
            #expect(b.histogram.valueAtPercentile(99.99) == s.histogram.valueAtPercentile(99.99))
        }
        #expect(back.encoded() == original.encoded(), "re-encoding is byte-identical")
        #expect(access(path + ".tmp", F_OK) != 0, "no temporary left behind")
    }

    @Test("every truncation of a file is reported as truncated, with the field, never a crash")
    func everyTruncation() throws {
        let bytes = Self.profiler(samples: 300).profile().encoded()
        for length in 1..<bytes.count {
            let cut = Array(bytes[0..<length])
            do {
                _ = try LatencyProfile(decoding: cut, path: "cut")
                Issue.record("a file cut at \(length) of \(bytes.count) bytes was accepted")
            } catch {
                guard case .truncated(let path, let field, let offset, let needed) = error else {
                    Issue.record("cut at \(length): \(error)")
                    continue
                }
                #expect(path == "cut" && !field.isEmpty && offset <= length && needed > 0, "\(error)")
            }
        }
    }

    @Test("a damaged byte anywhere is refused (checksum or a named field), never accepted")
    func everyFlippedByte() throws {
        let bytes = Self.profiler(samples: 200).profile().encoded()
        var checksum = 0
        for i in stride(from: 0, to: bytes.count, by: 1) {
            var damaged = bytes
            damaged[i] ^= 0x40
            #expect(throws: LatencyProfileError.self, "byte \(i)") { try LatencyProfile(decoding: damaged, path: "x") }
            do { _ = try LatencyProfile(decoding: damaged, path: "x") } catch { if case .checksumMismatch = error { checksum += 1 } }
        }
        #expect(checksum > bytes.count / 2, "most damage is caught by the CRC32C trailer")
    }

    @Test("wrong magic, a newer version, a missing file: each its own error, with the path")
    func specificErrors() throws {
        var bytes = Self.profiler(samples: 50).profile().encoded()
        #expect(throws: LatencyProfileError.notAProfile(path: "p")) { try LatencyProfile(decoding: Array("PK\u{3}\u{4}not a profile at all".utf8), path: "p") }
        #expect(throws: LatencyProfileError.notAProfile(path: "p")) { try LatencyProfile(decoding: [], path: "p") }
        bytes[8] = 9
        #expect(throws: LatencyProfileError.unsupportedVersion(path: "p", found: 9, supported: 1)) { try LatencyProfile(decoding: bytes, path: "p") }
        #expect(throws: LatencyProfileError.io(path: "/nonexistent/vega.vlp", operation: "open", errno: ENOENT)) {
            try LatencyProfile.read(from: "/nonexistent/vega.vlp")
        }
        let e = LatencyProfileError.truncated(path: "run.vlp", field: "series bookUpdated bucket 3 count", offset: 200, needed: 5)
        #expect(e.description == "run.vlp: truncated: the file ends in series bookUpdated bucket 3 count at byte 200, 5 byte(s) short")
    }

    @Test("a well-checksummed file with an impossible value names the field and offset")
    func malformedWithValidChecksum() throws {
        let good = Self.profiler(samples: 50).profile().encoded()
        // The first series' precision byte: header 16 + calibration 48 + counters 40 + series count 4 + key 3.
        var bytes = good
        bytes[16 + 48 + 40 + 4 + 3] = 9
        resign(&bytes)
        #expect(throws: LatencyProfileError.malformed(path: "m", field: "series laneReceive precision", offset: 111,
                                                      reason: "9 significant digits; 0…5 are valid")) {
            try LatencyProfile(decoding: bytes, path: "m")
        }
        // A series kind that does not exist.
        bytes = good
        bytes[16 + 48 + 40 + 4] = 7
        resign(&bytes)
        #expect(throws: LatencyProfileError.self) { try LatencyProfile(decoding: bytes, path: "m") }
        do { _ = try LatencyProfile(decoding: bytes, path: "m") } catch {
            #expect(error.description.contains("series kind 7"), "\(error)")
        }
    }

    /// Recomputes the CRC32C trailer after an edit.
    func resign(_ bytes: inout [UInt8]) {
        let body = bytes.count - 4
        var w = ByteWriter()
        w.data = Array(bytes[0..<body])
        w.u32(LatencyProfile.checksum(w.data))
        bytes = w.data
    }
}

