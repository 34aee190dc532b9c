#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Session settings read from a QuickFIX-format `.cfg` file, so existing configurations carry
/// over.
///
/// ```
/// [DEFAULT]
/// ConnectionType=acceptor
/// SocketAcceptPort=9878
/// HeartBtInt=30
/// FileStorePath=store
/// StartTime=00:00:00
/// EndTime=00:00:00
/// [SESSION]
/// BeginString=FIX.4.4
/// SenderCompID=EXEC
/// TargetCompID=CLIENT1
/// ```
///
/// QuickFIX keys used: BeginString (FIX.4.4 only), SenderCompID, TargetCompID, ConnectionType,
/// SocketConnectHost, SocketConnectPort, SocketAcceptHost, SocketAcceptPort, HeartBtInt,
/// ResetOnLogon, StartTime, EndTime, StartDay, EndDay, TimeZone, NonStopSession, FileStorePath,
/// ReconnectInterval, LogonTimeout, LogoutTimeout, CheckLatency, MaxLatency. Vega keys:
/// Username, PasswordEnvironmentVariable (the name of an environment variable holding the
/// password — a `Password` key is refused: secrets never live in the file), FileStoreSync (Y/N),
/// MaxMessageSize, MaxMessagesPerSecond, MaxOutboundBytes, AllowUserDefinedTags, and TLS (Y/N),
/// TLSCertificateFile, TLSPrivateKeyFile, TLSCACertificateFile, TLSVerifyPeer (Y/N),
/// TLSServerName. Other QuickFIX keys are accepted and reported in ``warnings`` as unused.
public struct FIXConfiguration: Sendable {
    /// One `[SESSION]` with `[DEFAULT]` applied.
    public var sessions: [FIXSessionSettings]
    /// Keys present but not used by Vega (`file:line: key`).
    public var warnings: [String]

    /// Reads and validates `path`. `environment` resolves PasswordEnvironmentVariable (defaults
    /// to the process environment).
    public init(contentsOf path: String, environment: [String: String]? = nil) throws(FIXConfigError) {
        guard let bytes = FIXTimeZone.readFile(path) else {
            throw FIXConfigError(file: path, line: 0, key: nil, message: "cannot read the file: \(String(cString: strerror(errno)))")
        }
        try self.init(text: String(decoding: bytes, as: UTF8.self), file: path, environment: environment)
    }

    /// Parses configuration text; `file` names it in errors.
    public init(text: String, file: String = "<config>", environment: [String: String]? = nil) throws(FIXConfigError) {
        let env = environment ?? FIXConfiguration.processEnvironment()
        var defaults: [String: (value: String, line: Int)] = [:]
        var raw: [(line: Int, values: [String: (value: String, line: Int)])] = []
        var section: String? = nil
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.trimmingWhitespace
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]") else {
                    throw FIXConfigError(file: file, line: lineNumber, key: nil, message: "section header \"\(line)\" has no closing ]")
                }
                let name = String(line.dropFirst().dropLast()).trimmingWhitespace.uppercased()
                switch name {
                case "DEFAULT": section = "DEFAULT"
                case "SESSION":
                    section = "SESSION"
                    raw.append((lineNumber, [:]))
                default:
                    throw FIXConfigError(file: file, line: lineNumber, key: nil, message: "unknown section [\(name)]; allowed: [DEFAULT], [SESSION]")
                }
                continue
            }
            guard let eq = line.firstIndex(of: "=") else {
                throw FIXConfigError(file: file, line: lineNumber, key: nil, message: "expected Key=Value, found \"\(line)\"")
            }
            let key = String(line[..<eq]).trimmingWhitespace
            let value = String(line[line.index(after: eq)...]).trimmingWhitespace
            guard !key.isEmpty else {
                throw FIXConfigError(file: file, line: lineNumber, key: nil, message: "empty key before =")
            }
            if key == "Password" || key == "SSLPassword" || key == "TLSPassword" {
                throw FIXConfigError(file: file, line: lineNumber, key: key, message: "secrets never go in the file; name an environment variable with PasswordEnvironmentVariable=")
            }
            switch section {
            case nil:
                throw FIXConfigError(file: file, line: lineNumber, key: key, message: "setting outside a section; start with [DEFAULT] or [SESSION]")
            case "DEFAULT":
                defaults[key] = (value, lineNumber)
            default:
                raw[raw.count - 1].values[key] = (value, lineNumber)
            }
        }
        if raw.isEmpty {
            throw FIXConfigError(file: file, line: lineNumber, key: nil, message: "no [SESSION] section")
        }
        var sessions: [FIXSessionSettings] = []
        var warnings: [String] = []
        var seen: Set<FIXSessionID> = []
        for (sectionLine, values) in raw {
            var merged = defaults
            for (k, v) in values { merged[k] = v }
            let s = try FIXSessionSettings(merged, file: file, sectionLine: sectionLine, environment: env, warnings: &warnings)
            if !seen.insert(s.configuration.sessionID).inserted {
                throw FIXConfigError(file: file, line: sectionLine, key: nil, message: "session \(s.configuration.sessionID) defined twice")
            }
            sessions.append(s)
        }
        self.sessions = sessions
        self.warnings = warnings
    }

    static func processEnvironment() -> [String: String] {
        var out: [String: String] = [:]
        var p = environ
        while let entry = p.pointee {
            let s = String(cString: entry)
            if let eq = s.firstIndex(of: "=") { out[String(s[..<eq])] = String(s[s.index(after: eq)...]) }
            p += 1
        }
        return out
    }
}

