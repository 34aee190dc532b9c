import Dispatch
import Logging
import VegaOrderEntry

/// Shared pieces of the `vega fix` tools.
enum FixSupport {
    static func logger(_ level: String) -> Logger {
        var l = Logger(label: "vega.fix") { StreamLogHandler.standardError(label: $0) }
        l.logLevel = Logger.Level(rawValue: level) ?? .info
        return l
    }

    /// Runs async work from a synchronous command (the root command is synchronous).
    static func block(_ body: @escaping @Sendable () async throws -> Int32) -> Int32 {
        let done = DispatchSemaphore(value: 0)
        let result = ResultBox()
        Task {
            do { result.value = try await body() } catch {
                FixSupport.printError("error: \(error)")
                result.value = 1
            }
            done.signal()
        }
        done.wait()
        return result.value
    }

    static func printError(_ s: String) {
        var e = StandardError()
        print(s, to: &e)
    }

    /// One line per application message: MsgType name and the fields people read.
    static func describe(_ m: FIXMessage) -> String {
        let names: [FIXMsgType: String] = [
            .executionReport: "ExecutionReport", .orderCancelReject: "OrderCancelReject",
            .businessMessageReject: "BusinessMessageReject", .newOrderSingle: "NewOrderSingle",
            .orderCancelRequest: "OrderCancelRequest", .orderCancelReplaceRequest: "OrderCancelReplaceRequest",
            .orderStatusRequest: "OrderStatusRequest",
        ]
        let tagNames: [(UInt32, String)] = [
            (11, "ClOrdID"), (41, "OrigClOrdID"), (37, "OrderID"), (150, "ExecType"), (39, "OrdStatus"), (55, "Symbol"),
            (54, "Side"), (38, "OrderQty"), (40, "OrdType"), (44, "Price"), (32, "LastQty"), (31, "LastPx"),
            (151, "LeavesQty"), (14, "CumQty"), (6, "AvgPx"), (434, "CxlRejResponseTo"), (102, "CxlRejReason"),
            (103, "OrdRejReason"), (380, "BusinessRejectReason"), (58, "Text"),
        ]
        var parts = ["\(names[m.msgType] ?? "MsgType \(m.msgType)") seq=\(m.seqNum)"]
        for (tag, name) in tagNames { if let v = m[tag] { parts.append("\(name)=\(v)") } }
        if m[43] == "Y" { parts.append("PossDup") }
        return parts.joined(separator: " ")
    }
}

final class ResultBox: @unchecked Sendable { var value: Int32 = 0 }

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        var s = string
        s.withUTF8 { b in _ = Glibc.write(2, b.baseAddress, b.count) }
    }
}

#if canImport(Glibc)
import Glibc
#endif
