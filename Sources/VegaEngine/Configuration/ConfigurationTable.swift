import TOMLKit
import VegaCore

/// The problems found in one file so far, each with its line when the locator finds it.
final class ConfigurationDiagnostics {
    let file: String
    let locator: ConfigurationLineLocator
    private(set) var errors: [ConfigurationError] = []

    init(file: String, locator: ConfigurationLineLocator) {
        self.file = file
        self.locator = locator
    }

    func report(_ path: String, _ problem: String, allowed: String? = nil) {
        errors.append(ConfigurationError(file: file, line: locator.line(of: path), keyPath: path, problem: problem, allowed: allowed))
    }

    /// Whether anything was reported since `count` errors.
    func hasErrors(since count: Int) -> Bool { errors.count > count }
}

/// Reads one TOML table of the schema: typed values with their ranges, each problem reported
/// with its key path; keys the schema does not know are reported when it is opened.
///
/// Accessors return `nil` when the key is absent (reported as "missing" when `required`) or its
/// value is unusable (reported); the caller carries on with the next key so every problem in
/// the file is found in one pass.
struct ConfigurationTable {
    let table: TOMLTable
    let path: String
    let diagnostics: ConfigurationDiagnostics

    /// Opens `table` at `path`; reports every key not in `keys` (with the nearest known key as a
    /// suggestion when one is close). `keys` nil: any key (a table keyed by names, such as
    /// `[risk.instruments]`).
    init(_ table: TOMLTable, path: String, keys: [String]?, diagnostics: ConfigurationDiagnostics) {
        self.table = table
        self.path = path
        self.diagnostics = diagnostics
        guard let keys else { return }
        for key in table.keys where !keys.contains(key) {
            let suggestion = ConfigurationTable.nearest(key, in: keys)
            diagnostics.report(
                ConfigurationPath.join(path, key),
                "unknown key" + (suggestion.map { "; did you mean \"\($0)\"?" } ?? ""),
                allowed: suggestion == nil ? "the keys of this table: " + keys.joined(separator: ", ") : nil)
        }
    }

    /// The path of `key` in this table.
    func path(_ key: String) -> String { ConfigurationPath.join(path, key) }

    func has(_ key: String) -> Bool { table[key] != nil }

    func fail(_ key: String, _ problem: String, allowed: String? = nil) {
        diagnostics.report(path(key), problem, allowed: allowed)
    }

    /// The value at `key`, or `nil` (reported as missing when `required`).
    func value(_ key: String, required: Bool, allowed: String) -> TOMLValue? {
        guard let v = table[key] else {
            if required { fail(key, "missing", allowed: allowed) }
            return nil
        }
        return v.tomlValue
    }

    /// Reports that `key`'s value has the wrong type.
    func wrongType(_ key: String, _ v: TOMLValue, allowed: String) {
        fail(key, "\(Self.render(v)) is \(Self.typeName(v.type))", allowed: allowed)
    }

    // MARK: Scalars

    func string(_ key: String, required: Bool = false, allowed: String = "a string") -> String? {
        guard let v = value(key, required: required, allowed: allowed) else { return nil }
        guard v.type == .string, let s = v.string else {
            wrongType(key, v, allowed: allowed)
            return nil
        }
        return s
    }

    /// A string of `length` characters, each accepted by `isAllowed` (described in `allowed`).
    func text(_ key: String, length: ClosedRange<Int>, required: Bool = false, allowed: String,
              isAllowed: (Unicode.Scalar) -> Bool = { $0.value >= 0x20 && $0.value < 0x7F }) -> String? {
        guard let s = string(key, required: required, allowed: allowed) else { return nil }
        guard length.contains(s.count), s.unicodeScalars.allSatisfy(isAllowed) else {
            fail(key, "\(Self.quoted(s)) is not allowed", allowed: allowed)
            return nil
        }
        return s
    }

    func integer(_ key: String, _ range: ClosedRange<Int64>, required: Bool = false, allowed: String? = nil) -> Int64? {
        let allowed = allowed ?? "an integer \(range.lowerBound)...\(range.upperBound)"
        guard let v = value(key, required: required, allowed: allowed) else { return nil }
        guard v.type == .int, let n = v.int else {
            wrongType(key, v, allowed: allowed)
            return nil
        }
        guard range.contains(Int64(n)) else {
            fail(key, "\(n) is not allowed", allowed: allowed)
            return nil
        }
        return Int64(n)
    }

