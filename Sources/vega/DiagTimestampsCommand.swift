import ArgumentParser
import Foundation
import VegaHardware

/// `vega diag timestamps`: send UDP packets to ourselves over one interface and report the
/// timestamp deltas along the path.
struct DiagTimestampsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "timestamps",
        abstract: "Send test UDP packets to this host over an interface and report the timestamp deltas.",
        discussion: """
            Binds a receiver to the interface's IPv4 address (127.0.0.1 for lo) and sends COUNT packets
            to it from a second socket on the same interface, with SO_TIMESTAMPING. For every packet:
              TX sw → RX sw      kernel software TX stamp to kernel software RX stamp (the kernel path)
              RX sw → user       kernel RX stamp to CLOCK_REALTIME read right after the receive returned
              TX hw → RX hw      NIC stamps (PHC time), only with --hardware on a NIC that has them
            TX stamps come from the socket's error queue and are matched to their send by OPT_ID.
            Reports each packet and p50 / p99 / max. One warm-up packet is sent first and not counted.
            Without --hardware nothing on the host is changed.
            """)

    @Option(help: "The interface to send over (lo, eth0, …).")
    var interface: String

    @Option(help: "How many packets to send.")
    var count: Int = 100

    @Option(help: "Receiver UDP port (0: any free port).")
    var port: UInt16 = 0

    @Flag(help: "Also ask for NIC hardware stamps. Runs SIOCSHWTSTAMP (tx on, rx filter all) on the interface, which changes the stamping configuration ptp4l relies on.")
    var hardware = false

    @OptionGroup var output: DiagOutputOptions
    var json: Bool { output.json }

    @Flag(help: "Omit the per-packet lines from the human output.")
    var summaryOnly = false

    func validate() throws {
        guard (1...1_000_000).contains(count) else { throw ValidationError("--count must be 1…1000000, not \(count)") }
    }

    struct Outcome {
        var output: String
        var report: TimestampProbe.Report
    }

    func execute() throws -> Outcome {
        let report = try TimestampProbe.run(.init(interface: interface, count: count, port: port, hardware: hardware))
        let output = json ? try DiagCommand.encode(report) + "\n" : DiagText.render(report, perPacket: !summaryOnly)
        return Outcome(output: output, report: report)
    }

    func run() throws {
        do {
            let outcome = try execute()
            FileHandle.standardOutput.write(Data(outcome.output.utf8))
        } catch let e as HardwareSetupError {
            FileHandle.standardError.write(Data("vega diag timestamps: \(e)\n".utf8))
            throw ExitCode.failure
        }
    }
}
