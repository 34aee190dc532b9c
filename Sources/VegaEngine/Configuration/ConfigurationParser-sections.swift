import TOMLKit
import VegaCore
import VegaJournal
import VegaOrderEntry
import VegaTrading

// [risk], [[fix_sessions]], [journal], [telemetry].
extension ConfigurationParser {
    // MARK: [risk]

    static let laneLimitKeys = ["max_open_orders", "max_open_notional", "self_match_prevention", "strategy_loss_limit", "max_rejects",
                                "reject_window_us", "max_messages_per_second", "stale_market_data_us", "position_breach", "collar"]
    static let instrumentLimitKeys = ["max_order_quantity", "max_order_notional", "max_long", "max_short", "max_gross",
                                      "collar_basis_points", "restricted"]
    static let accountLimitKeys = ["max_open_orders", "max_open_notional", "max_long_notional", "max_short_notional",
                                   "max_gross_notional", "order_rate", "cancel_rate", "loss_limit"]
    /// Money limits: RiskLimits.largestNotional (2^61 Money4 raw).
    static var notionalRange: ClosedRange<Int64> { 1...RiskLimits.largestNotional }
    static var quantityRange: ClosedRange<Int64> { 1...RiskLimits.largestQuantity }

    enum CollarReferenceName: String, CaseIterable { case touch, mid }
    enum NoBookName: String, CaseIterable { case reject, allow }

    /// `[risk]`; absent: no limits beyond VegaTrading's defaults.
    func parseRisk(_ root: ConfigurationTable) -> RiskLimits? {
        guard let r = root.table("risk", keys: Self.laneLimitKeys + ["instrument_defaults", "account_defaults", "instruments", "accounts"])
        else { return RiskLimits() }
        var limits = RiskLimits()
        limits.lane = laneLimits(r)
        if let t = r.table("instrument_defaults", keys: Self.instrumentLimitKeys) {
            limits.instrumentDefaults = instrumentLimits(t, base: InstrumentLimits())
        }
        if let t = r.table("account_defaults", keys: Self.accountLimitKeys) {
            limits.accountDefaults = accountLimits(t, base: AccountLimits())
        }
        // Keyed by symbol / account name, not schema keys: opened without the unknown-key check.
        if let overrides = r.table("instruments", keys: nil) {
            for (symbol, t) in overrides.namedTables(keys: Self.instrumentLimitKeys) {
                let l = instrumentLimits(t, base: limits.instrumentDefaults)
                guard let instrument = instrumentsBySymbol[symbol] else {
                    unknownName(symbol, at: t.path, kind: "an instrument", known: instrumentsBySymbol.keys.sorted())
                    continue
                }
                limits.instruments[instrument.id] = l
            }
        }
        if let overrides = r.table("accounts", keys: nil) {
            for (name, t) in overrides.namedTables(keys: Self.accountLimitKeys) {
                let l = accountLimits(t, base: limits.accountDefaults)
                guard let account = accountsByName[name] else {
                    unknownName(name, at: t.path, kind: "an account", known: accountsByName.keys.sorted())
                    continue
                }
                limits.accounts[account.id] = l
            }
        }
        return limits
    }

    func laneLimits(_ r: ConfigurationTable) -> LaneLimits {
        var l = LaneLimits()
        if let v = r.integerOrNone("max_open_orders", Self.quantityRange) { l.maxOpenOrders = v ?? .max }
        if let v = r.priceOrNone("max_open_notional", Self.notionalRange) { l.maxOpenNotional = v?.rawValue ?? .max }
        if let v = r.bool("self_match_prevention") { l.selfMatchPrevention = v }
        if let v = r.price("strategy_loss_limit", 0...RiskLimits.largestNotional,
                           allowed: "dollars with at most 4 decimals, 0 (off) or a loss up to \(ConfigurationTable.dollarText(RiskLimits.largestNotional))") {
            l.strategyLossLimit = v.rawValue
        }
        if let v = r.integer("max_rejects", 0...Int64(UInt32.max), allowed: "an integer 0 (off)...\(UInt32.max)") { l.maxRejects = UInt32(v) }
        if let v = r.integer("reject_window_us", 1...3_600_000_000, allowed: "microseconds 1...3600000000") { l.rejectWindow = UInt64(v) * 1_000 }
        if let v = r.integer("max_messages_per_second", 0...Int64(UInt32.max), allowed: "an integer 0 (off)...\(UInt32.max)") {
            l.maxMessagesPerSecond = UInt32(v)
        }
        if let v = r.integer("stale_market_data_us", 0...3_600_000_000, allowed: "microseconds 0 (off)...3600000000") {
            l.staleMarketData = UInt64(v) * 1_000
        }
        if let v = r.bool("position_breach") { l.positionBreach = v }
        if let c = r.table("collar", keys: ["basis_points", "reference", "no_book"]) {
            if let v = c.integerOrNone("basis_points", 1...100_000) { l.collar.basisPoints = v.map { UInt32($0) } ?? .max }
            if let v = c.choice("reference", CollarReferenceName.self) { l.collar.reference = v == .touch ? .touch : .mid }
            if let v = c.choice("no_book", NoBookName.self) { l.collar.noBook = v == .reject ? .reject : .allow }
        }
        return l
    }

