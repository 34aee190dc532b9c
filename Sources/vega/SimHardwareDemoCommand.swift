import ArgumentParser
import Foundation
import Glibc
import VegaCore
import VegaHardware
import VegaHardwareSim

/// `vega sim hardware-demo`: the hardware layer on HardwareSim — the host report, the FPGA event
/// ring fed by the HardwareSim FPGA simulator from a second process, and timestamped UDP over
/// loopback. (It was `vega demo` until the trading demo took that name.)
struct SimHardwareDemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hardware-demo",
        abstract: "Run Vega on HardwareSim: host report, FPGA event ring across processes, timestamped UDP.",
        discussion: """
            1. Host: the `vega diag` report of this machine.
            2. FPGA event ring: starts `vega sim fpga` as a second process writing EVENTS decoded L2
               events at RATE/s into a shared-memory ring laid out exactly as the FPGA's DMA ring, and
               reads them here with the same reader the live card uses (MappedEventRing). Every event
               is checked against the simulator's seed (no torn or misplaced reads), losses from being
               lapped are counted, and the hand-off latency is measured: CLOCK_TAI when read minus the
               event's hardware timestamp (CLOCK_TAI when written).
            3. Timestamped UDP: UDP-COUNT packets over loopback with kernel software RX/TX timestamps
               (SO_TIMESTAMPING), TX stamps matched by OPT_ID, and the kernel-path deltas.
            Exits non-zero if the ring stream fails verification or the UDP exchange loses stamps.
            """)

    @Option(help: "FPGA ring events to stream.")
    var events: UInt64 = 500_000

    @Option(help: "FPGA ring events per second (0: as fast as possible).")
    var rate: Double = 250_000

    @Option(help: "Seed of the simulated feed.")
    var seed: UInt64 = 7

    @Option(help: "UDP packets to send over loopback.")
    var udpCount: Int = 2_000

    @Flag(help: "Skip the host report.")
    var noDiag = false

    func validate() throws {
        // Every event is kept for verification after the stream: 56 bytes each.
        guard (1...10_000_000).contains(events) else { throw ValidationError("--events must be 1…10000000") }
        guard rate >= 0, rate.isFinite else { throw ValidationError("--rate must be ≥ 0 events/s") }
        guard (1...1_000_000).contains(udpCount) else { throw ValidationError("--udp-count must be 1…1000000") }
    }

    func run() throws {
        var failed = false
        if !noDiag {
            section("1/3 Host (vega diag)")
            print(DiagText.render(HostReport.gather(.init(queryPMC: false))))
        }
        section("2/3 FPGA event ring: HardwareSim FPGA simulator → shared memory → MappedEventRing")
        let ring = try streamRing()
        print(ring.lines.joined(separator: "\n"))
        failed = failed || !ring.ok
        section("3/3 Timestamped UDP over loopback (SO_TIMESTAMPING)")
        let probe = try TimestampProbe.run(.init(interface: "lo", count: udpCount))
        print(DiagText.render(probe, perPacket: false))
        let udpOK = probe.packets.allSatisfy { $0.received && $0.rxSoftwareNanoseconds != nil }
        failed = failed || !udpOK
        print("")
        print("demo: fpga_events=\(ring.read) fpga_lost=\(ring.lost) fpga_mismatched=\(ring.mismatched)"
            + " fpga_p50_ns=\(ring.latency?.p50Nanoseconds ?? -1) fpga_p99_ns=\(ring.latency?.p99Nanoseconds ?? -1)"
            + " udp_packets=\(probe.packets.filter(\.received).count) udp_p50_ns=\(probe.txToRxSoftware?.p50Nanoseconds ?? -1)"
            + (failed ? " result=FAIL" : " result=ok"))
        if failed { throw ExitCode.failure }
    }

    private func section(_ title: String) {
        print("\n== \(title)\n")
    }

    struct RingOutcome {
        var read: UInt64 = 0
        var lost: UInt64 = 0
        var mismatched: UInt64 = 0
        var latency: TimestampProbe.Stats?
        var lines: [String] = []
        var ok: Bool { read > 0 && mismatched == 0 }
    }

    /// Runs the simulator in a child process and reads its ring here, verifying and timing
    /// every event.
    private func streamRing() throws -> RingOutcome {
        var out = RingOutcome()
        let path = "/dev/shm/vega-fpga-demo-\(getpid())"
        defer { unlink(path) }
        guard let exe = Sysfs.link("/proc/self/exe") else { throw ValidationError("cannot find this executable (/proc/self/exe)") }
        let child = Process()
        child.executableURL = URL(fileURLWithPath: exe)
        child.arguments = ["sim", "fpga", "--ring", path, "--events", String(events), "--rate", String(rate),
                           "--seed", String(seed), "--stamping", "real-clock"]
        let childOutput = Pipe()
        child.standardOutput = childOutput
        child.standardError = childOutput
        try child.run()
        out.lines.append("  writer: pid \(child.processIdentifier), `vega sim fpga --ring \(path) --events \(events) --rate \(Int(rate)) --seed \(seed) --stamping real-clock`")

        // The ring exists once the child has formatted it: wait for a valid header (bounded).
        var opened: MappedEventRing?
        let openDeadline = Timestamp<Monotonic>.now().nanoseconds + 10_000_000_000
        while opened == nil {
            if let r = try? MappedEventRing(source: .file(path: path), fromStart: true) {
                opened = consume r
            } else if !child.isRunning || Timestamp<Monotonic>.now().nanoseconds > openDeadline {
                child.waitUntilExit()
                let text = String(decoding: childOutput.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                throw ValidationError("the FPGA simulator never produced a ring at \(path): \(text)")
            } else {
                usleep(1000)
            }
        }
        var reader = opened.take()!
        out.lines.append("  reader: MappedEventRing(file \(path)), \(reader.slotCount) slots of 64 bytes")

        // The read loop only polls, stamps and stores: verification against the seed happens after
        // the stream, so the latency measured is the ring's hand-off, not this demo's checking.
        let received = UnsafeMutableBufferPointer<FPGAEvent>.allocate(capacity: Int(events))
        defer { received.deallocate() }
        var latencies = [Int64](repeating: 0, count: Int(events))
        var lostBefore = [UInt64](repeating: 0, count: Int(events))   // events lost just before event i
        let start = Timestamp<Monotonic>.now().nanoseconds
        var lastProgress = start
        var idleSince: UInt64? = nil
        let isTTY = isatty(STDOUT_FILENO) == 1
        var pendingLoss: UInt64 = 0
        while out.read + out.lost < events {
            let base = Int(out.read)
            let room = min(64, Int(events) - base)
            let p = reader.poll(into: UnsafeMutableBufferPointer(rebasing: received[base..<(base + room)]))
            let now = SystemClock.read(CLOCK_TAI)
            out.lost += p.lost
            pendingLoss += p.lost
            for i in base..<(base + p.count) {
                latencies[i] = Int64(bitPattern: now &- received[i].hardwareTimestamp.nanoseconds)
                lostBefore[i] = pendingLoss
                pendingLoss = 0
            }
            out.read += UInt64(p.count)
            let mono = Timestamp<Monotonic>.now().nanoseconds
            if p.count == 0 {
                if idleSince == nil { idleSince = mono }
                // The writer has exited and nothing more arrives: stop (bounded), reporting what is missing.
                if !child.isRunning, let idle = idleSince, mono - idle > 200_000_000 { break }
            } else {
                idleSince = nil
            }
            if mono - lastProgress > 500_000_000 {
                lastProgress = mono
                let line = "  … \(out.read)/\(events) events read, \(out.lost) lost"
                if isTTY { print("\u{1B}[2K\r" + line, terminator: "") } else { print(line) }
                fflush(nil)
            }
        }
        var expected = FPGASimulator.ExpectedEvents(
            .init(ringPath: path, events: events, rate: rate, seed: seed, stamping: .realClock))
        var kinds = [UInt64](repeating: 0, count: 256)
        for i in 0..<Int(out.read) {
            for _ in 0..<lostBefore[i] { _ = expected.next() }
            // Real-clock stamping replaces the two timestamps; every other field comes from the seed.
            if !received[i].matchesIgnoringTimestamps(expected.next()) { out.mismatched += 1 }
            kinds[Int(received[i].kind?.rawValue ?? 255)] += 1
        }
        latencies.removeLast(latencies.count - Int(out.read))
        if isTTY { print("\u{1B}[2K\r", terminator: "") }
        child.waitUntilExit()
        let elapsed = Double(Timestamp<Monotonic>.now().nanoseconds - start) / 1e9
        let childText = String(decoding: childOutput.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        out.latency = TimestampProbe.Stats(latencies)
        out.lines.append("  writer said: \(childText)")
        out.lines.append("  read \(out.read) events in \(String(format: "%.2f", elapsed)) s, lost \(out.lost) to laps, "
            + "\(out.mismatched) differ from the seed's stream, \(events - out.read - out.lost) never arrived")
        out.lines.append("  by kind: " + kinds.indices.filter { kinds[$0] > 0 }.map { t in
            "\(FPGAEvent.Kind(rawValue: UInt8(t)).map { "\($0)" } ?? "unknown(\(t))") \(kinds[t])"
        }.joined(separator: ", "))
        if let l = out.latency {
            out.lines.append("  hand-off latency (CLOCK_TAI at read − hardware stamp at write, across processes):")
            out.lines.append("    p50 \(l.p50Nanoseconds) ns   p99 \(l.p99Nanoseconds) ns   p99.9 \(l.p999Nanoseconds) ns   max \(l.maxNanoseconds) ns   (\(l.samples) events)")
        }
        return out
    }
}
