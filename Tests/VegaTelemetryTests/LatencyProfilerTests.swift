import Logging
import Testing
@testable import VegaTelemetry

/// Builds samples on a known tick rate: 2 GHz, so 2 ticks = 1 ns exactly.
struct TelemetrySampleFactory {
    static let calibration = TSCCalibration(ticksPerSecond: 2e9, anchorTicks: 1_000_000,
                                            anchorRealtimeNanoseconds: 1_800_000_000_000_000_000)

    /// Path `i`: book i ns, strategy 100 ns, risk 50 ns, encode 30 ns, TX 20 ns (lane total i + 200
    /// ns); kernel RX stamp 5 µs before lane receive.
    static func sample(_ i: Int, calibration: TSCCalibration = calibration) -> TickToTradeSample {
        var s = TickToTradeSample(venue: UInt8(i % 4), locate: UInt16(i % 500), sequence: UInt64(70_000 + i), orderID: UInt64(900_000 + i))
        let receive = UInt64(10_000_000 + i * 100_000)
        s.laneReceiveTicks = receive
        s.bookUpdatedTicks = receive + UInt64(2 * i)
        s.strategyDecidedTicks = s.bookUpdatedTicks + 200
        s.riskPassedTicks = s.strategyDecidedTicks + 100
        s.orderEncodedTicks = s.riskPassedTicks + 60
        s.txHandedTicks = s.orderEncodedTicks + 40
        s.kernelRxNanoseconds = calibration.realtimeNanoseconds(atTicks: receive) - 5_000
        return s
    }
}

@Suite("Latency profiler: histograms, percentiles, outliers")
struct LatencyProfilerTests {
    static func within(_ got: UInt64, _ want: Double, _ what: String) {
        #expect(abs(Double(got) - want) <= want * 0.001 + 1, "\(what): \(got) vs \(want) (HDR 3 digits: 0.1 %)")
    }

