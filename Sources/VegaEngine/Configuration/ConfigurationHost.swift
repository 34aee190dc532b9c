#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What loading a configuration checks against on the machine it will run on: the environment
/// variables that secrets are named by, and the number of online CPUs that `core` must be below.
///
/// ``current`` reads this process's; tests pass their own.
public struct ConfigurationHost: Sendable, Equatable {
    /// Environment variables (`password_env`, `metrics_token_env` and the FIX files'
    /// `PasswordEnvironmentVariable` must name one that is set).
    public var environment: [String: String]
    /// CPUs online (`sysconf(_SC_NPROCESSORS_ONLN)`); a lane's `core` must be below it.
    public var onlineCPUs: Int

    public init(environment: [String: String], onlineCPUs: Int) {
        self.environment = environment
        self.onlineCPUs = onlineCPUs
    }

    /// This process's environment and online CPU count. Allocates the dictionary.
    public static var current: ConfigurationHost {
        var env: [String: String] = [:]
        var p = environ
        while let entry = p.pointee {
            let s = String(cString: entry)
            if let eq = s.firstIndex(of: "=") { env[String(s[..<eq])] = String(s[s.index(after: eq)...]) }
            p += 1
        }
        return ConfigurationHost(environment: env, onlineCPUs: max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))))
    }
}
