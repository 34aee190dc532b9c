import VegaOrderEntry
import VegaTrading

extension ConfigurationParser {
    // MARK: [clients]

    static let clientsKeys = ["strategy_id", "drop_copy", "inbound_ring", "outbound_ring", "retain_finished_orders", "sessions"]
    static let clientSessionKeys = ["target_comp_id", "sender_comp_id", "account", "venue"]

    /// `[clients]` against the `[[fix_sessions]]` files, accounts, venues and strategies already read.
    func parseClients(_ root: ConfigurationTable, fixSessions: [FIXSessionsFile], venues: [VenueConfiguration],
                      strategies: [StrategyConfiguration]) -> ClientsConfiguration? {
        guard let t = root.table("clients", keys: Self.clientsKeys) else { return nil }
        let before = diagnostics.errors.count
        let strategy = t.integer("strategy_id", 0...65_535) ?? 0
        if let s = strategies.first(where: { Int64($0.id.rawValue) == strategy }) {
            t.fail("strategy_id", "\(strategy) is the id of strategy \"\(s.name)\"",
                   allowed: "an id 0...65535 no [[strategies]] uses")
        }
        func ring(_ key: String, _ defaultValue: Int) -> Int {
            guard let n = t.integer(key, 2...(1 << 20)) else { return defaultValue }
            if n & (n - 1) != 0 {
                t.fail(key, "\(n) is not a power of two", allowed: "a power of two 2...1048576")
                return defaultValue
            }
            return Int(n)
        }
        let inbound = ring("inbound_ring", 1_024)
        let outbound = ring("outbound_ring", 8_192)
        let retain = t.integer("retain_finished_orders", 1...10_000_000) ?? 100_000
        let all = fixSessions.flatMap { f in f.configuration.sessions.map { (file: f.config, settings: $0) } }
        let acceptors = all.filter { $0.settings.configuration.role == .acceptor }
        var dropCopy: FIXSessionID?
        if let target = t.text("drop_copy", length: 1...64, allowed: "the TargetCompID of a DropCopy=Y initiator [SESSION]") {
            let candidates = all.filter { $0.settings.isDropCopy && $0.settings.configuration.sessionID.targetCompID == target }
            let known = all.filter(\.settings.isDropCopy).map { "\"\($0.settings.configuration.sessionID.targetCompID)\"" }
            if candidates.count == 1 {
                dropCopy = candidates[0].settings.configuration.sessionID
            } else {
                t.fail("drop_copy", candidates.isEmpty ? "no DropCopy=Y initiator session with TargetCompID \"\(target)\" in the [[fix_sessions]] files"
                                                       : "\(candidates.count) DropCopy=Y sessions have TargetCompID \"\(target)\"",
                       allowed: known.isEmpty ? "none defined (add DropCopy=Y to an initiator [SESSION])" : known.joined(separator: ", "))
            }
        }
        var sessions: [ClientsConfiguration.Session] = []
        var seen: [FIXSessionID: String] = [:]
        let sessionTables = t.tables("sessions", keys: Self.clientSessionKeys)
        if sessionTables.isEmpty { t.fail("sessions", "no client sessions", allowed: "at least one [[clients.sessions]] table") }
        for s in sessionTables {
            let target = s.text("target_comp_id", length: 1...64, required: true, allowed: "the client's CompID (TargetCompID of an acceptor [SESSION])")
            let sender = s.text("sender_comp_id", length: 1...64, allowed: "our CompID (SenderCompID of that [SESSION])")
            let accountName = s.text("account", length: 1...32, required: true, allowed: "an [[accounts]] name")
            let venueName = s.text("venue", length: 1...32, allowed: "\"smart\" or a [[venues]] name") ?? "smart"
            var id: FIXSessionID?
            if let target {
                let matches = acceptors.filter {
                    $0.settings.configuration.sessionID.targetCompID == target
                        && (sender == nil || $0.settings.configuration.sessionID.senderCompID == sender)
                }
                let known = acceptors.map { "\"\($0.settings.configuration.sessionID.targetCompID)\"" }
                if matches.count == 1 {
                    id = matches[0].settings.configuration.sessionID
                } else if matches.isEmpty {
                    s.fail("target_comp_id", "no acceptor session with TargetCompID \"\(target)\"" + (sender.map { " and SenderCompID \"\($0)\"" } ?? "")
                           + " in the [[fix_sessions]] files", allowed: known.isEmpty ? "none defined" : known.joined(separator: ", "))
                } else {
                    s.fail("target_comp_id", "\(matches.count) acceptor sessions have TargetCompID \"\(target)\"",
                           allowed: "add sender_comp_id to say which")
                }
            }
            if let id {
                if let first = seen[id] {
                    s.fail("target_comp_id", "session \(id) is already mapped by \(first)", allowed: "each session mapped once")
                    continue
                }
                seen[id] = s.path
            }
            var account: AccountConfiguration?
            if let accountName {
                account = accountsByName[accountName]
                if account == nil {
                    unknownName(accountName, at: s.path("account"), kind: "an account", known: accountsByName.keys.sorted())
                }
            }
            var venue: VenueID?
            if venueName != "smart" {
                if let v = venues.first(where: { $0.name == venueName }) {
                    venue = v.id
                } else {
                    unknownName(venueName, at: s.path("venue"), kind: "a venue", known: ["smart"] + venues.map(\.name))
                }
            }
            if let id, let account, let accountName {
                sessions.append(.init(sessionID: id, accountName: accountName, account: account.id, venue: venue))
            }
        }
        guard !diagnostics.hasErrors(since: before) else { return nil }
        return ClientsConfiguration(strategy: StrategyID(UInt16(strategy)), sessions: sessions, dropCopy: dropCopy,
                                    inboundRing: inbound, outboundRing: outbound, retainFinishedOrders: Int(retain))
    }
}
