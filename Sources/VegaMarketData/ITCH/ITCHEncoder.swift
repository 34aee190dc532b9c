import VegaCore

/// The common header every ITCH message starts with, for the encoder.
@frozen
public struct ITCHHeader: Sendable, Equatable, BitwiseCopyable {
    public var stockLocate: UInt16
    public var trackingNumber: UInt16
    /// Nanoseconds since midnight; only the low 48 bits go on the wire.
    public var timestamp: Timestamp<SinceMidnight>

    @inlinable
    public init(stockLocate: UInt16 = 0, trackingNumber: UInt16 = 0, timestamp: Timestamp<SinceMidnight>) {
        self.stockLocate = stockLocate
        self.trackingNumber = trackingNumber
        self.timestamp = timestamp
    }
}

/// Writes ITCH 5.0 messages into a caller's buffer: for tests, for the generator and the venue.
///
/// Each method writes one message at the start of `buffer` and returns its length, or 0 (and
/// writes nothing) when the buffer is too small. It writes what it is given, valid or not, so tests
/// can build refused messages too. No allocation, no locks, no checks beyond the buffer's size.
@frozen
public struct ITCHEncoder {
    public let buffer: UnsafeMutableRawBufferPointer

    @inlinable
    public init(_ buffer: UnsafeMutableRawBufferPointer) { self.buffer = buffer }

    /// An encoder writing `offset` bytes further into the same buffer.
    @inlinable
    public func advanced(by offset: Int) -> ITCHEncoder {
        let n = max(0, min(offset, buffer.count))
        return ITCHEncoder(UnsafeMutableRawBufferPointer(rebasing: buffer[n...]))
    }

    /// Writes a message in NASDAQ's file framing: a 2-byte big-endian length, then the message
    /// `body` writes after it. Returns 2 + the message length, or 0 if it did not fit.
    @inlinable
    public func fileFramed(_ body: (ITCHEncoder) -> Int) -> Int {
        guard buffer.count >= 2, let p = buffer.baseAddress else { return 0 }
        let n = body(advanced(by: 2))
        guard n > 0 else { return 0 }
        p._itchPut16(0, UInt16(truncatingIfNeeded: n))
        return n + 2
    }

    /// Checks room for `type`, writes the header, returns where to write the body.
    @inlinable @inline(__always)
    func begin(_ type: ITCHMessageType, _ h: ITCHHeader) -> UnsafeMutableRawPointer? {
        guard buffer.count >= type.length, let p = buffer.baseAddress else { return nil }
        p.storeBytes(of: type.rawValue, toByteOffset: 0, as: UInt8.self)
        p._itchPut16(1, h.stockLocate)
        p._itchPut16(3, h.trackingNumber)
        p._itchPut16(5, UInt16(truncatingIfNeeded: h.timestamp.nanoseconds >> 32))
        p._itchPut32(7, UInt32(truncatingIfNeeded: h.timestamp.nanoseconds))
        return p
    }

    // MARK: System and stock-related

    @inlinable
    public func systemEvent(_ h: ITCHHeader, eventCode: UInt8) -> Int {
        guard let p = begin(.systemEvent, h) else { return 0 }
        p._itchPut8(11, eventCode)
        return ITCHMessageType.systemEvent.length
    }

    @inlinable
    public func stockDirectory(_ h: ITCHHeader, stock: Symbol, marketCategory: UInt8, financialStatusIndicator: UInt8,
                               roundLotSize: UInt32, roundLotsOnly: UInt8, issueClassification: UInt8,
                               issueSubType: ITCHAlpha2, authenticity: UInt8, shortSaleThresholdIndicator: UInt8,
                               ipoFlag: UInt8, luldReferencePriceTier: UInt8, etpFlag: UInt8,
                               etpLeverageFactor: UInt32, inverseIndicator: UInt8) -> Int {
        guard let p = begin(.stockDirectory, h) else { return 0 }
        p._itchPut64(11, stock.raw)
        p._itchPut8(19, marketCategory)
        p._itchPut8(20, financialStatusIndicator)
        p._itchPut32(21, roundLotSize)
        p._itchPut8(25, roundLotsOnly)
        p._itchPut8(26, issueClassification)
        p._itchPut16(27, issueSubType)
        p._itchPut8(29, authenticity)
        p._itchPut8(30, shortSaleThresholdIndicator)
        p._itchPut8(31, ipoFlag)
        p._itchPut8(32, luldReferencePriceTier)
        p._itchPut8(33, etpFlag)
        p._itchPut32(34, etpLeverageFactor)
        p._itchPut8(38, inverseIndicator)
        return ITCHMessageType.stockDirectory.length
    }