    func instrumentLimits(_ t: ConfigurationTable, base: InstrumentLimits) -> InstrumentLimits {
        var l = base
        if let v = t.integerOrNone("max_order_quantity", Self.quantityRange) { l.maxOrderQuantity = v.map { UInt64($0) } ?? .max }
        if let v = t.priceOrNone("max_order_notional", Self.notionalRange) { l.maxOrderNotional = v?.rawValue ?? .max }
        if let v = t.integerOrNone("max_long", Self.quantityRange) { l.maxLong = v ?? .max }
        if let v = t.integerOrNone("max_short", Self.quantityRange) { l.maxShort = v ?? .max }
        if let v = t.integerOrNone("max_gross", Self.quantityRange) { l.maxGross = v ?? .max }
        if let v = t.integerOrNone("collar_basis_points", 1...100_000) { l.collarBasisPoints = v.map { UInt32($0) } ?? .max }
        if let v = t.bool("restricted") { l.restricted = v }
        return l
    }

    func accountLimits(_ t: ConfigurationTable, base: AccountLimits) -> AccountLimits {
        var l = base
        if let v = t.integerOrNone("max_open_orders", Self.quantityRange) { l.maxOpenOrders = v ?? .max }
        if let v = t.priceOrNone("max_open_notional", Self.notionalRange) { l.maxOpenNotional = v?.rawValue ?? .max }
        if let v = t.priceOrNone("max_long_notional", Self.notionalRange) { l.maxLongNotional = v?.rawValue ?? .max }
        if let v = t.priceOrNone("max_short_notional", Self.notionalRange) { l.maxShortNotional = v?.rawValue ?? .max }
        if let v = t.priceOrNone("max_gross_notional", Self.notionalRange) { l.maxGrossNotional = v?.rawValue ?? .max }
        if let v = rate(t, "order_rate") { l.orderRate = v }
        if let v = rate(t, "cancel_rate") { l.cancelRate = v }
        if let v = t.price("loss_limit", 0...RiskLimits.largestNotional,
                           allowed: "dollars with at most 4 decimals, 0 (off) or a loss up to \(ConfigurationTable.dollarText(RiskLimits.largestNotional))") {
            l.lossLimit = v.rawValue
        }
        return l
    }

    /// `{ per_second = N, burst = M }` or `"none"`.
    func rate(_ t: ConfigurationTable, _ key: String) -> RateLimit? {
        let allowed = "{ per_second = 1...1000000000, burst = 1...1000000 }, or \"none\" for no limit"
        guard let v = t.value(key, required: false, allowed: allowed) else { return nil }
        if v.type == .string, v.string == "none" { return .unlimited }
        guard v.type == .table, let table = v.table else {
            t.wrongType(key, v, allowed: allowed)
            return nil
        }
        let r = ConfigurationTable(table, path: t.path(key), keys: ["per_second", "burst"], diagnostics: diagnostics)
        let perSecond = r.integer("per_second", 1...1_000_000_000, required: true)
        let burst = r.integer("burst", 1...1_000_000, required: true)
        guard let perSecond, let burst else { return nil }
        return RateLimit(perSecond: UInt32(perSecond), burst: UInt32(burst))
    }

    /// RiskLimits' own check against the capacity the configuration implies, as a backstop
    /// behind the per-key checks (its field names mapped back to key paths).
    func checkRisk(_ configuration: EngineConfiguration, root: ConfigurationTable) {
        do throws(TradingConfigurationError) {
            try configuration.risk.validate(capacity: configuration.tradingCapacity)
        } catch {
            diagnostics.report(riskPath(error.field, configuration), "\(error.value) is not allowed", allowed: error.expected)
        }
    }

    /// `instruments[7].maxLong` → `risk.instruments.AAPL.max_long`; `lane.collar.basisPoints` →
    /// `risk.collar.basis_points`; `accountDefaults.orderRate.burst` → `risk.account_defaults.order_rate.burst`.
    func riskPath(_ field: String, _ configuration: EngineConfiguration) -> String {
        var parts: [String] = []
        for component in field.split(separator: ".").map(String.init) {
            if component.hasPrefix("instruments["), let n = UInt32(component.dropFirst(12).dropLast()) {
                let symbol = configuration.instruments.first { $0.id.rawValue == n }?.symbol ?? "\(n)"
                parts += ["instruments", ConfigurationPath.component(symbol)]
            } else if component.hasPrefix("accounts["), let n = UInt16(component.dropFirst(9).dropLast()) {
                let name = configuration.accounts.first { $0.id.rawValue == n }?.name ?? "\(n)"
                parts += ["accounts", ConfigurationPath.component(name)]
            } else if component == "lane" {
                continue
            } else if component == "rejectWindow" {
                parts.append("reject_window_us")
            } else if component == "staleMarketData" {
                parts.append("stale_market_data_us")
            } else {
                parts.append(Self.snakeCase(component))
            }
        }
        return (["risk"] + parts).joined(separator: ".")
    }

