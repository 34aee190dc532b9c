import CVegaFPGA
import CVegaNet
import Foundation
import Glibc
import Testing
import VegaHardware

/// A ring file written in-process with the C writer (the cross-process case is in
/// VegaHardwareSimTests, against the FPGA simulator).
private final class RingFile {
    let path: String
    var mapping = vega_fpga_mapping()
    var header: UnsafeMutablePointer<vega_fpga_ring_header> { mapping.base.assumingMemoryBound(to: vega_fpga_ring_header.self) }
    var next: UInt64 = 1

    init(slots: UInt64) throws {
        path = "/dev/shm/vega-test-ring-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let rc = vega_fpga_map_file(path, vega_fpga_ring_bytes(slots), 1, &mapping)
        try #require(rc == 0)
        try #require(vega_fpga_ring_format(mapping.base, mapping.length, slots, UInt64(getpid()), 1) == 0)
    }

    deinit {
        vega_fpga_unmap(&mapping)
        unlink(path)
    }

    /// Event n has every field derived from n, so a torn or misplaced read is detectable.
    static func event(_ n: UInt64) -> vega_fpga_event {
        var e = vega_fpga_event()
        e.hw_timestamp_ns = n &* 1000
        e.exchange_timestamp_ns = n &* 7
        e.price = Int64(n) * 100
        e.feed_seq = n
        e.quantity = UInt32(truncatingIfNeeded: n * 3)
        e.instrument = UInt32(truncatingIfNeeded: n % 97)
        e.level = UInt16(n % 30)
        e.type = UInt8(VEGA_FPGA_EV_LEVEL_SET)
        e.side = UInt8(n % 2 == 0 ? VEGA_FPGA_SIDE_BID : VEGA_FPGA_SIDE_ASK)
        return e
    }

    func write(_ count: Int) {
        for _ in 0..<count {
            var e = Self.event(next)
            vega_fpga_ring_write(header, next, &e)
            next += 1
        }
    }
}

@Suite("FPGA event ring: mapped reader")
struct EventRingTests {
    @Test("events written to the ring are read back in order, each exactly once")
    func readsInOrder() throws {
        let ring = try RingFile(slots: 64)
        var reader = try MappedEventRing(source: .file(path: ring.path), fromStart: true)
        let out = UnsafeMutableBufferPointer<FPGAEvent>.allocate(capacity: 16)
        defer { out.deallocate() }
        #expect(reader.poll(into: out) == EventPoll(count: 0, lost: 0), "an empty ring yields nothing")
        ring.write(40)
        var seen: [UInt64] = []
        while true {
            let p = reader.poll(into: out)
            #expect(p.lost == 0)
            if p.count == 0 { break }
            for e in out[0..<p.count] {
                #expect(e.price == Int64(e.feed_seq) * 100 && e.hw_timestamp_ns == e.feed_seq * 1000)
                seen.append(e.feed_seq)
            }
        }
        #expect(seen == Array(1...40))
        #expect(reader.cursor == 41)
    }

    @Test("a reader lapped by the writer is told exactly how many events it lost and resumes at the oldest kept")
    func lappedReaderCountsLoss() throws {
        let ring = try RingFile(slots: 16)
        var reader = try MappedEventRing(source: .file(path: ring.path), fromStart: true)
        ring.write(100)   // the ring holds 85…100
        let out = UnsafeMutableBufferPointer<FPGAEvent>.allocate(capacity: 64)
        defer { out.deallocate() }
        let p = reader.poll(into: out)
        // Oldest kept is 100 − 16 + 1 = 85; the reader keeps one slot of margin, so resumes at 86.
        #expect(p.lost == 85)
        #expect(p.count == 15)
        #expect(out[0].feed_seq == 86 && out[14].feed_seq == 100)
        #expect(reader.totalLost == 85)
        #expect(p.lost + UInt64(p.count) == 100, "every event is either delivered or counted lost")
    }