    @inlinable
    public func stockTradingAction(_ h: ITCHHeader, stock: Symbol, tradingState: UInt8, reserved: UInt8 = 0x20,
                                   reason: ITCHAlpha4) -> Int {
        guard let p = begin(.stockTradingAction, h) else { return 0 }
        p._itchPut64(11, stock.raw)
        p._itchPut8(19, tradingState)
        p._itchPut8(20, reserved)
        p._itchPut32(21, reason)
        return ITCHMessageType.stockTradingAction.length
    }

    @inlinable
    public func regSHORestriction(_ h: ITCHHeader, stock: Symbol, regSHOAction: UInt8) -> Int {
        guard let p = begin(.regSHORestriction, h) else { return 0 }
        p._itchPut64(11, stock.raw)
        p._itchPut8(19, regSHOAction)
        return ITCHMessageType.regSHORestriction.length
    }

    @inlinable
    public func marketParticipantPosition(_ h: ITCHHeader, mpid: ITCHAlpha4, stock: Symbol, primaryMarketMaker: UInt8,
                                          marketMakerMode: UInt8, marketParticipantState: UInt8) -> Int {
        guard let p = begin(.marketParticipantPosition, h) else { return 0 }
        p._itchPut32(11, mpid)
        p._itchPut64(15, stock.raw)
        p._itchPut8(23, primaryMarketMaker)
        p._itchPut8(24, marketMakerMode)
        p._itchPut8(25, marketParticipantState)
        return ITCHMessageType.marketParticipantPosition.length
    }

    @inlinable
    public func mwcbDeclineLevel(_ h: ITCHHeader, level1: Price8, level2: Price8, level3: Price8) -> Int {
        guard let p = begin(.mwcbDeclineLevel, h) else { return 0 }
        p._itchPut64(11, UInt64(bitPattern: level1.rawValue))
        p._itchPut64(19, UInt64(bitPattern: level2.rawValue))
        p._itchPut64(27, UInt64(bitPattern: level3.rawValue))
        return ITCHMessageType.mwcbDeclineLevel.length
    }

    @inlinable
    public func mwcbStatus(_ h: ITCHHeader, breachedLevel: UInt8) -> Int {
        guard let p = begin(.mwcbStatus, h) else { return 0 }
        p._itchPut8(11, breachedLevel)
        return ITCHMessageType.mwcbStatus.length
    }

    @inlinable
    public func ipoQuotingPeriodUpdate(_ h: ITCHHeader, stock: Symbol, releaseTime: UInt32, releaseQualifier: UInt8,
                                       ipoPrice: Price4) -> Int {
        guard let p = begin(.ipoQuotingPeriodUpdate, h) else { return 0 }
        p._itchPut64(11, stock.raw)
        p._itchPut32(19, releaseTime)
        p._itchPut8(23, releaseQualifier)
        p._itchPutPrice4(24, ipoPrice)
        return ITCHMessageType.ipoQuotingPeriodUpdate.length
    }

    @inlinable
    public func luldAuctionCollar(_ h: ITCHHeader, stock: Symbol, referencePrice: Price4, upperPrice: Price4,
                                  lowerPrice: Price4, extensions: UInt32) -> Int {
        guard let p = begin(.luldAuctionCollar, h) else { return 0 }
        p._itchPut64(11, stock.raw)
        p._itchPutPrice4(19, referencePrice)
        p._itchPutPrice4(23, upperPrice)
        p._itchPutPrice4(27, lowerPrice)
        p._itchPut32(31, extensions)
        return ITCHMessageType.luldAuctionCollar.length
    }

