import VegaOrderEntry

/// `[telemetry]`: the Prometheus endpoint and the latency profiler.
public struct TelemetryConfiguration: Sendable, Equatable {
    /// `profile`: which tick-to-trade stages the lane stamps.
    public enum Profile: String, Sendable, Equatable, CaseIterable {
        /// Every stage (NIC/kernel RX, lane receive, book, strategy, risk, encode, TX).
        case full
        /// Receive and TX only: two stamps per path, the end-to-end figure without the breakdown.
        case endpoints
        /// No stamps, no profile file.
        case off
    }

    /// `metrics_listen`: where the Prometheus endpoint listens; `nil` (omitted): no endpoint.
    /// Port 0 is allowed here (an ephemeral port, reported at start).
    public var metricsListen: HostPort?
    /// `metrics_token_env`: the NAME of the environment variable holding the endpoint's bearer
    /// token; `nil`: no authentication. Checked to be set at load when given.
    public var metricsTokenEnvironmentVariable: String?
    public var profile: Profile
    /// `profile_file`: where the latency profile is written at stop (relative to the working
    /// directory); `nil` (omitted): not written. Not allowed with `profile = "off"`.
    public var profileFile: String?
    /// `outlier_ns`: a tick-to-trade path slower than this is logged with the event that caused
    /// it (1...10^12 ns; default 20,000).
    public var outlierNanoseconds: UInt64

    public init(metricsListen: HostPort? = nil, metricsTokenEnvironmentVariable: String? = nil, profile: Profile = .full,
                profileFile: String? = nil, outlierNanoseconds: UInt64 = 20_000) {
        self.metricsListen = metricsListen
        self.metricsTokenEnvironmentVariable = metricsTokenEnvironmentVariable
        self.profile = profile
        self.profileFile = profileFile
        self.outlierNanoseconds = outlierNanoseconds
    }
}

/// `[[fix_sessions]]`: a QuickFIX-format `.cfg` file of client-facing FIX sessions, read and
/// validated by VegaOrderEntry's ``FIXConfiguration`` at load (its errors are reported under
/// `fix_sessions[i].config` with the `.cfg` file's own line).
public struct FIXSessionsFile: Sendable, Equatable {
    /// `config` as written in the TOML file.
    public var config: String
    /// The path read: `config` resolved against the TOML file's directory.
    public var path: String
    /// The parsed sessions (passwords already resolved from their environment variables).
    public var configuration: FIXConfiguration

    public init(config: String, path: String, configuration: FIXConfiguration) {
        self.config = config
        self.path = path
        self.configuration = configuration
    }

    /// Same path and the same session IDs (``FIXConfiguration`` is not `Equatable`).
    public static func == (a: FIXSessionsFile, b: FIXSessionsFile) -> Bool {
        a.config == b.config && a.path == b.path
            && a.configuration.sessions.map(\.configuration.sessionID) == b.configuration.sessions.map(\.configuration.sessionID)
    }
}