    // MARK: [[fix_sessions]]

    func parseFIXSessions(_ root: ConfigurationTable) -> [FIXSessionsFile] {
        var out: [FIXSessionsFile] = []
        var sessionOwners: [FIXSessionID: String] = [:]
        for t in root.tables("fix_sessions", keys: ["config"]) {
            guard let config = t.text("config", length: 1...4_096, required: true,
                                      allowed: "the path of a QuickFIX-format .cfg file, relative to this file's directory") else { continue }
            let path = config.hasPrefix("/") ? config : baseDirectory + "/" + config
            do throws(FIXConfigError) {
                let parsed = try FIXConfiguration(contentsOf: path, environment: host.environment)
                var ok = true
                for s in parsed.sessions {
                    let id = s.configuration.sessionID
                    if let first = sessionOwners[id] {
                        t.fail("config", "session \(id) in \(path) is already defined by \(first)", allowed: "each FIX session defined once")
                        ok = false
                    } else {
                        sessionOwners[id] = t.path
                    }
                }
                if ok { out.append(FIXSessionsFile(config: config, path: path, configuration: parsed)) }
            } catch {
                t.fail("config", error.description)
            }
        }
        return out
    }

    // MARK: [journal]

    enum DurabilityName: String, CaseIterable { case record, batch, timer, close }

    func parseJournal(_ root: ConfigurationTable) -> JournalConfiguration? {
        guard let j = root.table("journal", keys: ["directory", "durability", "sync_interval_ms", "segment_mb", "ring_mb",
                                                   "session_day_offset_s"]) else { return nil }
        let before = diagnostics.errors.count
        let directory = j.text("directory", length: 1...4_096, required: true, allowed: "a directory path (relative to the working directory)")
        var configuration = JournalConfiguration(directory: directory ?? "")
        let durability = j.choice("durability", DurabilityName.self) ?? .batch
        switch durability {
        case .record: configuration.durability = .everyRecord
        case .batch: configuration.durability = .everyBatch
        case .close: configuration.durability = .onClose
        case .timer:
            if let ms = j.integer("sync_interval_ms", 1...60_000, required: true) {
                configuration.durability = .interval(nanoseconds: UInt64(ms) * 1_000_000)
            }
        }
        if durability != .timer && j.has("sync_interval_ms") {
            j.fail("sync_interval_ms", "only with durability = \"timer\"", allowed: "omit it, or set durability = \"timer\"")
        }
        if let mb = j.integer("segment_mb", 1...65_536) { configuration.segmentBytes = Int(mb) << 20 }
        if let mb = j.integer("ring_mb", 1...1_024, allowed: "a power of two 1...1024 (MiB)") {
            if mb & (mb - 1) != 0 {
                j.fail("ring_mb", "\(mb) is not a power of two", allowed: "a power of two 1...1024 (MiB)")
            } else {
                configuration.ringBytes = Int(mb) << 20
            }
        }
        if let s = j.integer("session_day_offset_s", -86_399...86_399, allowed: "seconds -86399...86399 from UTC midnight") {
            configuration.sessionDayOffsetSeconds = s
        }
        guard !diagnostics.hasErrors(since: before) else { return nil }
        // VegaJournal's own check (segment size against the ring's largest record, …).
        for problem in configuration.validate() {
            let key = problem.prefix { $0 != ":" }
            let mapped = ["segment_bytes": "segment_mb", "ring_bytes": "ring_mb", "session_day_offset": "session_day_offset_s"][String(key)] ?? String(key)
            j.fail(mapped, String(problem.dropFirst(key.count + 1)).trimmingPrefixSpaces)
        }
        return configuration
    }

    // MARK: [telemetry]

    func parseTelemetry(_ root: ConfigurationTable) -> TelemetryConfiguration {
        guard let t = root.table("telemetry", keys: ["metrics_listen", "metrics_token_env", "profile", "profile_file", "outlier_ns"])
        else { return TelemetryConfiguration() }
        var c = TelemetryConfiguration()
        c.metricsListen = t.hostPort("metrics_listen", allowPortZero: true)
        if t.has("metrics_token_env") && !t.has("metrics_listen") {
            t.fail("metrics_token_env", "only with metrics_listen", allowed: "omit it, or give metrics_listen")
        } else {
            c.metricsTokenEnvironmentVariable = t.environmentVariable("metrics_token_env", environment: host.environment)
        }
        c.profile = t.choice("profile", TelemetryConfiguration.Profile.self) ?? .full
        if c.profile == .off && t.has("profile_file") {
            t.fail("profile_file", "not written with profile = \"off\"", allowed: "omit it, or choose profile = \"full\" | \"endpoints\"")
        } else {
            c.profileFile = t.text("profile_file", length: 1...4_096, allowed: "a file path (relative to the working directory)")
        }
        if let ns = t.integer("outlier_ns", 1...1_000_000_000_000) { c.outlierNanoseconds = UInt64(ns) }
        return c
    }
}

extension String {
    fileprivate var trimmingPrefixSpaces: String { String(drop { $0 == " " }) }
}
