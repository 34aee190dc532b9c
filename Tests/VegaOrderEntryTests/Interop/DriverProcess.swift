import Foundation

/// A child process (a QuickFIX driver) whose stdout and stderr lines are collected as they come,
/// so a test can wait for a line (`LISTENING port=…`, `DONE …`) instead of sleeping.
final class DriverProcess: @unchecked Sendable {
    let process = Process()
    let name: String
    private let condition = NSCondition()
    private var collected: [String] = []
    private var partial: [String: [UInt8]] = [:]
    private var open = 2  // stdout and stderr

    init(_ executable: String, _ arguments: [String]) throws {
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
        // A thread per pipe with blocking reads: no run loop needed, and a chatty child can never
        // fill a pipe while the test waits.
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
                for byte in data {
                    if byte == UInt8(ascii: "\n") {
                        collected.append(prefix + String(decoding: buffer, as: UTF8.self))
                        buffer.removeAll(keepingCapacity: true)
                    } else {
                        buffer.append(byte)
                    }
                }
                partial[prefix] = buffer
                condition.broadcast()
                condition.unlock()
            }
        }
        thread.start()
    }

    /// Every line so far (stderr lines prefixed `STDERR `).
    var lines: [String] {
        condition.lock()
        defer { condition.unlock() }
        return collected
    }

    private var pipesOpen: Bool {
        condition.lock()
        defer { condition.unlock() }
        return open > 0
    }

    /// Waits until `ready(lines)` holds or `seconds` pass (a generous bound, not a timing check).
    /// Suspends between checks rather than blocking: the Vega side of a test runs on the same
    /// small cooperative pool and must keep running while we wait for the child.
    @discardableResult
    func wait(seconds: Double = 60, until ready: ([String]) -> Bool) async -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds)
        while !ready(lines) {
            if !pipesOpen || Date() > deadline { return ready(lines) }
            try? await Task.sleep(nanoseconds: 2_000_000)
        }
        return true
    }

    /// The first line starting with `prefix`, waiting for it.
    func firstLine(startingWith prefix: String, seconds: Double = 60) async -> String? {
        await wait(seconds: seconds) { $0.contains { $0.hasPrefix(prefix) } }
        return lines.first { $0.hasPrefix(prefix) }
    }

    /// Waits for the process to end and both pipes to close; returns its exit status, or nil
    /// if it was still running after `seconds` (it is then killed).
    func exitStatus(seconds: Double = 120) async -> Int32? {
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

    /// SIGTERM (drivers log out and print DONE), then the exit status.
    func stop(seconds: Double = 60) async -> Int32? {
        if process.isRunning { process.terminate() }
        return await exitStatus(seconds: seconds)
    }

    /// The output, for a failure message.
    var transcript: String { "--- \(name) ---\n" + lines.joined(separator: "\n") }
}