    /// An integer in `range`, or `"none"` for no limit (returned as `nil` in `.some`).
    func integerOrNone(_ key: String, _ range: ClosedRange<Int64>, required: Bool = false) -> Int64?? {
        let allowed = "an integer \(range.lowerBound)...\(range.upperBound), or \"none\" for no limit"
        guard let v = value(key, required: required, allowed: allowed) else { return nil }
        if v.type == .string, v.string == "none" { return .some(nil) }
        guard v.type == .int, let n = v.int else {
            wrongType(key, v, allowed: allowed)
            return nil
        }
        guard range.contains(Int64(n)) else {
            fail(key, "\(n) is not allowed", allowed: allowed)
            return nil
        }
        return .some(Int64(n))
    }

    func bool(_ key: String, required: Bool = false) -> Bool? {
        guard let v = value(key, required: required, allowed: "true or false") else { return nil }
        guard v.type == .bool, let b = v.bool else {
            wrongType(key, v, allowed: "true or false")
            return nil
        }
        return b
    }

    /// One of `T`'s raw values.
    func choice<T: RawRepresentable & CaseIterable>(_ key: String, _: T.Type, required: Bool = false) -> T?
    where T.RawValue == String {
        let allowed = T.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: " | ")
        guard let s = string(key, required: required, allowed: allowed) else { return nil }
        guard let t = T(rawValue: s) else {
            let suggestion = Self.nearest(s, in: T.allCases.map(\.rawValue))
            fail(key, "\(Self.quoted(s)) is not allowed" + (suggestion.map { "; did you mean \"\($0)\"?" } ?? ""), allowed: allowed)
            return nil
        }
        return t
    }

    /// Dollars as ``Price4`` raw units in `range` (raw): an integer, a float or a decimal string,
    /// exact to 4 decimals (more decimals are refused, never rounded).
    func price(_ key: String, _ range: ClosedRange<Int64>, required: Bool = false, allowed: String? = nil) -> Price4? {
        let allowed = allowed ?? Self.dollars(range)
        guard let v = value(key, required: required, allowed: allowed) else { return nil }
        switch Self.price4(v) {
        case .failure(let problem):
            fail(key, problem.text, allowed: allowed)
            return nil
        case .success(let p):
            guard range.contains(p.rawValue) else {
                fail(key, "\(Self.render(v)) is not allowed", allowed: allowed)
                return nil
            }
            return p
        }
    }

    /// Dollars as in ``price(_:_:required:allowed:)``, or `"none"` for no limit (`.some(nil)`).
    func priceOrNone(_ key: String, _ range: ClosedRange<Int64>, required: Bool = false) -> Price4?? {
        let allowed = Self.dollars(range) + ", or \"none\" for no limit"
        guard let v = value(key, required: required, allowed: allowed) else { return nil }
        if v.type == .string, v.string == "none" { return .some(nil) }
        return price(key, range, allowed: allowed).map { .some($0) }
    }

    /// An array of strings, each checked by `element` (which reports its own problems with the
    /// element's path and returns nil to drop it).
    func strings(_ key: String, required: Bool = false, allowed: String = "an array of strings") -> [String]? {
        guard let v = value(key, required: required, allowed: allowed) else { return nil }
        guard v.type == .array, let array = v.array else {
            wrongType(key, v, allowed: allowed)
            return nil
        }
        var out: [String] = []
        var ok = true
        for i in 0..<array.count {
            let e = array[i].tomlValue
            guard e.type == .string, let s = e.string else {
                diagnostics.report(path(key) + "[\(i)]", "\(Self.render(e)) is \(Self.typeName(e.type))", allowed: "a string")
                ok = false
                continue
            }
            out.append(s)
        }
        return ok ? out : nil
    }

    /// `host:port`. The port must be 1...65535 (0 too when `allowPortZero`).
    func hostPort(_ key: String, required: Bool = false, allowPortZero: Bool = false, multicast: Bool = false) -> HostPort? {
        let ports = allowPortZero ? "0...65535" : "1...65535"
        let allowed = multicast
            ? "\"group:port\" with an IPv4 multicast group (224.0.0.0-239.255.255.255) and a port \(ports)"
            : "\"host:port\" (an IPv4 address, a [bracketed] IPv6 address or a host name, and a port \(ports))"
        guard let s = string(key, required: required, allowed: allowed) else { return nil }
        guard let hp = Self.parseHostPort(s), allowPortZero || hp.port != 0 else {
            fail(key, "\(Self.quoted(s)) is not allowed", allowed: allowed)
            return nil
        }
        if multicast && !hp.isIPv4Multicast {
            fail(key, "\(Self.quoted(s)) is not a multicast group", allowed: allowed)
            return nil
        }
        return hp
    }

    /// The name of an environment variable (never its value: secrets are not in the file),
    /// which must be set in `environment`.
    func environmentVariable(_ key: String, environment: [String: String], required: Bool = false) -> String? {
        let allowed = "the name of a set environment variable ([A-Za-z_][A-Za-z0-9_]*)"
        guard let name = string(key, required: required, allowed: allowed) else { return nil }
        guard Self.isEnvironmentName(name) else {
            // Not echoed: someone may have put the secret itself here.
            fail(key, "is not an environment variable name (value not shown: it may be a secret)", allowed: allowed)
            return nil
        }
        guard environment[name] != nil else {
            fail(key, "environment variable \(name) is not set", allowed: allowed)
            return nil
        }
        return name
    }

    // MARK: Tables

    /// The sub-table `key`, opened with its `keys` (nil: any key).
    func table(_ key: String, keys: [String]?, required: Bool = false) -> ConfigurationTable? {
        guard let v = value(key, required: required, allowed: "a table") else { return nil }
        guard v.type == .table, let t = v.table else {
            wrongType(key, v, allowed: "a table ([\(path(key))])")
            return nil
        }
        return ConfigurationTable(t, path: path(key), keys: keys, diagnostics: diagnostics)
    }

    /// The array of tables `key` (`[[key]]`), each opened with `keys`; empty when absent.
    func tables(_ key: String, keys: [String], required: Bool = false) -> [ConfigurationTable] {
        let allowed = "an array of tables ([[\(path(key))]])"
        guard let v = value(key, required: required, allowed: allowed) else { return [] }
        guard v.type == .array, let array = v.array else {
            wrongType(key, v, allowed: allowed)
            return []
        }
        var out: [ConfigurationTable] = []
        for i in 0..<array.count {
            let e = array[i].tomlValue
            let p = path(key) + "[\(i)]"
            guard e.type == .table, let t = e.table else {
                diagnostics.report(p, "\(Self.render(e)) is \(Self.typeName(e.type))", allowed: "a table")
                continue
            }
            out.append(ConfigurationTable(t, path: p, keys: keys, diagnostics: diagnostics))
        }
        return out
    }

    /// Every key of this table whose value is a table, in key order, each opened with `keys`
    /// (for tables keyed by name, like `[risk.instruments.AAPL]`).
    func namedTables(keys: [String]) -> [(name: String, table: ConfigurationTable)] {
        var out: [(String, ConfigurationTable)] = []
        for key in table.keys {
            guard let v = table[key]?.tomlValue else { continue }
            guard v.type == .table, let t = v.table else {
                wrongType(key, v, allowed: "a table")
                continue
            }
            out.append((key, ConfigurationTable(t, path: path(key), keys: keys, diagnostics: diagnostics)))
        }
        return out
    }
}

