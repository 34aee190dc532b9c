import VegaCore
import VegaMarketData

/// Smart order routing over a venue table: send an order to the best venue, or split it across
/// venues by displayed liquidity; skip venues that are down; count decisions and outcomes.
///
/// "Best" is by price first (the touch the order would take: lowest ask for a buy, highest bid
/// for a sell), then cost (the venue's take fee per share), then latency. A venue showing
/// nothing within the order's limit ranks after every venue that does; among those, the one
/// paying the best rebate for resting (make fee), then latency, wins — the order will post there.
/// Quantities are rounded down to each venue's lot size.
///
/// ## Contract
/// Tables and scratch are allocated in `init`; ``route(side:quantity:limit:instrument:books:)``
/// and ``split(side:quantity:limit:instrument:books:depth:into:)`` never allocate or lock.
/// Cost: O(venues) for `route`, O(venues × depth) for `split`.
public struct SmartOrderRouter: ~Copyable {
    public let venueCount: Int
    @usableFromInline let venues: UnsafeMutablePointer<VenueInfo>
    @usableFromInline let _counters: UnsafeMutablePointer<VenueRoutingCounters>
    /// Split scratch: next level index and quantity allocated per venue.
    @usableFromInline let cursor: UnsafeMutablePointer<Int>
    @usableFromInline let allocated: UnsafeMutablePointer<UInt64>
    @usableFromInline let worst: UnsafeMutablePointer<Int64>
    /// Orders that found no venue (all down, or less than a lot).
    @usableFromInline var _unrouted: UInt64 = 0
    @inlinable public var unrouted: UInt64 { _unrouted }

    /// A router for `venueCount` venues (1...256), all `.down` until ``setVenue(_:_:)`` describes them.
    public init(venueCount: Int) {
        precondition((1...256).contains(venueCount), "SmartOrderRouter venueCount must be in 1...256, got \(venueCount)")
        self.venueCount = venueCount
        venues = .allocate(capacity: venueCount)
        venues.initialize(repeating: VenueInfo(status: .down), count: venueCount)
        _counters = .allocate(capacity: venueCount)
        _counters.initialize(repeating: VenueRoutingCounters(), count: venueCount)
        cursor = .allocate(capacity: venueCount)
        cursor.initialize(repeating: 0, count: venueCount)
        allocated = .allocate(capacity: venueCount)
        allocated.initialize(repeating: 0, count: venueCount)
        worst = .allocate(capacity: venueCount)
        worst.initialize(repeating: 0, count: venueCount)
    }

    deinit {
        venues.deallocate()
        _counters.deallocate()
        cursor.deallocate()
        allocated.deallocate()
        worst.deallocate()
    }

    /// Describes a venue (status, fees, latency, lot size). Ignored for an out-of-range ID.
    @inlinable
    public mutating func setVenue(_ venue: VenueID, _ info: VenueInfo) {
        guard Int(venue.rawValue) < venueCount else { return }
        venues[Int(venue.rawValue)] = info
    }

    /// Marks a venue up or down (e.g. its session dropped).
    @inlinable
    public mutating func setStatus(_ venue: VenueID, _ status: VenueInfo.Status) {
        guard Int(venue.rawValue) < venueCount else { return }
        venues[Int(venue.rawValue)].status = status
    }

    @inlinable
    public func venue(_ venue: VenueID) -> VenueInfo? {
        Int(venue.rawValue) < venueCount ? venues[Int(venue.rawValue)] : nil
    }

    /// The venue's counters.
    @inlinable
    public func counters(_ venue: VenueID) -> VenueRoutingCounters {
        Int(venue.rawValue) < venueCount ? _counters[Int(venue.rawValue)] : VenueRoutingCounters()
    }

    /// Records a fill of an order routed to `venue` (the outcome side of the counters).
    @inlinable
    public mutating func recordFill(_ venue: VenueID, quantity: Quantity) {
        guard Int(venue.rawValue) < venueCount else { return }
        _counters[Int(venue.rawValue)].fills &+= 1
        _counters[Int(venue.rawValue)].filledQuantity &+= quantity.rawValue
    }

    /// Records a venue reject of an order routed to `venue`.
    @inlinable
    public mutating func recordReject(_ venue: VenueID) {
        guard Int(venue.rawValue) < venueCount else { return }
        _counters[Int(venue.rawValue)].rejects &+= 1
    }
}

// MARK: - Decisions

extension SmartOrderRouter {
    /// Whether displayed price `a` is better than `b` for an order on `side`.
    @inlinable @inline(__always)
    static func better(_ a: Int64, than b: Int64, side: Side) -> Bool { side == .buy ? a < b : a > b }

    /// Whether `price` is within an order's `limit` on `side`.
    @inlinable @inline(__always)
    static func within(_ price: Int64, limit: Int64, side: Side) -> Bool { side == .buy ? price <= limit : price >= limit }

