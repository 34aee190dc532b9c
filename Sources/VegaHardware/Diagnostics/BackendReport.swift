/// One entry of the `backends` section: can this packet-queue backend run here, and why (not).
public typealias BackendReport = BackendStatus

/// Something that can tell which backends are available. `HostReport.gather` takes one, so tests
/// can hand it a fixed answer.
public protocol BackendProbing: Sendable {
    func probe() -> [BackendReport]
}

/// The real probe: `BackendAvailability.probe()`, which checks device nodes, drivers and the
/// traits this binary was built with.
public struct BuiltInBackendProbe: BackendProbing {
    public init() {}
    public func probe() -> [BackendReport] { BackendAvailability.probe() }
}