    @Test("a lap found after events were read ends the poll there: a loss always precedes the events it returns")
    func lapAfterReadsEndsThePoll() throws {
        let ring = try RingFile(slots: 8)
        var reader = try MappedEventRing(source: .file(path: ring.path), fromStart: true)
        ring.write(8)   // events 1…8, the ring full
        // The writer overtakes the reader mid-batch: event 12 lands in event 4's slot while
        // events 1–3 and 5–8 are still intact (9–11 are never written: only their slots matter).
        var e12 = RingFile.event(12)
        vega_fpga_ring_write(ring.header, 12, &e12)
        let out = UnsafeMutableBufferPointer<FPGAEvent>.allocate(capacity: 16)
        defer { out.deallocate() }
        let first = reader.poll(into: out)
        #expect(first == EventPoll(count: 3, lost: 0), "events 1–3, then the lap ends the poll")
        #expect(out[0..<first.count].map(\.feed_seq) == [1, 2, 3])
        #expect(reader.cursor == 4)
        // Oldest kept after event 12: 12 − 8 + 2 = 6 (one slot of margin), so 4 and 5 are lost.
        let second = reader.poll(into: out)
        #expect(second == EventPoll(count: 3, lost: 2), "the loss first, then the events after it")
        #expect(out[0..<second.count].map(\.feed_seq) == [6, 7, 8])
        #expect(reader.totalLost == 2)
    }

    @Test("a reader that starts at the tail skips history")
    func startAtTail() throws {
        let ring = try RingFile(slots: 32)
        ring.write(10)
        var reader = try MappedEventRing(source: .file(path: ring.path))
        #expect(reader.cursor == 11)
        ring.write(3)
        let out = UnsafeMutableBufferPointer<FPGAEvent>.allocate(capacity: 8)
        defer { out.deallocate() }
        let p = reader.poll(into: out)
        #expect(p.count == 3 && out[0].feed_seq == 11)
    }

    @Test("a file that is not a ring, or is cut short, is refused with the reason")
    func rejectsBadRings() throws {
        let path = "/dev/shm/vega-test-notring-\(getpid())"
        defer { unlink(path) }
        #expect(FileManager.default.createFile(atPath: path, contents: Data(repeating: 0x41, count: 8192)))
        do {
            _ = try MappedEventRing(source: .file(path: path))
            Issue.record("accepted a file of 'A's as a ring")
        } catch {
            #expect(error.reason.contains("bad magic"), "\(error)")
        }
        // A valid header claiming more slots than the file holds.
        let ring = try RingFile(slots: 64)
        #expect(truncate(ring.path, off_t(VEGA_FPGA_HEADER_SIZE) + 64 * 10) == 0)
        do {
            _ = try MappedEventRing(source: .file(path: ring.path))
            Issue.record("accepted a truncated ring")
        } catch {
            #expect(error.reason.contains("past the mapped region"), "\(error)")
        }
        #expect(throws: HardwareSetupError.self) { _ = try MappedEventRing(source: .file(path: "/dev/shm/does-not-exist-\(getpid())")) }
        #expect(throws: HardwareSetupError.self) {
            _ = try MappedEventRing(source: .sysfsBAR(bdf: "0000:ff:1f.7", bar: 0, writeCombining: true))
        }
    }
}

@Suite("Receive batches and PHCs")
struct BatchAndClockTests {
    @Test("a frame longer than its slot is truncated and flagged, never overflowing")
    func truncation() throws {
        var batch = try RxBatch(capacity: 2, slotSize: 64)
        let big = [UInt8](repeating: 7, count: 100)
        big.withUnsafeBytes { batch.copyIn(0, bytes: $0, meta: vega_rx_meta()) }
        batch.setCount(1)
        #expect(batch[0].bytes.count == 64)
        #expect(batch[0].isTruncated)
        #expect(batch[0].softwareTimestamp == nil && batch[0].hardwareTimestamp == nil, "absent stamps are nil, not zero")
    }

    @Test("PHC discovery lists /dev/ptpN only when the kernel has them, and a missing clock is a clear error")
    func phcDiscovery() {
        let listed = PHCClock.devices()
        let sysfs = Sysfs.list("/sys/class/ptp").filter { $0.hasPrefix("ptp") }
        #expect(listed.count == sysfs.count)
        do {
            _ = try PHCClock(path: "/dev/ptp-vega-missing")
            Issue.record("opened a clock that does not exist")
        } catch {
            #expect(error.description.contains("/dev/ptp-vega-missing"))
            #expect(error.kind == .system(errno: ENOENT))
        }
    }
}
