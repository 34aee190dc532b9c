import Testing
import VegaEngine

/// Shared by the configuration tests: where Config/ is, a host to load against, a small valid
/// configuration to break, and a way to get the errors of a text.
enum ConfigTestSupport {
    /// The repository's Config/ directory (this file is Tests/VegaEngineTests/Configuration/…).
    static var configDirectory: String {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(4)
        return parts.joined(separator: "/") + "/Config"
    }

    /// Secrets the example files name are "set"; 16 CPUs online.
    static let host = ConfigurationHost(
        environment: ["VEGA_NASDAQ_PASSWORD": "x", "VEGA_NYSE_PASSWORD": "x", "VEGA_METRICS_TOKEN": "t", "CLIENT_PW": "p"],
        onlineCPUs: 16)

    /// A small valid sim configuration: one venue, one instrument, one lane, one market maker.
    static let minimal = """
        [engine]
        name = "t"
        backend = "sim"

        [[accounts]]
        name = "main"
        id = 1

        [[venues]]
        name = "NASDAQ"
        id = 0
          [venues.feed]
          session = "NASDAQ0001"
          backend = "sim"
          [venues.fees]
          take_per_share = 0.0030
          make_per_share = -0.0020

        [[venues]]
        name = "NYSE"
        id = 1
          [venues.feed]
          session = "NYSE000001"
          backend = "sim"

        [[instruments]]
        symbol = "AAPL"
        id = 1
        tick = 0.01
        lot = 100
        reference_price = 190.00
        venues = ["NASDAQ", "NYSE"]

        [[lanes]]
        name = "lane0"
        instruments = ["AAPL"]

        [[strategies]]
        name = "mm"
        kind = "market_maker"
        id = 1
        account = "main"
        instrument = "AAPL"
        venue = "NASDAQ"
          [strategies.parameters]
          half_spread = 0.02
          quote_size = 100
          max_position = 1000

        """

    /// `text` with the first occurrence of `old` replaced (which must be present).
    static func replacing(_ old: String, with new: String, in text: String = minimal,
                          sourceLocation: SourceLocation = #_sourceLocation) -> String {
        guard let range = text.range(of: old) else {
            Issue.record("\"\(old)\" is not in the text", sourceLocation: sourceLocation)
            return text
        }
        return text.replacingCharacters(in: range, with: new)
    }

    /// The errors `text` produces (recording an issue if it parses).
    static func errors(_ text: String, file: String = "test.toml", host: ConfigurationHost = host,
                       sourceLocation: SourceLocation = #_sourceLocation) -> [ConfigurationError] {
        do {
            _ = try EngineConfiguration.parse(toml: text, file: file, host: host)
            Issue.record("expected errors, but it parsed", sourceLocation: sourceLocation)
            return []
        } catch {
            return error.errors
        }
    }

    /// The configuration `text` produces (recording the errors if it does not parse).
    static func parse(_ text: String, file: String = "test.toml", host: ConfigurationHost = host,
                      sourceLocation: SourceLocation = #_sourceLocation) -> EngineConfiguration? {
        do {
            return try EngineConfiguration.parse(toml: text, file: file, host: host)
        } catch {
            Issue.record("did not parse:\n\(error)", sourceLocation: sourceLocation)
            return nil
        }
    }
}

extension String {
    /// Foundation-free replacement used by the tests.
    fileprivate func range(of needle: String) -> Range<String.Index>? {
        guard !needle.isEmpty else { return nil }
        var i = startIndex
        while i < endIndex {
            if self[i...].hasPrefix(needle) { return i..<index(i, offsetBy: needle.count) }
            i = index(after: i)
        }
        return nil
    }

    fileprivate func replacingCharacters(in range: Range<String.Index>, with new: String) -> String {
        String(self[..<range.lowerBound]) + new + String(self[range.upperBound...])
    }
}
