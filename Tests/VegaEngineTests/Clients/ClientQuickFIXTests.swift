import Foundation
import Testing
import VegaEngine
import VegaTestSupport

/// A QuickFIX 1.15 initiator (Tests/QuickFIX/qf-initiator, validating every message against
/// FIX44-Vega.xml) as the engine's client on HardwareSim.
@Suite("Client FIX sessions with a QuickFIX client", .serialized)
struct ClientQuickFIXTests {
    @Test("a QuickFIX initiator's order, unknown symbol, replace and cancel are answered with ExecutionReports QuickFIX accepts")
    func quickFIXClient() async throws {
        guard let qf = try await QuickFIXDrivers.available(for: "quickFIXClient")?.initiator else { return }
        let (engine, port) = try await CFTSupport.startEngine(dropCopyPort: nil, clients: ["QFCLIENT"])
        #expect(await CFTSupport.waitForBooks(engine))
        let dir = try CFTSupport.temporaryDirectory()
        let cfg = dir + "/qf.cfg"
        try QuickFIXConfig.initiator(sender: "QFCLIENT", target: "VEGA", port: port, store: dir + "/qf-store")
            .write(toFile: cfg, atomically: true, encoding: .utf8)
        let script = [
            "D 11=Q1 55=AAPL 54=1 38=100 40=2 44=186.00",
            "WAIT 1",
            "D 11=Q2 55=NOPE 54=1 38=100 40=2 44=10",
            "WAIT 2",
            "G 11=Q1R 41=Q1 55=AAPL 54=1 38=200 40=2 44=186.50",
            "WAIT 3",
            "F 11=Q1C 41=Q1R 55=AAPL 54=1 38=200",
        ]
        let scriptPath = dir + "/qf.script"
        try (script.joined(separator: "\n") + "\n").write(toFile: scriptPath, atomically: true, encoding: .utf8)
        let run = try ChildProcess(qf, ["--config", cfg, "--script", scriptPath, "--expect", "4", "--timeout", "120"])
        let status = await run.exitStatus(seconds: 180)
        #expect(status == 0, "qf-initiator exit status\n\(run.transcript)")
        let received = PrintedFIXMessage.all(run.lines, kind: "RECV")
        #expect(received.map { $0.pick([35, 11, 150, 39]) } == [
            "35=8 11=Q1 150=0 39=0",
            "35=8 11=Q2 150=8 39=8",
            "35=8 11=Q1R 150=5 39=0",
            "35=8 11=Q1C 150=4 39=4",
        ], "\(run.transcript)")
        #expect(received.first { $0[11] == "Q2" }?[103] == "1")
        #expect(received.first { $0[11] == "Q1R" }.map { $0.pick([41, 38, 44, 151]) } == "41=Q1 38=200 44=186.5 151=200")
        // QuickFIX rejected nothing Vega sent (a dictionary violation is answered with 35=3).
        #expect(!PrintedFIXMessage.all(run.lines, kind: "ADMIN-OUT").contains { $0.msgType == "3" }, "\(run.transcript)")
        await engine.stopClients()
        engine.stop()
        await engine.finishClients()
    }
}