    @Test("known samples give each stage's and the end-to-end percentiles to HDR precision")
    func percentilesOfKnownSamples() {
        let profiler = LatencyProfiler(configuration: .init(calibration: TelemetrySampleFactory.calibration))
        var recorder = LatencyRecorder(capacity: 16_384)
        for i in 1...10_000 { let accepted = recorder.record(TelemetrySampleFactory.sample(i)); #expect(accepted) }
        #expect(profiler.drain(recorder.consumer()) == 10_000)
        let r = profiler.report()
        #expect(r.samples == 10_000 && r.dropped == 0 && r.skewed == 0 && r.clamped == 0)

        let book = try! #require(r[.stage(.bookUpdated)])
        #expect(book.count == 10_000 && book.min == 1 && book.max == 10_000)
        Self.within(book.p50, 5_000, "book p50")
        Self.within(book.p90, 9_000, "book p90")
        Self.within(book.p99, 9_900, "book p99")
        Self.within(book.p999, 9_990, "book p99.9")
        for (stage, ns) in [(LatencyStage.strategyDecided, 100), (.riskPassed, 50), (.orderEncoded, 30), (.txHanded, 20), (.laneReceive, 5_000)] {
            let row = try! #require(r[.stage(stage)], "\(stage)")
            #expect(row.count == 10_000 && row.min == UInt64(ns) && row.max == UInt64(ns) && row.p50 == UInt64(ns), "\(stage)")
        }
        let lane = try! #require(r[.laneToTx])
        #expect(lane.min == 201 && lane.max == 10_200)
        Self.within(lane.p50, 5_200, "lane p50")
        Self.within(lane.p99, 10_100, "lane p99")
        let kernel = try! #require(r[.endToEnd(from: .kernelRx, to: .txHanded)])
        #expect(kernel.min == 5_201 && kernel.max == 15_200)
        #expect(r[.stage(.nicRx)] == nil && r[.endToEnd(from: .nicRx, to: .txHanded)] == nil, "no NIC stamps, no NIC series")
        #expect(r.rows.map(\.series) == r.rows.map(\.series).sorted())
        #expect(r.description.contains("laneReceive->txHanded"))
    }

    @Test("stamps in other clocks are converted: PHC NIC stamps, hardware TX stamps, a skipped stage")
    func convertsClocks() {
        let phcOffset: Int64 = 37_000_000_000
        var c = TelemetrySampleFactory.calibration
        c.phcMinusRealtimeNanoseconds = phcOffset
        let profiler = LatencyProfiler(configuration: .init(calibration: c))
        var s = TickToTradeSample(sequence: 1)
        s.laneReceiveTicks = 50_000_000
        s.strategyDecidedTicks = 50_000_800  // no book stamp: strategy is timed from lane receive
        s.txHandedTicks = 50_001_000
        let receive = c.realtimeNanoseconds(atTicks: s.laneReceiveTicks)
        s.nicRxNanoseconds = UInt64(Int64(receive) - 8_000 + phcOffset)
        s.kernelRxNanoseconds = receive - 3_000
        s.setTXTimestamp(c.phcNanoseconds(atTicks: s.txHandedTicks)! + 700, hardware: true)
        profiler.add(s)
        let r = profiler.report()
        #expect(r[.stage(.kernelRx)]?.max == 5_000, "NIC (PHC) → kernel (REALTIME)")
        #expect(r[.stage(.laneReceive)]?.max == 3_000)
        #expect(r[.stage(.strategyDecided)]?.max == 400)
        #expect(r[.stage(.bookUpdated)] == nil)
        #expect(r[.stage(.txHanded)]?.max == 100)
        #expect(r[.stage(.txTimestamp)]?.max == 700)
        #expect(r[.endToEnd(from: .nicRx, to: .txHanded)]?.max == 8_500)
        #expect(r[.endToEnd(from: .nicRx, to: .txTimestamp)]?.max == 9_200)
        #expect(r[.endToEnd(from: .kernelRx, to: .txTimestamp)]?.max == 4_200)
    }

    @Test("negative deltas are counted as skewed, not recorded; paths without an order have no end to end")
    func skewAndPartialPaths() {
        let profiler = LatencyProfiler(configuration: .init(calibration: TelemetrySampleFactory.calibration))
        var late = TelemetrySampleFactory.sample(10)
        late.kernelRxNanoseconds += 6_000  // the kernel's stamp 1 µs after lane receive
        profiler.add(late)
        var partial = TelemetrySampleFactory.sample(20)
        partial.riskPassedTicks = 0
        partial.orderEncodedTicks = 0
        partial.txHandedTicks = 0
        profiler.add(partial)
        let r = profiler.report()
        #expect(r.skewed == 2, "laneReceive and kernelRx→txHanded of the late sample")
        #expect(r[.stage(.laneReceive)]?.count == 1)
        #expect(r[.laneToTx]?.count == 1)
        #expect(r[.stage(.strategyDecided)]?.count == 2)
    }

    @Test("every sample above the threshold is logged with its event; the worst are kept, worst first")
    func outliersLoggedWithTheirEvent() {
        let (logger, store) = TelemetryCapturingLogHandler.logger()
        let profiler = LatencyProfiler(
            configuration: .init(calibration: TelemetrySampleFactory.calibration, outlierThresholdNanoseconds: 9_950, worstSampleCount: 5),
            logger: logger)
        var recorder = LatencyRecorder(capacity: 1_024)
        let reader = recorder.consumer()
        for i in 1...10_000 {
            if !recorder.record(TelemetrySampleFactory.sample(i)) {
                profiler.drain(reader)
                do { let accepted = recorder.record(TelemetrySampleFactory.sample(i)); #expect(accepted) }
            }
        }
        profiler.drain(reader)
        // Lane latency is i + 200 ns: above 9,950 for i = 9,751…10,000.
        let warnings = store.all.filter { $0.level == .warning }
        #expect(warnings.count == 250)
        #expect(profiler.report().outliers == 250)
        let first = try! #require(warnings.first)
        #expect(first.message.contains("9951 ns") && first.message.contains("laneReceive->txHanded"))
        #expect(first.metadata["sequence"] == "\(70_000 + 9_751)")
        #expect(first.metadata["order_id"] == "\(900_000 + 9_751)")
        #expect(first.metadata["locate"] == "\(9_751 % 500)" && first.metadata["venue"] == "\(9_751 % 4)")
        #expect(first.metadata["stages"]?.contains("laneReceive→bookUpdated 9751 ns") == true)
        #expect(Set(warnings.compactMap { $0.metadata["sequence"] }).count == 250)
        let worst = profiler.worstSamples
        #expect(worst.map(\.nanoseconds) == [10_200, 10_199, 10_198, 10_197, 10_196])
        #expect(worst.map(\.sample.sequence) == [80_000, 79_999, 79_998, 79_997, 79_996])
    }

    @Test("no threshold, no log; values beyond the histogram's range are clamped and counted")
    func clampAndQuiet() {
        let (logger, store) = TelemetryCapturingLogHandler.logger()
        let profiler = LatencyProfiler(
            configuration: .init(calibration: TelemetrySampleFactory.calibration, highestTrackableNanoseconds: 1_000_000), logger: logger)
        var s = TelemetrySampleFactory.sample(1)
        s.txHandedTicks = s.laneReceiveTicks + 10_000_000  // 5 ms
        profiler.add(s)
        #expect(store.all.isEmpty)
        let r = profiler.report()
        #expect(r.clamped >= 1)
        #expect(r[.laneToTx]?.max == 1_000_000)
        profiler.reset()
        #expect(profiler.report().rows.isEmpty && profiler.report().samples == 0)
    }

    @Test("the dropped count of the recorder reaches the report")
    func droppedReachesReport() {
        var recorder = LatencyRecorder(capacity: 4)
        for i in 1...10 { _ = recorder.record(TelemetrySampleFactory.sample(i)) }
        let profiler = LatencyProfiler(configuration: .init(calibration: TelemetrySampleFactory.calibration))
        #expect(profiler.drain(recorder.consumer()) == 4)
        #expect(profiler.report().dropped == 6)
    }
}
