/// A strategy's run-time parameters: a plain value (no references, so it can be copied
/// between threads as bytes) that can say whether it is usable.
///
/// ``validate()`` runs off the lane, in ``ParameterChannel/publish(_:)``: invalid values are
/// refused there with the reason and never reach the lane.
public protocol StrategyParameters: BitwiseCopyable, Sendable, Equatable {
    /// Throws the first field that is out of range, with the value and what was expected.
    func validate() throws(ParameterError)
}

/// A parameter value that cannot be used: which parameter, the value given, what was expected.
public struct ParameterError: Error, Equatable, CustomStringConvertible {
    public var parameter: String
    public var value: String
    public var expected: String

    public init(parameter: String, value: String, expected: String) {
        self.parameter = parameter
        self.value = value
        self.expected = expected
    }

    public var description: String { "parameter \(parameter) = \(value): expected \(expected)" }
}
