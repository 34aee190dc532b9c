import Foundation
import Testing
import VegaTestSupport

/// VegaTestSupport's ChildProcess splits a child's output into the lines the interop tests wait
/// on: `\n`, `\r` (dumpcap's in-place packet count) and `\r\n` each end one line, stderr lines
/// carry their prefix, and a last line without an end is kept.
@Suite("ChildProcess output lines", .serialized)
struct ChildProcessLineTests {
    @Test("LF, CR and CRLF each end one line; stderr lines are prefixed; an unterminated last line is kept")
    func lineEnds() async throws {
        let child = try ChildProcess("/bin/sh", ["-c", #"printf 'a\nb\rc\r\nd\r'; printf 'e\r\n' >&2; printf 'f'"#])
        #expect(await child.exitStatus() == 0)
        let lines = child.lines
        #expect(lines.filter { !$0.hasPrefix("STDERR ") } == ["a", "b", "c", "d", "f"], "\(child.transcript)")
        #expect(lines.filter { $0.hasPrefix("STDERR ") } == ["STDERR e"], "\(child.transcript)")
    }

    @Test("a CRLF split across two writes still ends one line")
    func crlfAcrossReads() async throws {
        let child = try ChildProcess("/bin/sh", ["-c", #"printf 'x\r'; sleep 0.2; printf '\ny\n'"#])
        #expect(await child.exitStatus() == 0)
        #expect(child.lines == ["x", "y"], "\(child.transcript)")
    }

    @Test("firstLine finds a line, and gives nil without waiting out its bound once the pipes close; run separates stdout from stderr")
    func waitAndRun() async throws {
        let child = try ChildProcess("/bin/sh", ["-c", "echo READY port=7; sleep 1; echo DONE"])
        #expect(await child.firstLine(startingWith: "READY ", seconds: 60) == "READY port=7")
        #expect(await child.exitStatus() == 0)
        #expect(child.lines == ["READY port=7", "DONE"])
        #expect(await child.firstLine(startingWith: "NEVER") == nil, "the pipes are closed: no wait for the bound")
        let run = try await ChildProcess.run("/bin/sh", ["-c", "echo out; echo err >&2; exit 3"])
        #expect(run.status == 3 && run.lines == ["out"] && run.stderr == "STDERR err")
    }
}
