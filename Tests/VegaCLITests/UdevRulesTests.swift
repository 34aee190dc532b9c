// Runs the shell test of Vega's host scripts and udev rules (Scripts/test-scripts.sh) from
// `swift test`, so the README's one test command covers them too. The script changes nothing on
// the host; without root it skips the udev namespace tests itself and still tests the rest.
import Foundation
import Testing

@Suite struct UdevRulesTests {
    /// The repository root: this file is Tests/VegaCLITests/UdevRulesTests.swift.
    static let repoRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // VegaCLITests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // repository root

    @Test func hostScriptsAndUdevRulesPass() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["Scripts/test-scripts.sh"]
        process.currentDirectoryURL = Self.repoRoot
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        // Read before waiting: the script prints more than a pipe buffer holds.
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let output = String(decoding: data, as: UTF8.self)
        #expect(
            process.terminationReason == .exit && process.terminationStatus == 0,
            "Scripts/test-scripts.sh exited with \(process.terminationStatus):\n\(output)")
        // The script's last line is "<N> passed, <N> failed"; a run that passed nothing proves nothing.
        let last = output.split(separator: "\n").last.map(String.init) ?? ""
        #expect(last.hasSuffix(" passed, 0 failed") && !last.hasPrefix("0 passed"), "last line: \(last)")
    }
}
