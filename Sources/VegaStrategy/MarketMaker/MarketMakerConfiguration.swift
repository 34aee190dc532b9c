import VegaCore
import VegaTrading

/// What a market maker is fixed to for its life: the instrument, where its book is, where it
/// quotes, the price grid and the VPIN window. (What may change while running is in
/// ``MarketMakerParameters``.)
public struct MarketMakerConfiguration: Sendable, Equatable {
    public var instrument: InstrumentID
    /// The instrument's book in the lane's `BookView`.
    public var locate: UInt16
    /// Where the quotes go.
    public var venue: VenueID
    /// The price grid quotes are rounded to (bids down, asks up), Price4 raw (> 0; 100 = $0.01).
    public var tickSize: Price4
    /// VPIN buckets: shares per bucket and buckets in the window.
    public var vpinBucketVolume: UInt64
    public var vpinBucketCount: Int

    public init(instrument: InstrumentID, locate: UInt16, venue: VenueID, tickSize: Price4 = Price4(rawValue: 100),
                vpinBucketVolume: UInt64 = 10_000, vpinBucketCount: Int = 50) {
        self.instrument = instrument
        self.locate = locate
        self.venue = venue
        self.tickSize = tickSize
        self.vpinBucketVolume = vpinBucketVolume
        self.vpinBucketCount = vpinBucketCount
    }

    public func validate() throws(ParameterError) {
        if tickSize.rawValue <= 0 || tickSize.rawValue > 1 << 40 {
            throw ParameterError(parameter: "MarketMaker.tickSize", value: "\(tickSize.rawValue)",
                                 expected: "1...\(Int64(1) << 40) (Price4 raw)")
        }
        if vpinBucketVolume < 1 {
            throw ParameterError(parameter: "MarketMaker.vpinBucketVolume", value: "\(vpinBucketVolume)",
                                 expected: "at least 1 share")
        }
        if vpinBucketCount < 1 || vpinBucketCount > 1 << 20 {
            throw ParameterError(parameter: "MarketMaker.vpinBucketCount", value: "\(vpinBucketCount)",
                                 expected: "1...\(1 << 20)")
        }
    }
}
