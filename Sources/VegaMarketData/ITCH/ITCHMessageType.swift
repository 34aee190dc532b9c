// NASDAQ TotalView-ITCH 5.0: the message types and their fixed lengths.
//
// Source: "Nasdaq TotalView-ITCH 5.0" (NQTVITCHspecification.pdf), the revision of 2023-04-28 that
// added the Direct Listing with Capital Raise ('O') message and the Paused ('P') NOII imbalance
// direction. Every message has a fixed length per type; the framing (MoldUDP64 message blocks, or
// the 2-byte length of NASDAQ's file format) states each message's length, so the decoder checks
// the two agree instead of trusting either alone.

/// An ITCH 5.0 message type: its raw value is the type byte on the wire.
@frozen
public enum ITCHMessageType: UInt8, Sendable, CaseIterable, BitwiseCopyable {
    /// 'S' System Event (§1.1).
    case systemEvent = 0x53
    /// 'R' Stock Directory (§1.2.1).
    case stockDirectory = 0x52
    /// 'H' Stock Trading Action (§1.2.2).
    case stockTradingAction = 0x48
    /// 'Y' Reg SHO Short Sale Price Test Restricted Indicator (§1.2.3).
    case regSHORestriction = 0x59
    /// 'L' Market Participant Position (§1.2.4).
    case marketParticipantPosition = 0x4C
    /// 'V' MWCB Decline Level (§1.2.5.1).
    case mwcbDeclineLevel = 0x56
    /// 'W' MWCB Status (§1.2.5.2).
    case mwcbStatus = 0x57
    /// 'K' IPO Quoting Period Update (§1.2.6).
    case ipoQuotingPeriodUpdate = 0x4B
    /// 'J' LULD Auction Collar (§1.2.7).
    case luldAuctionCollar = 0x4A
    /// 'h' Operational Halt (§1.2.8).
    case operationalHalt = 0x68
    /// 'A' Add Order, no MPID attribution (§1.3.1).
    case addOrder = 0x41
    /// 'F' Add Order with MPID attribution (§1.3.2).
    case addOrderMPID = 0x46
    /// 'E' Order Executed (§1.4.1).
    case orderExecuted = 0x45
    /// 'C' Order Executed With Price (§1.4.2).
    case orderExecutedWithPrice = 0x43
    /// 'X' Order Cancel (§1.4.3).
    case orderCancel = 0x58
    /// 'D' Order Delete (§1.4.4).
    case orderDelete = 0x44
    /// 'U' Order Replace (§1.4.5).
    case orderReplace = 0x55
    /// 'P' Trade, non-cross (§1.5.1).
    case trade = 0x50
    /// 'Q' Cross Trade (§1.5.2).
    case crossTrade = 0x51
    /// 'B' Broken Trade (§1.5.3).
    case brokenTrade = 0x42
    /// 'I' Net Order Imbalance Indicator (§1.6).
    case noii = 0x49
    /// 'N' Retail Price Improvement Indicator (§1.7).
    case rpii = 0x4E
    /// 'O' Direct Listing with Capital Raise Price Discovery (§1.8, added 2023).
    case dlcrPriceDiscovery = 0x4F

    /// The message's exact length in bytes, type byte included (the spec's last offset + length).
    @inlinable
    public var length: Int {
        switch self {
        case .systemEvent: 12
        case .stockDirectory: 39
        case .stockTradingAction: 25
        case .regSHORestriction: 20
        case .marketParticipantPosition: 26
        case .mwcbDeclineLevel: 35
        case .mwcbStatus: 12
        case .ipoQuotingPeriodUpdate: 28
        case .luldAuctionCollar: 35
        case .operationalHalt: 21
        case .addOrder: 36
        case .addOrderMPID: 40
        case .orderExecuted: 31
        case .orderExecutedWithPrice: 36
        case .orderCancel: 23
        case .orderDelete: 19
        case .orderReplace: 35
        case .trade: 44
        case .crossTrade: 40
        case .brokenTrade: 19
        case .noii: 50
        case .rpii: 20
        case .dlcrPriceDiscovery: 48
        }
    }

