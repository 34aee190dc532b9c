// ring-peer: the second process of the cross-process ring benchmarks.
//
//   ring-peer <swift|c> <echo|sink> <region file> <capacity> <cpu>
//
// Maps the region the benchmark created, attaches to its rings (checking their headers),
// pins itself to <cpu>, signals ready and runs the peer loop until the benchmark sets stop.
#if canImport(Glibc)
import Glibc
#endif
import CSPSCBaseline
import RingBenchSupport
import VegaCore

func fail(_ message: String) -> Never {
    let line = "ring-peer: \(message)\n"
    _ = line.withCString { write(2, $0, strlen($0)) }
    exit(2)
}

let arguments = CommandLine.arguments
guard arguments.count == 6,
    let implementation = RingImplementation(rawValue: arguments[1]),
    let mode = PeerMode(rawValue: arguments[2]),
    let capacity = Int(arguments[4]),
    let cpu = Int32(arguments[5])
else {
    fail("usage: ring-peer <swift|c> <echo|sink> <region file> <capacity> <cpu>")
}
_ = vega_bench_die_with_parent()
let path = arguments[3]
let byteCount = FixtureLayout.byteCount(capacity: capacity)
let fd = open(path, O_RDWR)
if fd < 0 { fail("open \(path): \(String(cString: strerror(errno)))") }
guard let region = mmap(nil, byteCount, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), region != MAP_FAILED else {
    fail("mmap \(path): \(String(cString: strerror(errno)))")
}
close(fd)
if vega_bench_cpu_count() > 1 { _ = vega_bench_pin_thread(cpu) }
let control = FixtureControl(region: region, capacity: capacity)
control.bindControl()
let rings: SwiftRingPair?
do {
    rings = implementation == .swift ? try SwiftRingPair(control: control, initialize: false) : nil
} catch {
    fail("attach: \(error)")
}
runPeer(implementation: implementation, mode: mode, control: control, swiftRings: rings)
munmap(region, byteCount)
