import Foundation

/// A child process (a QuickFIX driver, dumpcap, tshark, vega itself) whose stdout and stderr lines
/// are collected as they come, so a test waits for a line (`LISTENING port=…`, `DONE …`) instead
/// of sleeping.
///
/// Lines: stdout lines as printed, stderr lines prefixed `STDERR `. A line ends at `\n`, at `\r`
/// (dumpcap rewrites its `Packets: N` count in place) or at `\r\n` (one end, not two); a last line
/// without an end is kept when its pipe closes.
///
/// Each pipe is drained by a thread of its own with blocking reads: no run loop is needed, a chatty
/// child can never fill a pipe while the test waits, and no cooperative thread is ever blocked.
/// Every wait here suspends (`Task.sleep`) between checks, so the Vega side of a test, on the same
/// small cooperative pool, keeps running. The child is sent SIGTERM if it is still running when
/// the object is released. Off the lane: allocates freely.
public final class ChildProcess: @unchecked Sendable {
    /// The Foundation process (for `isRunning`, `processIdentifier`).
    public let process = Process()
    /// The executable's file name, heading the transcript.
    public let name: String
    private let condition = NSCondition()
    private var collected: [String] = []
    private var partial: [String: [UInt8]] = [:]
    private var endedWithCR: [String: Bool] = [:]
    private var open = 2  // stdout and stderr

    /// Starts `executable` with `arguments` (stdin is /dev/null). Throws what `Process.run()`
    /// throws when it cannot be started (missing file, not executable).
    public init(_ executable: String, _ arguments: [String]) throws {
        name = URL(fileURLWithPath: executable).lastPathComponent
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        read(out.fileHandleForReading, prefix: "")
        read(err.fileHandleForReading, prefix: "STDERR ")
        try process.run()
    }

    deinit { if process.isRunning { process.terminate() } }

    private func read(_ handle: FileHandle, prefix: String) {
        let thread = Thread { [self] in
            while true {
                let data = handle.availableData
                condition.lock()
                if data.isEmpty {
                    if let rest = partial[prefix], !rest.isEmpty { collected.append(prefix + String(decoding: rest, as: UTF8.self)) }
                    open -= 1
                    condition.broadcast()
                    condition.unlock()
                    return
                }
                var buffer = partial[prefix] ?? []
                var afterCR = endedWithCR[prefix] ?? false
                for byte in data {
                    if byte == UInt8(ascii: "\n") && afterCR {
                        // The "\n" of a "\r\n": the line already ended at the "\r".
                        afterCR = false
                        continue
                    }
                    afterCR = byte == UInt8(ascii: "\r")
                    if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                        collected.append(prefix + String(decoding: buffer, as: UTF8.self))
                        buffer.removeAll(keepingCapacity: true)
                    } else {
                        buffer.append(byte)
                    }
                }
                partial[prefix] = buffer
                endedWithCR[prefix] = afterCR
                condition.broadcast()
                condition.unlock()
            }
        }
        thread.start()
    }

    /// Every line so far, in arrival order (stderr lines prefixed `STDERR `). A copy.
    public var lines: [String] {
        condition.lock()
        defer { condition.unlock() }
        return collected
    }

    private var pipesOpen: Bool {
        condition.lock()
        defer { condition.unlock() }
        return open > 0
    }

    /// Waits until `ready(lines)` holds, both pipes close, or `seconds` pass (a generous bound,
    /// not a timing check); returns `ready(lines)` at that point. Suspends ~2 ms between checks.
    @discardableResult
    public func wait(seconds: Double = 60, until ready: ([String]) -> Bool) async -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds)
        while !ready(lines) {
            if !pipesOpen || Date() > deadline { return ready(lines) }
            try? await Task.sleep(nanoseconds: 2_000_000)
        }
        return true
    }

    /// The first line starting with `prefix`, waiting for it as `wait` does; nil if none came.
    public func firstLine(startingWith prefix: String, seconds: Double = 60) async -> String? {
        await wait(seconds: seconds) { $0.contains { $0.hasPrefix(prefix) } }
        return lines.first { $0.hasPrefix(prefix) }
    }

    /// Waits for the process to end and both pipes to close; returns its exit status (the signal
    /// number if a signal ended it), or nil if it was still running after `seconds` (it is then
    /// sent SIGTERM).
    public func exitStatus(seconds: Double = 120) async -> Int32? {
        let deadline = Date(timeIntervalSinceNow: seconds)
        while pipesOpen || process.isRunning {
            if Date() > deadline {
                process.terminate()
                return nil
            }
            try? await Task.sleep(nanoseconds: 2_000_000)
        }
        return process.terminationStatus
    }

    /// SIGTERM (QuickFIX drivers log out and print DONE), then `exitStatus(seconds:)`.
    public func stop(seconds: Double = 60) async -> Int32? {
        if process.isRunning { process.terminate() }
        return await exitStatus(seconds: seconds)
    }

    /// The output headed by the executable's name, for a failure message.
    public var transcript: String { "--- \(name) ---\n" + lines.joined(separator: "\n") }

    /// The path of an installed tool (`tshark`, `dumpcap`, `python3`) in /usr/bin, /usr/sbin or
    /// /usr/local/bin, or nil when none is executable: tests print SKIP then.
    public static func tool(_ name: String) -> String? {
        ["/usr/bin", "/usr/sbin", "/usr/local/bin"].map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs `executable` to completion (bound: `exitStatus()`'s 120 s, status -1 past it) and
    /// returns its status, its stdout lines and its stderr lines joined by `\n` (prefix kept).
    public static func run(_ executable: String, _ arguments: [String]) async throws -> (status: Int32, lines: [String], stderr: String) {
        let p = try ChildProcess(executable, arguments)
        let status = await p.exitStatus() ?? -1
        let all = p.lines
        return (status, all.filter { !$0.hasPrefix("STDERR ") }, all.filter { $0.hasPrefix("STDERR ") }.joined(separator: "\n"))
    }
}