    /// The type for a type byte, or nil for a byte that is not an ITCH 5.0 type.
    ///
    /// Written out rather than the synthesised `init(rawValue:)`, which is not inlinable across
    /// modules, so `@_noLocks` callers could not see into it.
    @inlinable @inline(__always)
    public init?(byte: UInt8) {
        switch byte {
        case 0x53: self = .systemEvent
        case 0x52: self = .stockDirectory
        case 0x48: self = .stockTradingAction
        case 0x59: self = .regSHORestriction
        case 0x4C: self = .marketParticipantPosition
        case 0x56: self = .mwcbDeclineLevel
        case 0x57: self = .mwcbStatus
        case 0x4B: self = .ipoQuotingPeriodUpdate
        case 0x4A: self = .luldAuctionCollar
        case 0x68: self = .operationalHalt
        case 0x41: self = .addOrder
        case 0x46: self = .addOrderMPID
        case 0x45: self = .orderExecuted
        case 0x43: self = .orderExecutedWithPrice
        case 0x58: self = .orderCancel
        case 0x44: self = .orderDelete
        case 0x55: self = .orderReplace
        case 0x50: self = .trade
        case 0x51: self = .crossTrade
        case 0x42: self = .brokenTrade
        case 0x49: self = .noii
        case 0x4E: self = .rpii
        case 0x4F: self = .dlcrPriceDiscovery
        default: return nil
        }
    }

    /// The longest ITCH 5.0 message ('I', 50 bytes): a buffer this large holds any message.
    public static let maximumLength = 50
    /// The shortest ('S' and 'W', 12 bytes): the common header (11 bytes) plus one field.
    public static let minimumLength = 12
}

/// Why the decoder refused a message. Each is counted in ``ITCHCounters``; a refused message is
/// skipped whole (its length came from the framing) and decoding resumes at the next one.
///
/// Field checks are deliberately few: only values that would make a book do something wrong
/// (place an order on no side, at no price, for no shares) are refused. Informational code
/// fields (event codes, market categories, imbalance directions, …) pass through raw, because
/// NASDAQ adds codes within 5.0 (e.g. NOII cross type 'A' in 2022, imbalance 'P' in 2023) and a
/// new code must not cost a message.
@frozen
public enum ITCHReject: UInt8, Sendable, CaseIterable, BitwiseCopyable, Error {
    /// Fewer bytes than the type's fixed length (including no bytes at all).
    case truncated = 0
    /// More bytes than the type's fixed length: the framing and the type disagree.
    case lengthMismatch = 1
    /// The type byte is not an ITCH 5.0 message type.
    case unknownType = 2
    /// The 6-byte timestamp is 24 h or later: nanoseconds since midnight cannot be.
    case invalidTimestamp = 3
    /// A Buy/Sell Indicator other than 'B' or 'S' ('A', 'F', 'P').
    case invalidSide = 4
    /// Zero shares where the message only makes sense with some: 'A', 'F' (shares added), 'E',
    /// 'C' (shares executed), 'X' (shares cancelled), 'U' (new displayed size), 'P' (shares
    /// matched). 'Q' is exempt: the spec says a cross with insufficient interest shows zero shares.
    case invalidShares = 5
    /// A price outside 1…200,000.0000 where a displayed or executed price is required ('A', 'F',
    /// 'U', 'C', 'P'; the spec's maximum Price(4) is 200,000.0000 = 0x77359400), or a Price(8)
    /// MWCB level that does not fit a signed 64-bit price ('V').
    case invalidPrice = 6
    /// A Stock Trading Action state other than 'H', 'P', 'Q', 'T'.
    case invalidTradingState = 7
    /// An Order Executed With Price printable flag other than 'Y' or 'N'.
    case invalidPrintable = 8
    /// File framing only: the 2-byte length promises more bytes than the file has left.
    case truncatedFrame = 9
}