/// TLS settings of a session (swift-nio-ssl; PEM files).
public struct FIXTLSSettings: Sendable, Hashable {
    public var certificateFile: String?
    public var privateKeyFile: String?
    public var caCertificateFile: String?
    /// Verify the peer's certificate against the CA file (default Y).
    public var verifyPeer: Bool
    /// Initiator: the name to verify the acceptor's certificate against (default: the host).
    public var serverName: String?
}

/// One session's settings: the session layer's configuration plus transport and storage.
public struct FIXSessionSettings: Sendable {
    public var configuration: FIXSessionConfiguration
    public var socketConnectHost: String?
    public var socketConnectPort: Int?
    public var socketAcceptHost: String?
    public var socketAcceptPort: Int?
    /// Seconds between connection attempts of an initiator.
    public var reconnectInterval: Int
    /// Directory of the ``FIXFileStore``; `nil` keeps sequence numbers in memory only.
    public var fileStorePath: String?
    public var fileStoreSync: FIXFileStore.SyncPolicy
    /// Outbound bytes queued for a peer beyond which it counts as stalled and is disconnected.
    public var maxOutboundBytes: Int
    public var tls: FIXTLSSettings?
    /// This initiator session is a drop-copy target (Vega key `DropCopy=Y`): it receives a copy
    /// of every ExecutionReport the other sessions send or receive.
    public var isDropCopy: Bool = false

    public init(configuration: FIXSessionConfiguration) {
        self.configuration = configuration
        self.reconnectInterval = 30
        self.fileStoreSync = .everyWrite
        self.maxOutboundBytes = 16 << 20
    }

    static let known: Set<String> = [
        "BeginString", "SenderCompID", "TargetCompID", "ConnectionType", "SocketConnectHost", "SocketConnectPort",
        "SocketAcceptHost", "SocketAcceptPort", "HeartBtInt", "ResetOnLogon", "StartTime", "EndTime", "StartDay",
        "EndDay", "TimeZone", "NonStopSession", "FileStorePath", "ReconnectInterval", "LogonTimeout", "LogoutTimeout",
        "CheckLatency", "MaxLatency", "Username", "PasswordEnvironmentVariable", "FileStoreSync", "MaxMessageSize",
        "MaxMessagesPerSecond", "MaxOutboundBytes", "AllowUserDefinedTags", "TLS", "TLSCertificateFile",
        "TLSPrivateKeyFile", "TLSCACertificateFile", "TLSVerifyPeer", "TLSServerName", "DropCopy",
    ]

