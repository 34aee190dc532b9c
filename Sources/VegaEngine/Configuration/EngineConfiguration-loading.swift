#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TOMLKit

extension EngineConfiguration {
    /// Reads and validates the TOML file at `path`.
    ///
    /// Relative paths inside it (`[[fix_sessions]] config`) are resolved against the file's
    /// directory. Off the lane, at start: allocates freely; reads the file and any FIX `.cfg`
    /// files it names, nothing else.
    ///
    /// - Throws: ``ConfigurationErrors`` listing every problem found (an unreadable file, TOML
    ///   syntax with line and column, unknown keys, wrong types, values out of range, broken
    ///   references), each with the file, the key path, what is wrong and what is allowed.
    public static func load(path: String, host: ConfigurationHost = .current) throws(ConfigurationErrors) -> EngineConfiguration {
        let text: String
        switch readTextFile(path) {
        case .success(let t): text = t
        case .failure(let problem):
            throw ConfigurationErrors([ConfigurationError(file: path, keyPath: "", problem: problem.text)])
        }
        return try parse(toml: text, file: path, host: host)
    }

    /// Validates TOML text; `file` names it in errors and its directory resolves relative paths
    /// inside it (a bare name such as `"demo.toml"` resolves against the working directory).
    ///
    /// - Throws: ``ConfigurationErrors`` as ``load(path:host:)`` does.
    public static func parse(toml: String, file: String = "<config>", host: ConfigurationHost = .current)
        throws(ConfigurationErrors) -> EngineConfiguration
    {
        let root: TOMLTable
        do {
            root = try TOMLTable(string: toml)
        } catch let error as TOMLParseError {
            throw ConfigurationErrors([
                ConfigurationError(file: file, line: error.source.begin.line, column: error.source.begin.column,
                                   keyPath: "", problem: "TOML syntax: \(error.description)")
            ])
        } catch {
            throw ConfigurationErrors([ConfigurationError(file: file, keyPath: "", problem: "TOML: \(error)")])
        }
        let diagnostics = ConfigurationDiagnostics(file: file, locator: ConfigurationLineLocator(text: toml))
        var parser = ConfigurationParser(diagnostics: diagnostics, host: host, baseDirectory: directory(of: file))
        let configuration = parser.parse(root, source: file)
        if let configuration, diagnostics.errors.isEmpty { return configuration }
        // In file order (problems found without a line, such as a missing table, first).
        let sorted = diagnostics.errors.enumerated().sorted { a, b in
            (a.element.line ?? 0, a.offset) < (b.element.line ?? 0, b.offset)
        }.map(\.element)
        throw ConfigurationErrors(sorted.isEmpty ? [ConfigurationError(file: file, keyPath: "", problem: "invalid")] : sorted)
    }

    /// The directory part of `path` ("." for a bare name).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The file's bytes as UTF-8 text, or the reason it cannot be read.
    static func readTextFile(_ path: String) -> Result<String, ConfigurationProblem> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(ConfigurationProblem("cannot open the file: \(String(cString: strerror(errno)))")) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(ConfigurationProblem("cannot read the file: \(String(cString: strerror(errno)))"))
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
            if bytes.count > 16 << 20 { return .failure(ConfigurationProblem("the file is larger than 16 MiB; a configuration is not")) }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return .failure(ConfigurationProblem("the file is not UTF-8 text"))
        }
        return .success(text)
    }
}
