import Glibc

/// A failure of a hardware operation on the lane: which operation, and the errno it returned.
///
/// Deliberately trivial (a `StaticString` and an `Int32`): throwing it allocates nothing, so
/// lane functions can use typed throws and still be `@_noAllocation`.
@frozen
public struct HardwareError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The C call or step that failed, e.g. `"recvmmsg"`.
    public let operation: StaticString
    /// The positive errno value.
    public let code: Int32

    @inlinable
    public init(_ operation: StaticString, code: Int32) {
        self.operation = operation
        self.code = code
    }

    /// Builds an error from a shim's `-errno` return value.
    @inlinable
    public init(_ operation: StaticString, negativeErrno: some BinaryInteger) {
        self.init(operation, code: Int32(truncatingIfNeeded: 0 - negativeErrno))
    }

    public var description: String {
        "\(operation): \(String(cString: strerror(code))) (errno \(code))"
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.code == b.code && a.operation.description == b.operation.description
    }
}

/// A failure while opening or configuring a backend (off the lane), with the context an
/// operator needs to fix it.
public struct HardwareSetupError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable, Equatable {
        /// The backend cannot work on this host (no SDK, no device, not built with its trait).
        case unavailable
        /// A system call failed.
        case system(errno: Int32)
        /// A parameter or a device's contents were not acceptable.
        case invalid
    }

    public let kind: Kind
    /// What was being done, e.g. `"open /dev/ptp0"`.
    public let operation: String
    /// Why, in words, including what was expected.
    public let reason: String

    public init(_ kind: Kind, _ operation: String, _ reason: String) {
        self.kind = kind
        self.operation = operation
        self.reason = reason
    }

    /// From a shim's `-errno` return value.
    public static func system(_ operation: String, negativeErrno: some BinaryInteger) -> Self {
        let code = Int32(truncatingIfNeeded: 0 - negativeErrno)
        return .init(.system(errno: code), operation, String(cString: strerror(code)))
    }

    public static func unavailable(_ backend: String, _ why: String) -> Self {
        .init(.unavailable, backend, "unavailable: \(why)")
    }

    public var description: String { "\(operation): \(reason)" }
}