    init(_ v: [String: (value: String, line: Int)], file: String, sectionLine: Int, environment: [String: String],
         warnings: inout [String]) throws(FIXConfigError) {
        func err(_ key: String?, _ message: String) -> FIXConfigError {
            FIXConfigError(file: file, line: key.flatMap { v[$0]?.line } ?? sectionLine, key: key, message: message)
        }
        func required(_ key: String) throws(FIXConfigError) -> String {
            guard let s = v[key]?.value, !s.isEmpty else { throw err(nil, "[SESSION] at line \(sectionLine) has no \(key)") }
            return s
        }
        func int(_ key: String, _ range: ClosedRange<Int>) throws(FIXConfigError) -> Int? {
            guard let s = v[key]?.value else { return nil }
            guard let n = Int(s), range.contains(n) else {
                throw err(key, "\"\(s)\" is not an integer in \(range.lowerBound)...\(range.upperBound)")
            }
            return n
        }
        func bool(_ key: String) throws(FIXConfigError) -> Bool? {
            guard let s = v[key]?.value else { return nil }
            switch s.uppercased() {
            case "Y", "YES", "TRUE": return true
            case "N", "NO", "FALSE": return false
            default: throw err(key, "\"\(s)\" is not Y or N")
            }
        }
        for (key, entry) in v where !FIXSessionSettings.known.contains(key) {
            warnings.append("\(file):\(entry.line): \(key) is not used by Vega")
        }
        let begin = try required("BeginString")
        guard begin == "FIX.4.4" else { throw err("BeginString", "\"\(begin)\" is not supported; allowed: FIX.4.4") }
        let id = FIXSessionID(beginString: begin, senderCompID: try required("SenderCompID"), targetCompID: try required("TargetCompID"))
        let typeText = try required("ConnectionType")
        guard let role = FIXSessionConfiguration.Role(rawValue: typeText.lowercased()) else {
            throw err("ConnectionType", "\"\(typeText)\" is not allowed; allowed: initiator, acceptor")
        }
        var c = FIXSessionConfiguration(sessionID: id, role: role)
        if let hb = try int("HeartBtInt", 0...3600) { c.heartbeatInterval = hb }
        else if role == .initiator { throw err(nil, "[SESSION] at line \(sectionLine) (initiator) has no HeartBtInt") }
        c.resetOnLogon = try bool("ResetOnLogon") ?? false
        if let t = try int("LogonTimeout", 1...3600) { c.logonTimeout = t }
        if let t = try int("LogoutTimeout", 1...3600) { c.logoutTimeout = t }
        if let t = try int("MaxLatency", 1...86_400) { c.maxLatency = t }
        if try bool("CheckLatency") == false { c.maxLatency = nil }
        if let t = try int("MaxMessageSize", 256...(64 << 20)) { c.maxMessageSize = t }
        if let t = try int("MaxMessagesPerSecond", 0...10_000_000) { c.maxInboundMessagesPerSecond = t == 0 ? nil : t }
        c.validator.allowUserDefinedTags = try bool("AllowUserDefinedTags") ?? false
        c.username = v["Username"]?.value
        if let name = v["PasswordEnvironmentVariable"]?.value {
            guard let secret = environment[name] else {
                throw err("PasswordEnvironmentVariable", "environment variable \(name) is not set")
            }
            c.password = secret
        }
        // Schedule.
        let nonStop = try bool("NonStopSession") ?? false
        let start = v["StartTime"], end = v["EndTime"]
        if !nonStop && (start != nil || end != nil) {
            guard let start else { throw err("EndTime", "EndTime without StartTime") }
            guard let end else { throw err("StartTime", "StartTime without EndTime") }
            guard let s = FIXSchedule.parseTime(start.value) else { throw err("StartTime", "\"\(start.value)\" is not HH:MM:SS") }
            guard let e = FIXSchedule.parseTime(end.value) else { throw err("EndTime", "\"\(end.value)\" is not HH:MM:SS") }
            var startDay: Int? = nil, endDay: Int? = nil
            if let d = v["StartDay"] {
                guard let n = FIXSchedule.parseDay(d.value) else { throw err("StartDay", "\"\(d.value)\" is not a day name (Sunday … Saturday)") }
                startDay = n
            }
            if let d = v["EndDay"] {
                guard let n = FIXSchedule.parseDay(d.value) else { throw err("EndDay", "\"\(d.value)\" is not a day name (Sunday … Saturday)") }
                endDay = n
            }
            if (startDay == nil) != (endDay == nil) { throw err(startDay == nil ? "EndDay" : "StartDay", "StartDay and EndDay go together") }
            var tz = FIXTimeZone.utc
            if let z = v["TimeZone"] {
                do { tz = try FIXTimeZone(parsing: z.value) } catch { throw err("TimeZone", error.description) }
            }
            c.schedule = FIXSchedule(startTime: s, endTime: e, startDay: startDay, endDay: endDay, timeZone: tz)
        }
        self.init(configuration: c)
        socketConnectHost = v["SocketConnectHost"]?.value
        socketConnectPort = try int("SocketConnectPort", 1...65_535)
        socketAcceptHost = v["SocketAcceptHost"]?.value
        socketAcceptPort = try int("SocketAcceptPort", 0...65_535)
        if role == .initiator {
            if socketConnectHost == nil { throw err(nil, "[SESSION] at line \(sectionLine) (initiator) has no SocketConnectHost") }
            if socketConnectPort == nil { throw err(nil, "[SESSION] at line \(sectionLine) (initiator) has no SocketConnectPort") }
        } else if socketAcceptPort == nil {
            throw err(nil, "[SESSION] at line \(sectionLine) (acceptor) has no SocketAcceptPort")
        }
        reconnectInterval = try int("ReconnectInterval", 1...3600) ?? 30
        fileStorePath = v["FileStorePath"]?.value
        fileStoreSync = (try bool("FileStoreSync") ?? true) ? .everyWrite : .none
        if let m = try int("MaxOutboundBytes", 4096...(1 << 30)) { maxOutboundBytes = m }
        isDropCopy = try bool("DropCopy") ?? false
        if isDropCopy && role != .initiator { throw err("DropCopy", "a drop-copy session must be an initiator") }
        if try bool("TLS") == true {
            let t = FIXTLSSettings(
                certificateFile: v["TLSCertificateFile"]?.value, privateKeyFile: v["TLSPrivateKeyFile"]?.value,
                caCertificateFile: v["TLSCACertificateFile"]?.value, verifyPeer: try bool("TLSVerifyPeer") ?? true,
                serverName: v["TLSServerName"]?.value)
            if role == .acceptor && (t.certificateFile == nil || t.privateKeyFile == nil) {
                throw err("TLS", "an acceptor with TLS=Y needs TLSCertificateFile and TLSPrivateKeyFile")
            }
            if t.verifyPeer && t.caCertificateFile == nil && role == .acceptor {
                throw err("TLSVerifyPeer", "verifying clients needs TLSCACertificateFile (or TLSVerifyPeer=N)")
            }
            tls = t
        }
    }
}

/// A configuration problem, with where it is and what is allowed.
public struct FIXConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var key: String?
    public var message: String

    public var description: String {
        "\(file):\(line): " + (key.map { "\($0): " } ?? "") + message
    }
}
