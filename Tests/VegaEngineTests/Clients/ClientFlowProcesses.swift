import Foundation
import Testing

/// A child process (qf-initiator) whose stdout and stderr lines are collected as they come, so a
/// test waits for a line instead of sleeping (VegaVenueTests' helper, renamed for this target).
final class CFTProcess: @unchecked Sendable {
    let process = Process()
    let name: String
    private let condition = NSCondition()
    private var collected: [String] = []
    private var partial: [String: [UInt8]] = [:]
    private var open = 2

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
        // A thread per pipe with blocking reads: a chatty child can never fill a pipe.
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
                    // "\r" ends a line too: dumpcap rewrites its "Packets: N" count in place.
                    if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
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

    /// Waits (suspending, so the service's tasks keep running) until `ready(lines)` or `seconds`.
    @discardableResult
    func wait(seconds: Double = 60, until ready: ([String]) -> Bool) async -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds)
        while !ready(lines) {
            if !pipesOpen || Date() > deadline { return ready(lines) }
            try? await Task.sleep(nanoseconds: 2_000_000)
        }
        return true
    }

    /// Waits for the end of the process and its pipes; nil (and killed) after `seconds`.
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

    /// SIGTERM, then the exit status.
    func stop(seconds: Double = 60) async -> Int32? {
        if process.isRunning { process.terminate() }
        return await exitStatus(seconds: seconds)
    }

    var transcript: String { "--- \(name) ---\n" + lines.joined(separator: "\n") }

    static func tool(_ name: String) -> String? {
        ["/usr/bin", "/usr/sbin", "/usr/local/bin"].map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs to completion and returns (status, stdout lines, stderr text).
    static func run(_ executable: String, _ arguments: [String]) async throws -> (status: Int32, lines: [String], stderr: String) {
        let p = try CFTProcess(executable, arguments)
        let status = await p.exitStatus() ?? -1
        let all = p.lines
        return (status, all.filter { !$0.hasPrefix("STDERR ") }, all.filter { $0.hasPrefix("STDERR ") }.joined(separator: "\n"))
    }
}

/// The QuickFIX drivers of Tests/QuickFIX, built by Tests/QuickFIX/build.sh (into the same
/// directory the order-entry interop tests use; the script locks it).
enum CFTQuickFIX {
    static let sourceDirectory: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("QuickFIX").path
    }()

    enum Outcome: Sendable {
        case built(String)
        case absent(String)
        case failed(String)
    }

    static let outcome: Outcome = {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("vega-quickfix-\(getuid())").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = [sourceDirectory + "/build.sh", out]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        p.standardInput = FileHandle.nullDevice
        do { try p.run() } catch { return .failed("cannot run build.sh: \(error)") }
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        switch p.terminationStatus {
        case 0: return .built(out + "/qf-initiator")
        case 3: return .absent(text.trimmingCharacters(in: .whitespacesAndNewlines))
        default: return .failed(text)
        }
    }()

    struct BuildFailure: Error, CustomStringConvertible { var description: String }

    /// qf-initiator's path, or nil after printing `SKIP <test>: …` when libquickfix-dev is absent.
    static func initiator(for test: String) throws -> String? {
        switch outcome {
        case .built(let path): return path
        case .absent(let why):
            print("SKIP \(test): \(why)")
            return nil
        case .failed(let output): throw BuildFailure(description: "Tests/QuickFIX/build.sh failed:\n\(output)")
        }
    }

    /// A QuickFIX initiator session to 127.0.0.1:`port` validating with Tests/QuickFIX/FIX44-Vega.xml.
    static func initiatorConfig(sender: String, target: String, port: Int, store: String) -> String {
        """
        [DEFAULT]
        ConnectionType=initiator
        SocketConnectHost=127.0.0.1
        SocketConnectPort=\(port)
        ReconnectInterval=1
        FileStorePath=\(store)
        StartTime=00:00:00
        EndTime=00:00:00
        HeartBtInt=30
        SocketNodelay=Y
        ResetOnLogon=N
        UseDataDictionary=Y
        DataDictionary=\(sourceDirectory)/FIX44-Vega.xml
        ValidateUserDefinedFields=Y
        [SESSION]
        BeginString=FIX.4.4
        SenderCompID=\(sender)
        TargetCompID=\(target)

        """
    }
}

/// One message as a QuickFIX driver printed it: `KIND 8=FIX.4.4|9=…|35=8|…|`.
struct CFTPrintedFIX: CustomStringConvertible {
    var kind: String
    var fields: [(tag: Int, value: String)]
    var text: String

    init?(line: String) {
        guard let space = line.firstIndex(of: " ") else { return nil }
        kind = String(line[..<space])
        guard ["SENT", "RECV", "ADMIN-IN", "ADMIN-OUT"].contains(kind) else { return nil }
        text = String(line[line.index(after: space)...])
        var fields: [(Int, String)] = []
        for part in text.split(separator: "|") {
            guard let eq = part.firstIndex(of: "="), let tag = Int(part[..<eq]) else { return nil }
            fields.append((tag, String(part[part.index(after: eq)...])))
        }
        self.fields = fields
    }

    subscript(tag: Int) -> String? { fields.first { $0.tag == tag }?.value }
    var msgType: String { self[35] ?? "" }
    var description: String { "\(kind) \(text)" }
    /// `tag=value` of the given tags (`-` when absent).
    func pick(_ tags: [Int]) -> String { tags.map { "\($0)=\(self[$0] ?? "-")" }.joined(separator: " ") }

    static func all(_ lines: [String], kind: String) -> [CFTPrintedFIX] {
        lines.compactMap(CFTPrintedFIX.init(line:)).filter { $0.kind == kind }
    }
}