// MARK: Helpers

/// A problem as it goes into a ``ConfigurationError`` (why a value is not a price, why a file cannot be read).
struct ConfigurationProblem: Error, ExpressibleByStringInterpolation {
    var text: String
    init(_ text: String) { self.text = text }
    init(stringLiteral value: String) { text = value }
}

extension ConfigurationTable {
    static func typeName(_ t: TOMLType) -> String {
        switch t {
        case .table: "a table"
        case .array: "an array"
        case .string: "a string"
        case .int: "an integer"
        case .double: "a floating-point number"
        case .bool: "a boolean"
        case .date: "a date"
        case .time: "a time"
        case .dateTime: "a date-time"
        }
    }

    /// The value as it would be written in TOML (tables and arrays abbreviated).
    static func render(_ v: TOMLValue) -> String {
        switch v.type {
        case .string: return quoted(v.string ?? "")
        case .int: return v.int.map(String.init) ?? "?"
        case .double: return v.double.map { "\($0)" } ?? "?"
        case .bool: return v.bool.map { $0 ? "true" : "false" } ?? "?"
        case .table: return "{…}"
        case .array: return "[…]"
        default: return v.debugDescription
        }
    }

    static func quoted(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where c.value < 0x20 || c.value == 0x7F: out += "\\u{\(String(c.value, radix: 16))}"
            default: out.unicodeScalars.append(c)
            }
        }
        return out + "\""
    }

    /// "dollars with at most 4 decimals, lo...hi".
    static func dollars(_ range: ClosedRange<Int64>) -> String {
        "dollars with at most 4 decimals, \(dollarText(range.lowerBound))...\(dollarText(range.upperBound))"
    }

    /// Raw Price4 as the shortest exact decimal: 1_900_000 → "190", 30 → "0.003".
    static func dollarText(_ raw: Int64) -> String {
        var s = Price4(rawValue: raw).description
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }

    /// A TOML integer, float or decimal string as dollars, exactly: the failure is the problem.
    static func price4(_ v: TOMLValue) -> Result<Price4, ConfigurationProblem> {
        let text: String
        switch v.type {
        case .int:
            guard let n = v.int else { return .failure(ConfigurationProblem("unreadable integer")) }
            let (raw, overflow) = Int64(n).multipliedReportingOverflow(by: 10_000)
            return overflow ? .failure(ConfigurationProblem("\(n) is out of range")) : .success(Price4(rawValue: raw))
        case .double:
            guard let d = v.double, d.isFinite else { return .failure("\(render(v)) is not a number") }
            text = "\(d)"
            // Swift writes the shortest decimal that reads back as the same Double: "0.003" for
            // 0.0030, so the decimals the user wrote survive; an exponent means < 1e-4 or ≥ 2^53.
            if text.contains("e") {
                return .failure(ConfigurationProblem(abs(d) < 1 ? "\(text) has more than 4 decimals" : "\(text) is out of range"))
            }
        case .string:
            text = v.string ?? ""
        default:
            return .failure("\(render(v)) is \(typeName(v.type))")
        }
        do throws(PriceParseError) {
            return .success(try Price4(parsing: text))
        } catch {
            switch error.reason {
            case .tooManyFractionDigits: return .failure("\(v.type == .string ? quoted(text) : text) has more than 4 decimals")
            case .outOfRange: return .failure("\(v.type == .string ? quoted(text) : text) is out of range")
            default: return .failure("\(quoted(text)) is not a decimal number")
            }
        }
    }

    /// `host:port`, `[v6]:port`; nil when malformed.
    static func parseHostPort(_ s: String) -> HostPort? {
        let host: Substring
        let portText: Substring
        if s.hasPrefix("[") {
            guard let close = s.firstIndex(of: "]"), s[s.index(after: close)...].hasPrefix(":") else { return nil }
            host = s[s.index(after: s.startIndex)..<close]
            portText = s[s.index(close, offsetBy: 2)...]
            guard !host.isEmpty, host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else { return nil }
        } else {
            guard let colon = s.lastIndex(of: ":") else { return nil }
            host = s[..<colon]
            portText = s[s.index(after: colon)...]
            guard isHostName(host) else { return nil }
        }
        guard !portText.isEmpty, portText.allSatisfy(\.isASCII), portText.allSatisfy(\.isNumber),
              let port = UInt16(portText) else { return nil }
        return HostPort(host: String(host), port: port)
    }

    /// An IPv4 dotted quad or a DNS name (letters, digits, `-`, `.`; labels 1...63).
    static func isHostName(_ h: some StringProtocol) -> Bool {
        guard !h.isEmpty, h.count <= 253 else { return false }
        let labels = h.split(separator: ".", omittingEmptySubsequences: false)
        if labels.count == 4, labels.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) {
            return labels.allSatisfy { $0.count <= 3 && (UInt16($0) ?? 256) <= 255 }
        }
        return labels.allSatisfy { label in
            (1...63).contains(label.count) && label.first != "-" && label.last != "-"
                && label.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-") }
        }
    }

    static func isEnvironmentName(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return s.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }

    /// The candidate closest to `word` when it is a near miss (edit distance at most a third of
    /// its length, at least 1; or the same word in another case).
    static func nearest(_ word: String, in candidates: [String]) -> String? {
        var best: (String, Int)? = nil
        for c in candidates {
            let d = c.lowercased() == word.lowercased() ? 0 : editDistance(word, c)
            if d <= max(1, word.count / 3), d < (best?.1 ?? .max) { best = (c, d) }
        }
        return best?.0
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
