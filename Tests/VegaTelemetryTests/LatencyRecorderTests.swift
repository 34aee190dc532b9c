import Testing
import VegaCore
@testable import VegaTelemetry

@Suite("Latency recorder: the lane's side")
struct LatencyRecorderTests {
    @Test("samples go through the ring in order, whole, to the consumer")
    func samplesArriveInOrder() {
        var recorder = LatencyRecorder(capacity: 64)
        for i in 0..<50 {
            var s = TickToTradeSample(venue: UInt8(i % 3), locate: UInt16(i), sequence: UInt64(1000 + i), orderID: UInt64(i * 7))
            s.laneReceiveTicks = UInt64(i) * 100 + 1
            s.txHandedTicks = UInt64(i) * 100 + 50
            s.setReceiveStamps(nicRxNanoseconds: 0, kernelRxNanoseconds: UInt64(9_000 + i))
            s.setTXTimestamp(UInt64(20_000 + i), hardware: i % 2 == 0)
            do { let accepted = recorder.record(s); #expect(accepted) }
        }
        let reader = recorder.consumer()
        #expect(reader.pending == 50)
        var seen: [TickToTradeSample] = []
        reader.drain { seen.append($0) }
        #expect(seen.count == 50)
        for (i, s) in seen.enumerated() {
            #expect(s.sequence == UInt64(1000 + i) && s.locate == UInt16(i) && s.orderID == UInt64(i * 7))
            #expect(s[.laneReceive] == UInt64(i) * 100 + 1 && s[.txHanded] == UInt64(i) * 100 + 50)
            #expect(s[.kernelRx] == UInt64(9_000 + i) && s[.nicRx] == 0)
            #expect(s.txTimestampIsHardware == (i % 2 == 0))
        }
        let dropped = recorder.dropped
        #expect(dropped == 0 && reader.pending == 0)
    }

    @Test("a full ring drops the sample, says so and counts it; draining makes room again")
    func fullRingDropsAndCounts() {
        var recorder = LatencyRecorder(capacity: 8)
        var accepted = 0
        for i in 0..<20 where recorder.record(TickToTradeSample(sequence: UInt64(i))) { accepted += 1 }
        #expect(accepted == 8)
        do { let dropped = recorder.dropped; #expect(dropped == 12) }
        let reader = recorder.consumer()
        #expect(reader.dropped == 12)
        var sequences: [UInt64] = []
        #expect(reader.drain(limit: 3) { sequences.append($0.sequence) } == 3)
        #expect(sequences == [0, 1, 2], "the oldest samples are kept, the newest dropped")
        do { let accepted = recorder.record(TickToTradeSample(sequence: 100)); #expect(accepted) }
        do { let dropped = recorder.dropped; #expect(dropped == 12) }
        reader.drain { sequences.append($0.sequence) }
        #expect(sequences == [0, 1, 2, 3, 4, 5, 6, 7, 100])
    }

    @Test("the consumer keeps the ring alive after the recorder is gone, and drains on another thread")
    func consumerOutlivesRecorderAcrossThreads() async {
        let reader: LatencySampleReader
        do {
            var recorder = LatencyRecorder(capacity: 16)
            for i in 1...5 { _ = recorder.record(TickToTradeSample(sequence: UInt64(i))) }
            reader = recorder.consumer()
            #expect(reader === recorder.consumer(), "one consumer per recorder")
        }
        let total = await Task.detached { () -> UInt64 in
            var sum: UInt64 = 0
            reader.drain { sum += $0.sequence }
            return sum
        }.value
        #expect(total == 15)
    }

    @Test("stamp() takes lane ticks that move forward; the subscript reads and writes every stage")
    func stampAndSubscript() {
        var s = TickToTradeSample()
        s.stamp(.laneReceive)
        s.stamp(.txHanded)
        #expect(s.laneReceiveTicks != 0 && s.txHandedTicks >= s.laneReceiveTicks)
        var t = TickToTradeSample()
        for stage in LatencyStage.allCases { t[stage] = UInt64(stage.rawValue) + 10 }
        for stage in LatencyStage.allCases { #expect(t[stage] == UInt64(stage.rawValue) + 10) }
        #expect(t.laneReceiveTicks == 12 && t.kernelRxNanoseconds == 11 && t.txTimestampNanoseconds == 18)
        #expect(MemoryLayout<TickToTradeSample>.stride == 96)
    }

    @Test("stage and series names round-trip; bad names are refused")
    func names() {
        for stage in LatencyStage.allCases {
            #expect(LatencyStage(name: stage.name) == stage)
            #expect(LatencySeries(name: stage.name) == .stage(stage))
        }
        #expect(LatencySeries(name: "laneReceive->txHanded") == .laneToTx)
        #expect(LatencySeries(name: "KERNELRX..txtimestamp") == .endToEnd(from: .kernelRx, to: .txTimestamp))
        #expect(LatencySeries(name: LatencySeries.laneToTx.name) == .laneToTx)
        #expect(LatencySeries(name: "txHanded->laneReceive") == nil, "a span runs forward")
        #expect(LatencySeries(name: "bookUpdate") == nil)
        #expect(LatencySeries(name: "a->b->c") == nil)
    }
}