    /// The best venue for the whole order: one leg of `quantity` rounded down to its lot size,
    /// or nil when every venue is down or the quantity is below the chosen venue's lot.
    @inlinable
    public mutating func route<Books: VenueBooks & ~Copyable>(side: Side, quantity: Quantity, limit: Price4,
                                                              instrument: InstrumentID, books: borrowing Books) -> RouteLeg? {
        let locate = instrument.bookLocate
        var best = -1
        var bestHas = false
        var bestPrice: Int64 = 0
        for v in 0..<venueCount {
            let info = venues[v]
            if info.status == .down {
                _counters[v].skippedDown &+= 1
                continue
            }
            var has = false
            var price: Int64 = 0
            if let locate, let l = books.level(venue: VenueID(UInt8(v)), locate: locate, side: side.opposite, index: 0),
               l.shares != 0, Self.within(l.price.rawValue, limit: limit.rawValue, side: side) {
                has = true
                price = l.price.rawValue
            }
            if best < 0 {
                (best, bestHas, bestPrice) = (v, has, price)
                continue
            }
            let b = venues[best]
            let wins: Bool
            if has != bestHas {
                wins = has
            } else if has && price != bestPrice {
                wins = Self.better(price, than: bestPrice, side: side)
            } else {
                let cost = has ? info.takeFee : info.makeFee
                let bestCost = has ? b.takeFee : b.makeFee
                wins = cost != bestCost ? cost < bestCost : info.latency < b.latency
            }
            if wins { (best, bestHas, bestPrice) = (v, has, price) }
        }
        guard best >= 0 else {
            _unrouted &+= 1
            return nil
        }
        let lot = venues[best].lotSize
        let q = quantity.rawValue - quantity.rawValue % lot
        guard q != 0 else {
            _unrouted &+= 1
            return nil
        }
        _counters[best].decisions &+= 1
        _counters[best].routedQuantity &+= q
        return RouteLeg(venue: VenueID(UInt8(best)), quantity: Quantity(q), price: limit)
    }

    /// Splits an order across venues by displayed liquidity within `limit`: takes the best
    /// displayed price anywhere first (ties by take fee, then latency), walking at most `depth`
    /// levels per venue, each take rounded down to the venue's lot. Writes one leg per venue used
    /// (its limit the worst price it takes there) into `legs`.
    ///
    /// - Returns: legs written, and the quantity left unrouted (not displayed within the limit,
    ///   lot remainders, or no room in `legs`) for the caller to post or drop.
    @inlinable
    public mutating func split<Books: VenueBooks & ~Copyable>(
        side: Side, quantity: Quantity, limit: Price4, instrument: InstrumentID, books: borrowing Books,
        depth: Int = 8, into legs: UnsafeMutableBufferPointer<RouteLeg>
    ) -> (legs: Int, unrouted: Quantity) {
        guard let locate = instrument.bookLocate else { return (0, quantity) }
        for v in 0..<venueCount {
            cursor[v] = 0
            allocated[v] = 0
            if venues[v].status == .down { _counters[v].skippedDown &+= 1 }
        }
        var remaining = quantity.rawValue
        while remaining != 0 {
            var best = -1
            var bestLevel = BookLevel.empty
            for v in 0..<venueCount where venues[v].status == .up && cursor[v] < depth {
                guard let l = books.level(venue: VenueID(UInt8(v)), locate: locate, side: side.opposite, index: cursor[v]),
                      l.shares != 0, Self.within(l.price.rawValue, limit: limit.rawValue, side: side)
                else {
                    cursor[v] = depth  // nothing more usable here
                    continue
                }
                if best < 0 || Self.better(l.price.rawValue, than: bestLevel.price.rawValue, side: side)
                    || (l.price.rawValue == bestLevel.price.rawValue
                        && (venues[v].takeFee < venues[best].takeFee
                            || (venues[v].takeFee == venues[best].takeFee && venues[v].latency < venues[best].latency))) {
                    best = v
                    bestLevel = l
                }
            }
            guard best >= 0 else { break }
            let lot = venues[best].lotSize
            let room = min(remaining, bestLevel.shares)
            let take = room - room % lot
            if take != 0 {
                allocated[best] &+= take
                worst[best] = bestLevel.price.rawValue
                remaining &-= take
            }
            cursor[best] &+= 1
        }
        var n = 0
        for v in 0..<venueCount where allocated[v] != 0 {
            guard n < legs.count else {
                remaining &+= allocated[v]
                continue
            }
            legs[n] = RouteLeg(venue: VenueID(UInt8(v)), quantity: Quantity(allocated[v]), price: Price4(rawValue: worst[v]))
            _counters[v].decisions &+= 1
            _counters[v].routedQuantity &+= allocated[v]
            n &+= 1
        }
        if n == 0 { _unrouted &+= 1 }
        return (n, Quantity(remaining))
    }
}
