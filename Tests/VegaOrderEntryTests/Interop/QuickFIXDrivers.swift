import Foundation

/// The QuickFIX drivers of Tests/QuickFIX (qf-initiator, qf-acceptor), built once per test
/// process by Tests/QuickFIX/build.sh against Debian's libquickfix-dev.
///
/// `available(for:)` is the only way a test gets them: it returns nil, after printing a SKIP line
/// naming the test, only when libquickfix-dev is not installed. A compile failure is not a skip:
/// it is recorded as a failure by the caller (`QuickFIXDrivers.BuildFailure`).
struct QuickFIXDrivers: Sendable {
    let directory: String
    var initiator: String { directory + "/qf-initiator" }
    var acceptor: String { directory + "/qf-acceptor" }

    /// Tests/QuickFIX in this checkout.
    static let sourceDirectory: String = {
        // This file is Tests/VegaOrderEntryTests/Interop/QuickFIXDrivers.swift.
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("QuickFIX").path
    }()

    /// The FIX 4.4 data dictionary QuickFIX validates every message against.
    static var dictionary: String { sourceDirectory + "/FIX44-Vega.xml" }

    struct BuildFailure: Error, CustomStringConvertible {
        var output: String
        var description: String { "Tests/QuickFIX/build.sh failed:\n\(output)" }
    }

    enum Outcome: Sendable {
        case built(QuickFIXDrivers)
        case absent(String)
        case failed(String)
    }

    /// Built on first use, by one caller; the others wait for it (a `static let` initialiser).
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
        case 0: return .built(QuickFIXDrivers(directory: out))
        case 3: return .absent(text.trimmingCharacters(in: .whitespacesAndNewlines))
        default: return .failed(text)
        }
    }()

    /// The drivers, or nil after printing `SKIP <test>: …` when libquickfix-dev is absent.
    /// Throws when they exist but do not build.
    static func available(for test: String) throws -> QuickFIXDrivers? {
        switch outcome {
        case .built(let d): return d
        case .absent(let why):
            print("SKIP \(test): \(why)")
            return nil
        case .failed(let output): throw BuildFailure(output: output)
        }
    }
}

/// A scratch directory for one test (configs, scripts, message stores); the test removes it
/// with `defer { dir.remove() }` (explicitly: a deinit could run before the processes using it end).
struct ScratchDirectory: Sendable {
    let path: String
    init(_ name: String) throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("vega-\(name)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `text` to `name` in the directory and returns its path.
    func write(_ name: String, _ text: String) throws -> String {
        let file = path + "/" + name
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }
}

/// QuickFIX `.cfg` text for one session. Validation against the data dictionary is on, so every
/// message Vega sends is checked by QuickFIX for required tags, enumerations and tags allowed.
enum QuickFIXConfig {
    static func initiator(sender: String, target: String, port: Int, store: String, heartbeat: Int = 30) -> String {
        """
        [DEFAULT]
        ConnectionType=initiator
        SocketConnectHost=127.0.0.1
        SocketConnectPort=\(port)
        ReconnectInterval=1
        \(common(store: store, heartbeat: heartbeat))
        [SESSION]
        BeginString=FIX.4.4
        SenderCompID=\(sender)
        TargetCompID=\(target)

        """
    }

    /// SocketAcceptPort=0: the kernel picks the port; qf-acceptor prints it (`LISTENING port=`).
    static func acceptor(sender: String, target: String, store: String, heartbeat: Int = 30) -> String {
        """
        [DEFAULT]
        ConnectionType=acceptor
        SocketAcceptPort=0
        \(common(store: store, heartbeat: heartbeat))
        [SESSION]
        BeginString=FIX.4.4
        SenderCompID=\(sender)
        TargetCompID=\(target)

        """
    }

    static func common(store: String, heartbeat: Int) -> String {
        """
        FileStorePath=\(store)
        StartTime=00:00:00
        EndTime=00:00:00
        HeartBtInt=\(heartbeat)
        SocketNodelay=Y
        ResetOnLogon=N
        ResetOnLogout=N
        ResetOnDisconnect=N
        UseDataDictionary=Y
        DataDictionary=\(QuickFIXDrivers.dictionary)
        ValidateUserDefinedFields=Y
        """
    }
}
