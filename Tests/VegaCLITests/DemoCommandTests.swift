import CVegaFPGA
import Foundation
import Glibc
import Testing
@testable import VegaHardware
import VegaHardwareSim
@testable import vega

@Suite("vega sim fpga and vega sim hardware-demo, as the built binary")
struct DemoCommandTests {
    @Test("vega sim fpga writes exactly the seed's event stream into a valid ring file")
    func simFPGAWritesTheSeedsStream() throws {
        let path = "/dev/shm/vega-fpga-clitest-\(getpid())"
        defer { unlink(path) }
        let r = Subprocess.run(try builtVegaBinary(), ["sim", "fpga", "--ring", path, "--events", "5000", "--rate", "0",
                                                      "--seed", "11", "--slots", "8192"], timeoutMilliseconds: 60_000)
        #expect(r.exitStatus == 0, "\(r.output)")
        #expect(r.output.contains("wrote 5000 events"))
        var reader = try MappedEventRing(source: .file(path: path), fromStart: true)
        #expect(reader.writeSequence == 5000)
        var expected = FPGASimulator.ExpectedEvents(.init(ringPath: path, events: 5000, seed: 11, slotCount: 8192))
        let buffer = UnsafeMutableBufferPointer<FPGAEvent>.allocate(capacity: 5000)
        defer { buffer.deallocate() }
        let p = reader.poll(into: buffer)
        #expect(p.count == 5000 && p.lost == 0)
        var same = 0
        for i in 0..<p.count {
            let want = expected.next()
            if buffer[i].matchesIgnoringTimestamps(want) && buffer[i].hw_timestamp_ns == want.hw_timestamp_ns { same += 1 }
        }
        #expect(same == 5000, "simulated stamping makes every event, timestamps included, a function of the seed")
    }

    @Test("vega sim fpga refuses options it cannot run, saying why")
    func simFPGARefusesBadOptions() throws {
        let r = Subprocess.run(try builtVegaBinary(), ["sim", "fpga", "--ring", "/dev/shm/x", "--slots", "1000"], timeoutMilliseconds: 30_000)
        #expect(r.exitStatus != 0)
        #expect(r.output.contains("not a power of two"))
    }

    @Test("vega demo streams the FPGA ring across processes with nothing torn or missing, and stamps UDP")
    func demoRunsClean() throws {
        let r = Subprocess.run(try builtVegaBinary(), ["sim", "hardware-demo", "--no-diag", "--events", "20000", "--rate", "50000", "--udp-count", "200"],
                               timeoutMilliseconds: 120_000)
        #expect(r.exitStatus == 0, "\(r.output)")
        let last = try #require(r.output.split(separator: "\n").last { $0.hasPrefix("demo: ") })
        #expect(last.contains("fpga_mismatched=0"))
        #expect(last.contains("udp_packets=200"))
        #expect(last.hasSuffix("result=ok"))
        // Every event was read or counted lost: nothing silently missing.
        #expect(r.output.contains(", 0 never arrived"))
    }
}
