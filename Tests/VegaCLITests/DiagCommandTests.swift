import ArgumentParser
import Foundation
import Glibc
import Testing
@testable import VegaHardware
@testable import vega

@Suite("vega diag, run in process and as the built binary")
struct DiagCommandTests {
    func parse<T: ParsableCommandLike>(_ args: [String], as: T.Type) throws -> T {
        let command = try Vega.parseAsRoot(args)
        return try #require(command as? T, "\(args) parsed as \(type(of: command))")
    }

    @Test("diag --json prints one JSON object with the nine sections")
    func jsonHasNineSections() throws {
        let outcome = try parse(["diag", "--json", "--no-pmc"], as: DiagCommand.self).execute()
        #expect(outcome.exitCode == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(outcome.output.utf8)) as? [String: Any])
        #expect(Set(object.keys) == Set(HostReport.sectionKeys))
        let decoded = try JSONDecoder().decode(HostReport.self, from: Data(outcome.output.utf8))
        #expect(decoded.nics.contains { $0.name == "lo" })
    }

    @Test("diag prints every section, and says none for PTP clocks when there are none")
    func humanOutputHasSections() throws {
        let outcome = try parse(["diag", "--no-pmc"], as: DiagCommand.self).execute()
        for heading in ["CPU", "NUMA", "Hugepages", "NICs", "PTP clocks", "Backends", "FPGA", "PTP / time daemons", "IRQs of NIC queues"] {
            #expect(outcome.output.contains("\n\(heading)"), "missing section \(heading)")
        }
        if PHCClock.devices().isEmpty { #expect(outcome.output.contains("none (no /dev/ptp*)")) }
    }

    @Test("diag --profile colo exits 2 and lists each failed requirement on a host without a PTP clock")
    func coloProfileFails() throws {
        try #require(PHCClock.devices().isEmpty, "this test expects a host without /dev/ptp* (as the dev VMs are)")
        let outcome = try parse(["diag", "--profile", "colo", "--no-pmc"], as: DiagCommand.self).execute()
        #expect(outcome.exitCode == DiagCommand.profileFailureExitCode)
        let fails = outcome.output.split(separator: "\n").filter { $0.hasPrefix("  FAIL ") }
        #expect(fails.contains { $0.hasPrefix("  FAIL ptp-clock: no /dev/ptp*") && $0.contains(" — fix: ") })
        #expect(fails.count == outcome.report.profile?.failures)
    }

    @Test("diag --profile laptop reports the same checks as warnings and exits 0")
    func laptopProfileWarns() throws {
        let outcome = try parse(["diag", "--profile", "laptop", "--json", "--no-pmc"], as: DiagCommand.self).execute()
        #expect(outcome.exitCode == 0)
        let profile = try #require(outcome.report.profile)
        #expect(profile.failures == 0)
        #expect(profile.results.count == ProfileEvaluation.requirements.count)
    }

    @Test("bad --profile and --fpga-id values are refused with what was expected")
    func badArgumentsAreRefused() {
        #expect(throws: (any Error).self) { try Vega.parseAsRoot(["diag", "--profile", "prod"]) }
        #expect(throws: (any Error).self) { try Vega.parseAsRoot(["diag", "--fpga-id", "10ee"]) }
        #expect(throws: (any Error).self) { try Vega.parseAsRoot(["diag", "timestamps", "--interface", "lo", "--count", "0"]) }
    }

    @Test("diag timestamps --interface lo --count 50 gets software RX and TX stamps with non-negative deltas")
    func timestampsOnLoopback() throws {
        let outcome = try parse(["diag", "timestamps", "--interface", "lo", "--count", "50", "--json"], as: DiagTimestampsCommand.self).execute()
        let r = outcome.report
        #expect(r.requested == 50 && r.packets.count == 50)
        #expect(r.received == 50)
        #expect(r.softwareTimestamping)
        #expect(!r.hardwareTimestamping)
        #expect(r.hardwareUnavailableReason?.hasPrefix("unavailable on lo") == true)
        #expect(r.rxSoftwareStamps == 50)
        #expect(r.txStampsMatched == 50)
        for p in r.packets {
            #expect((p.txToRxSoftwareNanoseconds ?? -1) >= 0, "packet \(p.id)")
            #expect((p.rxSoftwareToUserNanoseconds ?? -1) >= 0, "packet \(p.id)")
        }
        let s = try #require(r.txToRxSoftware)
        #expect(s.samples == 50 && s.minNanoseconds <= s.p50Nanoseconds && s.p50Nanoseconds <= s.p99Nanoseconds && s.p99Nanoseconds <= s.maxNanoseconds)
        #expect(Set(r.packets.map(\.id)).count == 50)
        // The JSON printed is the same report.
        #expect(try JSONDecoder().decode(TimestampProbe.Report.self, from: Data(outcome.output.utf8)) == r)
    }

    @Test("the built vega binary exits 2 on --profile colo and prints FAIL lines")
    func builtBinaryExitCode() throws {
        try #require(PHCClock.devices().isEmpty, "this test expects a host without /dev/ptp*")
        let path = try builtVegaBinary()
        let r = Subprocess.run(path, ["diag", "--profile", "colo", "--no-pmc"], timeoutMilliseconds: 60_000)
        #expect(r.exitStatus == 2)
        #expect(r.output.contains("\n  FAIL ptp-clock: "))
    }
}

/// What `parse(_:as:)` accepts: the diag commands.
protocol ParsableCommandLike {}
extension DiagCommand: ParsableCommandLike {}
extension DiagTimestampsCommand: ParsableCommandLike {}

/// The `vega` executable SwiftPM built beside this test runner (commands that start `vega`
/// child processes must run as that binary, not in-process in the test runner).
func builtVegaBinary() throws -> String {
    let exe = try #require(HostProbe.realPath("/proc/self/exe"))
    let dir = exe.split(separator: "/").dropLast().joined(separator: "/")
    let candidates = ["/\(dir)/vega", "/\(dir.split(separator: "/").dropLast().joined(separator: "/"))/vega"]
    return try #require(candidates.first { access($0, X_OK) == 0 }, "no vega binary near \(exe)")
}
