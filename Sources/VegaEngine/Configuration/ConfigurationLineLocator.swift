/// Finds the line of a key path in TOML text, so that errors found after parsing (TOMLKit keeps
/// no positions for values) can still point at a line.
///
/// A line scan, not a second parser: it follows `[table]` and `[[array.of.tables]]` headers,
/// `key = value` lines (dotted keys included) and the keys of a one-line inline table
/// (`order_rate = { per_second = 10, burst = 5 }`). Paths are rendered as the reader renders
/// them: `venues[1].feed.line_a`, `risk.instruments."BRK.A".max_long`. A path it cannot find
/// falls back to its nearest enclosing table's line, then to no line at all — never a wrong
/// line for a file TOMLKit accepted.
struct ConfigurationLineLocator {
    private var lines: [String: Int] = [:]

    init(text: String) {
        var arrayCounts: [String: Int] = [:]  // rendered array-of-tables path → elements so far
        var current: [String] = []  // rendered components of the current table
        var number = 0
        var inMultilineString: String? = nil
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            let line = ConfigurationPath.trimmed(raw, " \t\r")
            if let delimiter = inMultilineString {
                if line.contains(delimiter) { inMultilineString = nil }
                continue
            }
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("[[") {
                guard let keys = Self.keys(in: line.dropFirst(2), until: "]") else { continue }
                let resolved = Self.resolve(keys, arrayCounts: arrayCounts)
                let arrayPath = resolved.joined(separator: ".")
                let index = arrayCounts[arrayPath, default: 0]
                arrayCounts[arrayPath] = index + 1
                current = resolved
                current[current.count - 1] += "[\(index)]"
                record(current, number)
                continue
            }
            if line.hasPrefix("[") {
                guard let keys = Self.keys(in: line.dropFirst(), until: "]") else { continue }
                current = Self.resolve(keys, arrayCounts: arrayCounts)
                record(current, number)
                continue
            }
            guard let eq = Self.assignment(in: Substring(line)),
                  let keys = Self.keys(in: line[..<eq], until: nil) else { continue }
            let path = current + keys
            record(path, number)
            let value = ConfigurationPath.trimmed(line[line.index(after: eq)...], " \t")
            if value.hasPrefix("{") { recordInline(Substring(value.dropFirst()), path, number) }
            for delimiter in ["\"\"\"", "'''"] where value.hasPrefix(delimiter) {
                if !value.dropFirst(3).contains(delimiter) { inMultilineString = delimiter }
            }
        }
    }

    /// The 1-based line of `path` or of its nearest enclosing table found in the text.
    func line(of path: String) -> Int? {
        var p = Substring(path)
        while !p.isEmpty {
            if let n = lines[String(p)] { return n }
            guard let cut = Self.lastSeparator(in: p) else { return nil }
            p = p[..<cut]
        }
        return nil
    }

    private mutating func record(_ components: [String], _ line: Int) {
        let key = components.joined(separator: ".")
        if lines[key] == nil { lines[key] = line }
    }

    private mutating func recordInline(_ text: Substring, _ path: [String], _ line: Int) {
        // One level: `a = 1, b = "x" }`; nested inline tables are recorded at their key only.
        for part in text.split(separator: ",") {
            guard let eq = Self.assignment(in: part), let keys = Self.keys(in: part[..<eq], until: nil) else { continue }
            record(path + keys, line)
        }
    }

    /// Where a path's last component starts: its `[index]` or the `.` before it (outside quotes).
    private static func lastSeparator(in p: Substring) -> Substring.Index? {
        if p.hasSuffix("]"), let open = p.lastIndex(of: "[") { return open }
        var inQuote = false
        var last: Substring.Index? = nil
        for i in p.indices {
            if p[i] == "\"" { inQuote.toggle() } else if p[i] == "." && !inQuote { last = i }
        }
        return last
    }

    /// Replaces each prefix that names an array of tables by its latest element.
    private static func resolve(_ keys: [String], arrayCounts: [String: Int]) -> [String] {
        var out: [String] = []
        for k in keys {
            out.append(k)
            let arrayPath = out.joined(separator: ".")
            if arrayPath != keys.joined(separator: "."), let n = arrayCounts[arrayPath], n > 0 {
                out[out.count - 1] += "[\(n - 1)]"
            }
        }
        return out
    }

    /// The `=` of `key = value` (outside quotes), if the text starts with a key.
    private static func assignment(in s: Substring) -> Substring.Index? {
        var quote: Character? = nil
        for i in s.indices {
            let c = s[i]
            if let q = quote {
                if c == q { quote = nil }
            } else if c == "\"" || c == "'" {
                quote = c
            } else if c == "=" {
                return i
            } else if c == "#" || c == "[" || c == "{" {
                return nil
            }
        }
        return nil
    }

    /// Dotted keys (bare or quoted) up to `terminator`, rendered as the reader renders path
    /// components.
    private static func keys(in s: Substring, until terminator: Character?) -> [String]? {
        var keys: [String] = []
        var currentKey = ""
        var quote: Character? = nil
        var sawQuoted = false
        for c in s {
            if let q = quote {
                if c == q { quote = nil } else { currentKey.append(c) }
                continue
            }
            if c == terminator { break }
            switch c {
            case "\"", "'":
                quote = c
                sawQuoted = true
            case ".":
                keys.append(ConfigurationPath.component(currentKey))
                currentKey = ""
                sawQuoted = false
            case " ", "\t":
                continue
            default:
                currentKey.append(c)
            }
        }
        if currentKey.isEmpty && !sawQuoted { return nil }
        keys.append(ConfigurationPath.component(currentKey))
        return keys
    }
}

/// How key paths are spelled in errors.
enum ConfigurationPath {
    /// A key as a path component: bare when it is a TOML bare key, quoted otherwise.
    static func component(_ key: String) -> String {
        let bare = !key.isEmpty && key.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-"
        }
        return bare ? key : "\"" + key + "\""
    }

    /// `parent.key` (or `key` at the root).
    static func join(_ parent: String, _ key: String) -> String {
        parent.isEmpty ? component(key) : parent + "." + component(key)
    }

    /// `s` without leading and trailing characters from `set`.
    static func trimmed(_ s: some StringProtocol, _ set: String) -> String {
        var t = Substring(s)
        while let f = t.first, set.contains(f) { t = t.dropFirst() }
        while let l = t.last, set.contains(l) { t = t.dropLast() }
        return String(t)
    }
}
