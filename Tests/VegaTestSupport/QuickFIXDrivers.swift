import Foundation

/// The QuickFIX drivers of Tests/QuickFIX (qf-initiator, qf-acceptor), built once per test
/// process by Tests/QuickFIX/build.sh against Debian's libquickfix-dev, into
/// `$TMPDIR/vega-quickfix-<uid>` (the script locks that directory, so parallel test processes
/// never compile into the same files).
///
/// `available(for:)` is the only way a test gets them: it returns nil, after printing a SKIP line
/// naming the test, only when libquickfix-dev is not installed. A compile failure is not a skip:
/// it is thrown (`QuickFIXDrivers.BuildFailure`) and so recorded as the test's failure.
public struct QuickFIXDrivers: Sendable {
    /// The directory holding the built drivers.
    public let directory: String
    /// The path of qf-initiator.
    public var initiator: String { directory + "/qf-initiator" }
    /// The path of qf-acceptor.
    public var acceptor: String { directory + "/qf-acceptor" }

    /// Tests/QuickFIX in this checkout.
    public static let sourceDirectory: String = {
        // This file is Tests/VegaTestSupport/QuickFIXDrivers.swift.
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("QuickFIX").path
    }()

    /// The FIX 4.4 data dictionary QuickFIX validates every message against (Tests/QuickFIX/FIX44-Vega.xml).
    public static var dictionary: String { sourceDirectory + "/FIX44-Vega.xml" }

    /// build.sh failed for another reason than a missing libquickfix-dev; `output` is what it printed.
    public struct BuildFailure: Error, CustomStringConvertible {
        public var output: String
        public var description: String { "Tests/QuickFIX/build.sh failed:\n\(output)" }
    }

    /// What build.sh made of this machine.
    public enum Outcome: Sendable {
        /// Built (or up to date).
        case built(QuickFIXDrivers)
        /// libquickfix-dev is not installed: the reason build.sh printed.
        case absent(String)
        /// It did not build: build.sh's output.
        case failed(String)
    }

    /// Bounds build.sh, which may wait on another process's build (its lock) on a loaded machine.
    static let buildSeconds: Double = 1_800

    /// Started on first use, once per process; every caller awaits the same build.
    private static let building = Task<Outcome, Never> { await build() }

    /// The outcome of the one build of this process, awaiting it (suspends; no thread blocks).
    public static var outcome: Outcome {
        get async { await building.value }
    }

    private static func build() async -> Outcome {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("vega-quickfix-\(getuid())").path
        let script: ChildProcess
        do {
            script = try ChildProcess("/bin/bash", [sourceDirectory + "/build.sh", out])
        } catch {
            return .failed("cannot run build.sh: \(error)")
        }
        let status = await script.exitStatus(seconds: buildSeconds)
        // stdout and stderr together, as the script printed them.
        let text = script.lines.map { $0.hasPrefix("STDERR ") ? String($0.dropFirst("STDERR ".count)) : $0 }
            .joined(separator: "\n")
        switch status {
        case 0: return .built(QuickFIXDrivers(directory: out))
        case 3: return .absent(text.trimmingCharacters(in: .whitespacesAndNewlines))
        case nil: return .failed("build.sh was still running after \(Int(buildSeconds)) s (stopped):\n\(text)")
        default: return .failed(text)
        }
    }

    /// The drivers, or nil after printing `SKIP <test>: …` when libquickfix-dev is absent.
    /// Throws `BuildFailure` when they exist but do not build. The first call of the process
    /// waits for the build (seconds to minutes); later calls return at once.
    public static func available(for test: String) async throws -> QuickFIXDrivers? {
        switch await outcome {
        case .built(let drivers): return drivers
        case .absent(let why):
            print("SKIP \(test): \(why)")
            return nil
        case .failed(let output): throw BuildFailure(output: output)
        }
    }
}
