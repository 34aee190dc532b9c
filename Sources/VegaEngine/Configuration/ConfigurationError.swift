/// One problem in a configuration file: where it is, what is wrong, what is allowed.
///
/// Rendered on one line, e.g.
/// `demo.toml:57: strategies[0].parameters.quote_size: -5 is not allowed (allowed: an integer 1...4294967296)`.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file as given to ``EngineConfiguration/load(path:host:)`` (or the `file` name given
    /// to ``EngineConfiguration/parse(toml:file:host:)``).
    public var file: String
    /// 1-based line of the problem when known: TOML syntax errors always have one (and
    /// ``column``); other problems carry the line of the key, or of the table that lacks it.
    public var line: Int?
    /// 1-based column, for TOML syntax errors.
    public var column: Int?
    /// The key path in the file's terms: `venues[1].feed.line_a`, `risk.instruments.AAPL.max_long`;
    /// empty for a problem with the whole file (unreadable, syntax).
    public var keyPath: String
    /// What is wrong, e.g. `-5 is not allowed`, `missing`, `unknown key; did you mean "line_a"?`.
    public var problem: String
    /// What would be accepted, e.g. `an integer 1...65535`; `nil` when the problem says it all.
    public var allowed: String?

    public init(file: String, line: Int? = nil, column: Int? = nil, keyPath: String, problem: String, allowed: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.keyPath = keyPath
        self.problem = problem
        self.allowed = allowed
    }

    /// `file[:line[:column]]: [keyPath: ]problem[ (allowed: …)]`.
    public var description: String {
        var s = file
        if let line {
            s += ":\(line)"
            if let column { s += ":\(column)" }
        }
        s += ": "
        if !keyPath.isEmpty { s += keyPath + ": " }
        s += problem
        if let allowed { s += " (allowed: \(allowed))" }
        return s
    }
}

/// Every problem found in a configuration file (never empty), in the order of the file's
/// sections. Loading does not stop at the first: fix them all in one pass.
public struct ConfigurationErrors: Error, Sendable, Hashable, CustomStringConvertible {
    public var errors: [ConfigurationError]

    public init(_ errors: [ConfigurationError]) { self.errors = errors }

    /// One line per problem.
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
