import ArgumentParser
import Foundation
import VegaCore
import VegaHardware
import VegaMarketData

/// `vega capture`: record a market-data feed to a pcap file, as the feed handler receives it.
struct CaptureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capture",
        abstract: "Record a UDP market-data feed (e.g. MoldUDP64 multicast) to a pcap file with nanosecond stamps.",
        discussion: """
            Joins GROUP (or binds the unicast port) with the same socket queue the feed handler uses
            (SO_TIMESTAMPING on), and writes every datagram to OUT as an Ethernet/IPv4/UDP packet with
            nanosecond timestamps: the NIC hardware stamp when the NIC gave one, else the kernel's
            software stamp. Wireshark/tshark read the file (tshark -d udp.port==PORT,moldudp64);
            `vega replay --pcap OUT` drives the books from it.

            Stops after --packets datagrams or --seconds seconds, whichever comes first, and prints
            progress once a second.

            Example: vega capture --group 239.1.1.1:26400 --interface eth2 --out feed-a.pcap --seconds 60
            """)

    @Option(help: "Multicast group and port to join (e.g. 239.1.1.1:26400).")
    var group: String?

    @Option(help: "Unicast address and port to bind instead of a group (e.g. 127.0.0.1:26400).")
    var bind: String?

    @Option(help: "Interface to receive on and join through (e.g. eth2, lo).")
    var interface: String?

    @Option(help: "The pcap file to write.")
    var out: String

    @Option(help: "Stop after this many datagrams (0: no limit).")
    var packets: Int = 0

    @Option(help: "Stop after this many seconds.")
    var seconds: Double = 10

    @Option(help: "Timestamps to ask for: software, or hardware (changes the NIC's stamping config).")
    var timestamping: TimestampingMode = .software

    func validate() throws {
        guard (group == nil) != (bind == nil) else { throw ValidationError("give exactly one of --group or --bind") }
        guard seconds > 0, seconds.isFinite else { throw ValidationError("--seconds must be > 0") }
        guard packets >= 0 else { throw ValidationError("--packets must be ≥ 0") }
    }

    func run() throws {
        do {
            let groupEndpoint = try group.map { try IPv4Endpoint($0) }
            let bindEndpoint = try bind.map { try IPv4Endpoint($0) }
            let local = bindEndpoint ?? IPv4Endpoint(addressBE: 0, port: groupEndpoint!.port)
            var queue = try UDPSocketQueue(.init(
                bind: local, multicastGroup: groupEndpoint, interface: interface, timestamping: timestamping,
                receiveBufferBytes: 8 << 20))
            var tap = try CaptureTap(path: out, .init(destination: groupEndpoint ?? local))
            var batch = try RxBatch(capacity: 64, slotSize: 2048)
            print("capturing \(queue.info) → \(out)")
            let start = Timestamp<Monotonic>.now().nanoseconds
            let deadline = start + UInt64(seconds * 1e9)
            var lastReport = start
            var total = 0
            while true {
                let now = Timestamp<Monotonic>.now().nanoseconds
                if now >= deadline || (packets > 0 && total >= packets) { break }
                let n = try queue.receive(into: &batch)
                if n > 0 {
                    let keep = packets > 0 ? min(n, packets - total) : n
                    for i in 0..<keep { try tap.record(batch[i]) }
                    total += keep
                } else {
                    usleep(200)
                }
                if now - lastReport >= 1_000_000_000 {
                    lastReport = now
                    print("  \(total) datagrams, \(Int(Double(now - start) / 1e9)) s")
                }
            }
            let counters = try tap.finish()
            print("wrote \(total) datagrams to \(out) (\(counters))")
        } catch let e as HardwareError {
            FileHandle.standardError.write(Data("vega capture: \(e)\n".utf8))
            throw ExitCode.failure
        } catch {
            FileHandle.standardError.write(Data("vega capture: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}

extension TimestampingMode: ExpressibleByArgument {}