    @inlinable
    public func operationalHalt(_ h: ITCHHeader, stock: Symbol, marketCode: UInt8, action: UInt8) -> Int {
        guard let p = begin(.operationalHalt, h) else { return 0 }
        p._itchPut64(11, stock.raw)
        p._itchPut8(19, marketCode)
        p._itchPut8(20, action)
        return ITCHMessageType.operationalHalt.length
    }

    // MARK: Orders

    /// 'A' (attribution nil) or 'F' (attribution given).
    @inlinable
    public func addOrder(_ h: ITCHHeader, reference: UInt64, side: UInt8, shares: UInt32, stock: Symbol, price: Price4,
                         attribution: ITCHAlpha4? = nil) -> Int {
        guard let p = begin(attribution == nil ? .addOrder : .addOrderMPID, h) else { return 0 }
        p._itchPut64(11, reference)
        p._itchPut8(19, side)
        p._itchPut32(20, shares)
        p._itchPut64(24, stock.raw)
        p._itchPutPrice4(32, price)
        guard let attribution else { return ITCHMessageType.addOrder.length }
        p._itchPut32(36, attribution)
        return ITCHMessageType.addOrderMPID.length
    }

    @inlinable
    public func orderExecuted(_ h: ITCHHeader, reference: UInt64, shares: UInt32, matchNumber: UInt64) -> Int {
        guard let p = begin(.orderExecuted, h) else { return 0 }
        p._itchPut64(11, reference)
        p._itchPut32(19, shares)
        p._itchPut64(23, matchNumber)
        return ITCHMessageType.orderExecuted.length
    }

    @inlinable
    public func orderExecutedWithPrice(_ h: ITCHHeader, reference: UInt64, shares: UInt32, matchNumber: UInt64,
                                       printable: UInt8, price: Price4) -> Int {
        guard let p = begin(.orderExecutedWithPrice, h) else { return 0 }
        p._itchPut64(11, reference)
        p._itchPut32(19, shares)
        p._itchPut64(23, matchNumber)
        p._itchPut8(31, printable)
        p._itchPutPrice4(32, price)
        return ITCHMessageType.orderExecutedWithPrice.length
    }

    @inlinable
    public func orderCancel(_ h: ITCHHeader, reference: UInt64, shares: UInt32) -> Int {
        guard let p = begin(.orderCancel, h) else { return 0 }
        p._itchPut64(11, reference)
        p._itchPut32(19, shares)
        return ITCHMessageType.orderCancel.length
    }

    @inlinable
    public func orderDelete(_ h: ITCHHeader, reference: UInt64) -> Int {
        guard let p = begin(.orderDelete, h) else { return 0 }
        p._itchPut64(11, reference)
        return ITCHMessageType.orderDelete.length
    }

    @inlinable
    public func orderReplace(_ h: ITCHHeader, original: UInt64, replacement: UInt64, shares: UInt32, price: Price4) -> Int {
        guard let p = begin(.orderReplace, h) else { return 0 }
        p._itchPut64(11, original)
        p._itchPut64(19, replacement)
        p._itchPut32(27, shares)
        p._itchPutPrice4(31, price)
        return ITCHMessageType.orderReplace.length
    }

    // MARK: Trades

    @inlinable
    public func trade(_ h: ITCHHeader, reference: UInt64 = 0, side: UInt8, shares: UInt32, stock: Symbol, price: Price4,
                      matchNumber: UInt64) -> Int {
        guard let p = begin(.trade, h) else { return 0 }
        p._itchPut64(11, reference)
        p._itchPut8(19, side)
        p._itchPut32(20, shares)
        p._itchPut64(24, stock.raw)
        p._itchPutPrice4(32, price)
        p._itchPut64(36, matchNumber)
        return ITCHMessageType.trade.length
    }

