/// What a journal record holds. The numbering is part of the file format: never renumber.
///
/// Types below 0x8000 are Vega's own; 0x8000 and above are free for a deployment's own records
/// (readers show them as `user(N)`).
@frozen
public struct JournalRecordType: RawRepresentable, Sendable, Hashable, BitwiseCopyable, CustomStringConvertible {
    public var rawValue: UInt16

    @inlinable @inline(__always)
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// A market-data frame as received, with its NIC and kernel timestamps
    /// (payload: ``JournalFrameHeader`` then the frame's bytes).
    public static let marketDataFrame = JournalRecordType(rawValue: 1)
    /// An order-entry message received from a venue or client (payload: ``JournalMessageHeader`` then bytes).
    public static let orderEntryInbound = JournalRecordType(rawValue: 2)
    /// An order-entry message sent (payload: ``JournalMessageHeader`` then bytes).
    public static let orderEntryOutbound = JournalRecordType(rawValue: 3)
    /// A strategy's decision (its order intents for one event).
    public static let strategyDecision = JournalRecordType(rawValue: 4)
    /// A pre-trade risk verdict (accepted, or the reason code of a rejection).
    public static let riskVerdict = JournalRecordType(rawValue: 5)
    /// A configuration change applied at run time (limits, parameters).
    public static let configurationChange = JournalRecordType(rawValue: 6)
    /// A kill switch or circuit breaker tripped or reset, with its cause.
    public static let killSwitch = JournalRecordType(rawValue: 7)
    /// Session start/stop, a lane's start parameters, a note from an operator.
    public static let annotation = JournalRecordType(rawValue: 8)
    /// A timer event delivered to the lane (replay needs it to reproduce time-driven decisions).
    public static let timer = JournalRecordType(rawValue: 9)

    /// The first type number free for a deployment's own records.
    public static let firstUserType: UInt16 = 0x8000

    public var name: String {
        switch rawValue {
        case 1: "market-data-frame"
        case 2: "order-entry-in"
        case 3: "order-entry-out"
        case 4: "strategy-decision"
        case 5: "risk-verdict"
        case 6: "config-change"
        case 7: "kill-switch"
        case 8: "annotation"
        case 9: "timer"
        case let n where n >= Self.firstUserType: "user(\(n))"
        default: "unknown(\(rawValue))"
        }
    }

    public var description: String { name }
}

/// The fixed prefix of a ``JournalRecordType/marketDataFrame`` payload: where and when the frame
/// arrived. 24 bytes, little-endian, followed by the frame's bytes.
@frozen
public struct JournalFrameHeader: Sendable, Equatable, BitwiseCopyable {
    /// NIC hardware (PTP) receive time, TAI nanoseconds; 0 when the NIC gave none.
    public var nicNanoseconds: UInt64
    /// Kernel software receive time, UTC nanoseconds; 0 when none.
    public var kernelNanoseconds: UInt64
    /// Which of the lane's packet queues it came from (feed line A/B, …).
    public var queue: UInt16
    /// Frame flags as the packet queue reported them.
    public var flags: UInt16
    /// The frame's length in bytes (what follows this header).
    public var length: UInt32

    @inlinable
    public init(nicNanoseconds: UInt64, kernelNanoseconds: UInt64, queue: UInt16, flags: UInt16, length: UInt32) {
        self.nicNanoseconds = nicNanoseconds
        self.kernelNanoseconds = kernelNanoseconds
        self.queue = queue
        self.flags = flags
        self.length = length
    }

    public static let size = 24
}

/// The fixed prefix of an order-entry record's payload: which session and protocol. 8 bytes,
/// followed by the message's bytes as they crossed the wire.
@frozen
public struct JournalMessageHeader: Sendable, Equatable, BitwiseCopyable {
    @frozen
    public enum WireProtocol: UInt8, Sendable, BitwiseCopyable {
        case fix = 1
        case soupBinTCP = 2
        case ouch = 3
        case other = 255
    }

    /// The session's index in the engine's configuration.
    public var session: UInt16
    public var wireProtocol: WireProtocol
    public var reserved: UInt8
    /// The message's length in bytes (what follows this header).
    public var length: UInt32

    @inlinable
    public init(session: UInt16, wireProtocol: WireProtocol, length: UInt32) {
        self.session = session
        self.wireProtocol = wireProtocol
        self.reserved = 0
        self.length = length
    }

    public static let size = 8
}
