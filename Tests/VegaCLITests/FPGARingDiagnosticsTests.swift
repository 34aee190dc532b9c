import CVegaFPGA
import Foundation
import Glibc
import Testing
@testable import VegaHardware

@Suite("fpga section: HardwareSim ring files")
struct FPGARingDiagnosticsTests {
    func temporaryDirectory() throws -> String {
        var template = Array("/tmp/vega-diag-test-XXXXXX".utf8CString)
        let dir = try #require(template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) })
        return String(cString: dir)
    }

    @Test("a formatted ring is validated and reports slots, write sequence, writer pid and heartbeat age; garbage is refused")
    func ringsAreValidated() throws {
        let dir = try temporaryDirectory()
        defer { _ = try? FileManager.default.removeItem(atPath: dir) }
        let path = "\(dir)/vega-fpga-test"
        var m = vega_fpga_mapping()
        #expect(vega_fpga_map_file(path, vega_fpga_ring_bytes(64), 1, &m) == 0)
        let now = SystemClock.read(CLOCK_REALTIME)
        #expect(vega_fpga_ring_format(m.base, m.length, 64, UInt64(getpid()), now) == 0)
        let h = m.base.assumingMemoryBound(to: vega_fpga_ring_header.self)
        var ev = vega_fpga_event()
        for n in 1...3 as ClosedRange<UInt64> { vega_fpga_ring_write(h, n, &ev) }
        vega_fpga_ring_heartbeat(h, now)
        vega_fpga_unmap(&m)
        _ = FileManager.default.createFile(atPath: "\(dir)/vega-fpga-garbage", contents: Data(repeating: 7, count: 8192))
        _ = FileManager.default.createFile(atPath: "\(dir)/unrelated", contents: Data(repeating: 7, count: 10))

        let report = FPGAReport.gather(ids: [], shmDirectory: dir)
        #expect(report.simulatorRings.map(\.path) == ["\(dir)/vega-fpga-garbage", path])
        let garbage = report.simulatorRings[0]
        #expect(!garbage.valid)
        #expect(garbage.error?.contains("bad magic") == true)
        let ring = report.simulatorRings[1]
        #expect(ring.valid)
        #expect(ring.slotCount == 64)
        #expect(ring.writeSequence == 3)
        #expect(ring.writerPID == UInt64(getpid()))
        #expect(ring.writerAlive == true)
        #expect((ring.heartbeatAgeNanoseconds ?? -1) >= 0)
    }
}
