import Foundation
import Testing
@testable import VegaOrderEntry

/// Runs the built `vega` binary (next to the test bundle in the build directory).
@Suite("vega fix executor / send over loopback", .serialized)
struct FixCLITests {
    static var vegaPath: String {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        var dir = bundle
        // The test bundle may be a directory (…/VegaPackageTests.xctest/…) or a file.
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("vega").path) && dir.path != "/" {
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent("vega").path
    }

    @Test("the executor fills, rests, replaces, cancels and rejects what vega fix send sends")
    func executorAndSend() async throws {
        let vega = Self.vegaPath
        try #require(FileManager.default.isExecutableFile(atPath: vega), "vega binary not built at \(vega)")
        let dir = NSTemporaryDirectory() + "vega-fix-cli-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try """
            [DEFAULT]
            ConnectionType=acceptor
            SocketAcceptHost=127.0.0.1
            SocketAcceptPort=0
            [SESSION]
            BeginString=FIX.4.4
            SenderCompID=EXEC
            TargetCompID=CLIENT
            """.write(toFile: dir + "/exec.cfg", atomically: true, encoding: .utf8)
        let executor = Process()
        executor.executableURL = URL(fileURLWithPath: vega)
        executor.arguments = ["fix", "executor", "--config", dir + "/exec.cfg", "--reference-price", "100"]
        let out = Pipe()
        executor.standardOutput = out
        executor.standardError = FileHandle.nullDevice
        try executor.run()
        defer { if executor.isRunning { executor.interrupt() } }
        // The first line says where it listens.
        var firstLine = Data()
        while !firstLine.contains(UInt8(ascii: "\n")) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            firstLine += chunk
        }
        let line = String(decoding: firstLine, as: UTF8.self)
        let port = try #require(line.split(separator: " ").firstIndex(of: "port").map { line.split(separator: " ")[$0 + 1] })
        try """
            [DEFAULT]
            ConnectionType=initiator
            SocketConnectHost=127.0.0.1
            SocketConnectPort=\(port.trimmingCharacters(in: .whitespacesAndNewlines))
            HeartBtInt=30
            [SESSION]
            BeginString=FIX.4.4
            SenderCompID=CLIENT
            TargetCompID=EXEC
            """.write(toFile: dir + "/client.cfg", atomically: true, encoding: .utf8)
        try """
            # resting sell, then a replace that makes it marketable
            new o2 sell 100 VGA 105
            replace o3 o2 100 99
            """.write(toFile: dir + "/orders.txt", atomically: true, encoding: .utf8)
        let send = Process()
        send.executableURL = URL(fileURLWithPath: vega)
        send.arguments = ["fix", "send", "--config", dir + "/client.cfg", "--file", dir + "/orders.txt", "--timeout", "60",
                          "new o1 buy 100 VGA 101", "cancel c1 o1", "new o1 buy 5 VGA", "cancel c9 nope buy VGA"]
        let sendOut = Pipe()
        send.standardOutput = sendOut
        try send.run()
        let data = sendOut.fileHandleForReading.readDataToEndOfFile()
        send.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        #expect(send.terminationStatus == 0, "\(text)")
        let lines = text.split(separator: "\n").map(String.init)
        func has(_ parts: String...) -> Bool { lines.contains { l in parts.allSatisfy { l.contains($0) } } }
        #expect(has("ClOrdID=o2", "ExecType=0", "LeavesQty=100"))
        #expect(has("ClOrdID=o3", "ExecType=5"))
        #expect(has("ClOrdID=o3", "ExecType=F", "LastPx=100"))
        #expect(has("ClOrdID=o1", "ExecType=F", "LastQty=100"))
        #expect(has("OrderCancelReject", "ClOrdID=c1", "CxlRejReason=0"))
        #expect(has("ClOrdID=o1", "ExecType=8", "OrdRejReason=6"))
        #expect(has("OrderCancelReject", "ClOrdID=c9", "CxlRejReason=1"))
        executor.interrupt()
        executor.waitUntilExit()
        #expect(executor.terminationStatus == 0)
    }

    @Test("a bad configuration is reported with file, line and key, and a non-zero exit")
    func badConfig() throws {
        let vega = Self.vegaPath
        try #require(FileManager.default.isExecutableFile(atPath: vega))
        let path = NSTemporaryDirectory() + "vega-fix-bad-\(getpid()).cfg"
        try "[SESSION]\nBeginString=FIX.4.2\n".write(toFile: path, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: vega)
        p.arguments = ["fix", "executor", "--config", path]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus != 0)
        #expect(text.contains("\(path):2: BeginString: \"FIX.4.2\" is not supported; allowed: FIX.4.4"))
    }
}