    @inlinable
    public func crossTrade(_ h: ITCHHeader, shares: UInt64, stock: Symbol, price: Price4, matchNumber: UInt64,
                           crossType: UInt8) -> Int {
        guard let p = begin(.crossTrade, h) else { return 0 }
        p._itchPut64(11, shares)
        p._itchPut64(19, stock.raw)
        p._itchPutPrice4(27, price)
        p._itchPut64(31, matchNumber)
        p._itchPut8(39, crossType)
        return ITCHMessageType.crossTrade.length
    }

    @inlinable
    public func brokenTrade(_ h: ITCHHeader, matchNumber: UInt64) -> Int {
        guard let p = begin(.brokenTrade, h) else { return 0 }
        p._itchPut64(11, matchNumber)
        return ITCHMessageType.brokenTrade.length
    }

    // MARK: Auctions and retail interest

    @inlinable
    public func noii(_ h: ITCHHeader, pairedShares: UInt64, imbalanceShares: UInt64, imbalanceDirection: UInt8,
                     stock: Symbol, farPrice: Price4, nearPrice: Price4, currentReferencePrice: Price4,
                     crossType: UInt8, priceVariationIndicator: UInt8) -> Int {
        guard let p = begin(.noii, h) else { return 0 }
        p._itchPut64(11, pairedShares)
        p._itchPut64(19, imbalanceShares)
        p._itchPut8(27, imbalanceDirection)
        p._itchPut64(28, stock.raw)
        p._itchPutPrice4(36, farPrice)
        p._itchPutPrice4(40, nearPrice)
        p._itchPutPrice4(44, currentReferencePrice)
        p._itchPut8(48, crossType)
        p._itchPut8(49, priceVariationIndicator)
        return ITCHMessageType.noii.length
    }

    @inlinable
    public func rpii(_ h: ITCHHeader, stock: Symbol, interestFlag: UInt8) -> Int {
        guard let p = begin(.rpii, h) else { return 0 }
        p._itchPut64(11, stock.raw)
        p._itchPut8(19, interestFlag)
        return ITCHMessageType.rpii.length
    }

    @inlinable
    public func dlcrPriceDiscovery(_ h: ITCHHeader, stock: Symbol, openEligibilityStatus: UInt8,
                                   minimumAllowablePrice: Price4, maximumAllowablePrice: Price4,
                                   nearExecutionPrice: Price4, nearExecutionTime: UInt64,
                                   lowerPriceRangeCollar: Price4, upperPriceRangeCollar: Price4) -> Int {
        guard let p = begin(.dlcrPriceDiscovery, h) else { return 0 }
        p._itchPut64(11, stock.raw)
        p._itchPut8(19, openEligibilityStatus)
        p._itchPutPrice4(20, minimumAllowablePrice)
        p._itchPutPrice4(24, maximumAllowablePrice)
        p._itchPutPrice4(28, nearExecutionPrice)
        p._itchPut64(32, nearExecutionTime)
        p._itchPutPrice4(40, lowerPriceRangeCollar)
        p._itchPutPrice4(44, upperPriceRangeCollar)
        return ITCHMessageType.dlcrPriceDiscovery.length
    }
}

// MARK: - Field stores

extension UnsafeMutableRawPointer {
    @inlinable @inline(__always)
    func _itchPut8(_ offset: Int, _ v: UInt8) { storeBytes(of: v, toByteOffset: offset, as: UInt8.self) }

    @inlinable @inline(__always)
    func _itchPut16(_ offset: Int, _ v: UInt16) { storeBytes(of: v.bigEndian, toByteOffset: offset, as: UInt16.self) }

    @inlinable @inline(__always)
    func _itchPut32(_ offset: Int, _ v: UInt32) { storeBytes(of: v.bigEndian, toByteOffset: offset, as: UInt32.self) }

    @inlinable @inline(__always)
    func _itchPut64(_ offset: Int, _ v: UInt64) { storeBytes(of: v.bigEndian, toByteOffset: offset, as: UInt64.self) }

    /// Price(4) is 4 unsigned bytes: the low 32 bits of the raw value go on the wire.
    @inlinable @inline(__always)
    func _itchPutPrice4(_ offset: Int, _ price: Price4) { _itchPut32(offset, UInt32(truncatingIfNeeded: price.rawValue)) }
}
