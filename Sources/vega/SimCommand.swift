import ArgumentParser
import Foundation
import VegaHardware
import VegaHardwareSim

/// `vega sim`: HardwareSim's stand-ins for hardware that runs in its own process.
struct SimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Run HardwareSim devices as separate processes (for demos, tests and laptops).",
        subcommands: [SimFPGACommand.self, SimHardwareDemoCommand.self])
}

/// `vega sim fpga`: the FPGA feed handler, simulated. Writes decoded L2 events into the same
/// ring layout the real card DMA-writes into its BAR, so `MappedEventRing` reads either.
struct SimFPGACommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fpga",
        abstract: "Simulate the FPGA feed handler: write decoded market events into a shared-memory event ring.",
        discussion: """
            Creates RING (a file, normally under /dev/shm) laid out exactly as the FPGA's event ring
            (CShims/CVegaFPGA/include/vega_fpga_ring.h: a 4 KiB header, then 64-byte slots, each
            guarded by a sequence word), and writes EVENTS plausible L2 events (level set/delete,
            trades, status, clears) for a handful of instruments, at RATE events/s, with heartbeats in
            the header. The writer never waits for readers, as the hardware never does: a slow reader
            is lapped and told how many events it lost.

            With --stamping simulated (default) every event, timestamps included, is a pure function
            of --seed, so readers can verify the stream. With --stamping real-clock the hardware
            timestamp is CLOCK_TAI when written, so readers can measure the hand-off latency.

            Example: vega sim fpga --ring /dev/shm/vega-fpga-0 --events 1000000 --rate 500000
            and in another shell: vega diag   (lists the ring under "FPGA")
            """)

    @Option(help: "The ring file to create (e.g. /dev/shm/vega-fpga-0).")
    var ring: String

    @Option(help: "How many events to write before exiting.")
    var events: UInt64 = 1_000_000

    @Option(help: "Events per second; 0 writes as fast as possible.")
    var rate: Double = 100_000

    @Option(help: "Seed of the event generator.")
    var seed: UInt64 = 1

    @Option(help: "Ring slots (a power of two).")
    var slots: UInt64 = 65_536

    @Option(help: "Number of instruments the events are spread over.")
    var instruments: Int = 8

    @Option(help: "Hardware timestamps: simulated (reproducible) or real-clock (CLOCK_TAI, for latency).")
    var stamping: Stamping = .simulated

    @Flag(help: "Remove the ring file when done.")
    var removeWhenDone = false

    enum Stamping: String, ExpressibleByArgument, CaseIterable {
        case simulated
        case realClock = "real-clock"
    }

    var options: FPGASimulator.Options {
        FPGASimulator.Options(
            ringPath: ring, events: events, rate: rate, seed: seed, slotCount: slots, instruments: instruments,
            stamping: stamping == .simulated ? .simulated : .realClock)
    }

    func validate() throws {
        if let problem = options.problem { throw ValidationError(problem) }
    }

    func run() throws {
        defer { if removeWhenDone { unlink(ring) } }
        do {
            let summary = try FPGASimulator.run(options)
            let seconds = Double(summary.elapsedNanoseconds) / 1e9
            print("vega sim fpga: wrote \(summary.eventsWritten) events to \(ring) in \(String(format: "%.3f", seconds)) s"
                + " (\(Int(Double(summary.eventsWritten) / max(seconds, 1e-9))) events/s), \(summary.heartbeats) heartbeats")
        } catch {
            FileHandle.standardError.write(Data("vega sim fpga: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
