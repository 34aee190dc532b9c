/// A failure to open, write or read a capture file (off the lane), with what an operator needs
/// to fix it: the file, what was being done, and why.
///
/// Per-packet problems inside a readable capture are not errors: they are counted by
/// ``CaptureSkipReason`` and the packet is skipped, because one bad record must not stop a
/// replay of millions of good ones.
public struct CaptureError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The file could not be opened or created (missing, permissions, disk).
        case open
        /// The file exists but is not a pcap or pcapng capture libpcap can read.
        case notACapture
        /// The capture's link type is not one Vega can strip to UDP.
        case unsupportedLinkType(Int32)
        /// Writing or flushing failed (disk full, I/O error).
        case write
        /// A parameter was not acceptable.
        case invalidConfiguration
    }

    public let kind: Kind
    /// The capture file concerned.
    public let path: String
    /// Why, in words, including what was expected.
    public let reason: String

    public init(_ kind: Kind, path: String, _ reason: String) {
        self.kind = kind
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}
