import VegaCore
import VegaMarketData

extension RiskEngine {
    /// Decides whether `intent` may go out, and counts the decision.
    ///
    /// New orders and replaces pass, in order (the first failure is the reason): identifiers
    /// in range; kill switches (global, account, strategy, instrument); restricted list;
    /// trading status (halted/paused refuse, quotation-only admits post-only); market-data
    /// freshness; quantity and price sane; max order quantity and notional; price collar
    /// against `book`'s top of book; the account's order-rate bucket; open orders and open
    /// notional (account, lane); the instrument's long/short/gross position including working
    /// orders (a replace counts its new leaves instead of its old ones); the account's long,
    /// short and gross notional exposure; self-match against our resting orders at the venue.
    /// Cancels pass when the order is working and the account's cancel bucket has a token
    /// (kill switches never block a cancel). A token is taken only when the intent is accepted.
    ///
    /// `orders` and `positions` are the lane's OMS and positions; `book` is the book of the
    /// intent's venue (``InstrumentID/bookLocate`` picks the instrument in it).
    ///
    /// - Cost: O(1) — the walk of our opposite-side orders for self-match happens only when the
    ///   price reaches the best of them (``OrderManager/restingBestPrice(instrument:side:)``).
    ///   Lines touched for a new order: the instrument's risk line (limits, status, market-data
    ///   time: one), the lane limits, the account's limits, rate bucket, working exposure and P&L
    ///   totals, the instrument's working exposure and own best price, its lane position (a hash
    ///   probe in ``PositionBook``), four kill-switch bytes and the book's top. No allocation, no
    ///   lock, no trap.
    ///
    /// Always inlined (its one lane caller is ``TradingCore/submit(_:book:now:)``): called out of
    /// line from there, the OMS and the position book it borrows were copied for every call
    /// (520 + 272 bytes).
    @inlinable @inline(__always)
    public mutating func check<Book: BookView & ~Copyable>(
        _ intent: OrderIntent, book: borrowing Book, orders: borrowing OrderManager,
        positions: borrowing PositionBook, now: UInt64
    ) -> RiskVerdict {
        _checks &+= 1
        if let reason = firstFailure(intent, book: book, orders: orders, positions: positions, now: now) {
            _rejectCounts[Int(reason.rawValue)] &+= 1
            return .reject(reason)
        }
        _accepted &+= 1
        return .accept
    }

    @inlinable @inline(__always)
    mutating func firstFailure<Book: BookView & ~Copyable>(
        _ intent: OrderIntent, book: borrowing Book, orders: borrowing OrderManager,
        positions: borrowing PositionBook, now: UInt64
    ) -> RiskReject? {
        let i = Int(intent.instrument.rawValue)
        let a = Int(intent.account.rawValue)
        let s = Int(intent.strategy.rawValue)
        guard i < capacity.instruments else { return .unknownInstrument }
        guard a < capacity.accounts else { return .unknownAccount }
        guard s < capacity.strategies else { return .unknownStrategy }

        if intent.kind == .cancel {
            guard let o = orders.order(intent.orderID), o.id.rawValue == intent.orderID.rawValue,
                  o.isCancelable
            else { return .orderNotWorking }
            let oa = Int(o.account.rawValue)
            // A cancel under a thrown kill switch is never held back by the cancel rate.
            if case .some = killSwitches.blocking(account: oa, strategy: Int(o.strategy.rawValue),
                                                  instrument: Int(o.instrument.rawValue)) { return nil }
            let rate = limits.account(oa).cancelRate
            guard cancelBuckets[oa].available(rate, now: now) else { return .cancelRate }
            cancelBuckets[oa].take(rate)
            return nil
        }

        // What a replace takes away: the working order's leaves (and their notional).
        var oldLeaves: UInt64 = 0
        var oldNotional: Int64 = 0
        var excluding = OrderID(0)
        var newLeaves = intent.quantity.rawValue
        if intent.kind == .replace {
            guard let o = orders.order(intent.orderID), o.id.rawValue == intent.orderID.rawValue,
                  o.isCancelable,
                  o.side == intent.side, o.instrument.rawValue == intent.instrument.rawValue,
                  o.account == intent.account
            else { return .orderNotWorking }
            guard intent.quantity > o.cumulativeQuantity else { return .zeroQuantity }
            oldLeaves = o.leavesQuantity.rawValue
            oldNotional = o.leavesNotional
            excluding = o.id
            newLeaves = intent.quantity.rawValue &- o.cumulativeQuantity.rawValue
        }

        if let k = killSwitches.blocking(account: a, strategy: s, instrument: i) { return k }
        // The instrument's line, the lane's and the account's limits are read through their
        // pointers where each field is used, not copied out first: a copy would be loaded
        // before the token bucket's store below (which the compiler must assume may alias)
        // and held live across the whole check, spilled.
        let il = instrumentStateLine(i)
        if il.pointee.restricted { return .restrictedInstrument }
        let status = il.pointee.tradingState
        if status == Self.haltedByte || status == Self.pausedByte { return .tradingHalted }
        if status == Self.quotationOnlyByte && !intent.postOnly { return .quotationOnly }
        let lane = limits.active.lane
        let stale = lane.pointee.staleMarketData
        let lastData = il.pointee.lastMarketData
        if stale != 0 && now > lastData && now &- lastData > stale {
            return .staleMarketData
        }

        let qty = intent.quantity.rawValue
        if qty == 0 { return .zeroQuantity }
        let price = intent.price.rawValue
        if price <= 0 { return .invalidPrice }
        if qty > il.pointee.maxOrderQuantity { return .maxOrderQuantity }
        if qty > UInt64(RiskLimits.largestQuantity) { return .overflow }
        let (notional, notionalOverflow) = price.multipliedReportingOverflow(by: Int64(qty))
        if notionalOverflow { return .overflow }
        if notional > il.pointee.maxOrderNotional { return .maxOrderNotional }

        let bps = il.pointee.collarBasisPoints
        if bps != .max, let reason = Self.collar(intent.side, price: price, basisPoints: bps, policy: lane.pointee.collar,
                                            locate: intent.instrument.bookLocate, book: book) {
            return reason
        }

        let al = limits.active.accounts + a
        guard orderBuckets[a].available(al.pointee.orderRate, now: now) else { return .orderRate }

        let aw = orders.working(account: intent.account)
        let lw = orders.total
        if intent.kind == .new {
            if aw.orders &+ 1 > al.pointee.maxOpenOrders { return .accountOpenOrders }
            if lw.orders &+ 1 > lane.pointee.maxOpenOrders { return .laneOpenOrders }
        }
        let newNotional = price &* Int64(newLeaves)
        let delta = newNotional &- oldNotional
        if aw.notional &+ delta > al.pointee.maxOpenNotional { return .accountOpenNotional }
        if lw.notional &+ delta > lane.pointee.maxOpenNotional { return .laneOpenNotional }

        let isBuy = intent.side == .buy
        let position = positions.position(intent.instrument).quantity
        let iw = orders.working(instrument: intent.instrument)
        let workingBuy = Int64(bitPattern: iw.buyQuantity &- (isBuy ? oldLeaves : 0))
        let workingSell = Int64(bitPattern: iw.sellQuantity &- (isBuy ? 0 : oldLeaves))
        let leaves = Int64(newLeaves)
        if isBuy {
            if position &+ workingBuy &+ leaves > il.pointee.maxLong { return .positionLong }
        } else {
            if (0 &- position) &+ workingSell &+ leaves > il.pointee.maxShort { return .positionShort }
        }
        let magnitude = position < 0 ? 0 &- position : position
        if magnitude &+ workingBuy &+ workingSell &+ leaves > il.pointee.maxGross { return .positionGross }

        let totals = positions.totals(account: intent.account)
        let buyNotional = aw.buyNotional &- (isBuy ? oldNotional : 0)
        let sellNotional = aw.sellNotional &- (isBuy ? 0 : oldNotional)
        if isBuy {
            if totals.longCost &+ buyNotional &+ newNotional > al.pointee.maxLongNotional { return .accountLongNotional }
        } else {
            if totals.shortCost &+ sellNotional &+ newNotional > al.pointee.maxShortNotional { return .accountShortNotional }
        }
        if totals.longCost &+ totals.shortCost &+ buyNotional &+ sellNotional &+ newNotional > al.pointee.maxGrossNotional {
            return .accountGrossNotional
        }

        // `case .some`, not `!= nil`: the latter calls OrderID's synthesized `==`, opaque across modules.
        if lane.pointee.selfMatchPrevention,
           case .some = orders.firstSelfMatch(instrument: intent.instrument, venue: intent.venue, side: intent.side,
                                              price: intent.price, excluding: excluding) {
            return .selfMatch
        }
        orderBuckets[a].take(al.pointee.orderRate)
        return nil
    }

    /// The collar: a buy may be priced at most `basisPoints` above the reference, a sell at
    /// most that far below it.
    /// `@_transparent`: with `@inline(__always)` alone the optimiser outlined it (a call and its
    /// argument shuffle on every check).
    @_transparent @usableFromInline
    static func collar<Book: BookView & ~Copyable>(_ side: Side, price: Int64, basisPoints: UInt32, policy: CollarPolicy,
                                            locate: UInt16?, book: borrowing Book) -> RiskReject? {
        guard let locate else { return policy.noBook == .reject ? .noReferencePrice : nil }
        let reference: Int64
        switch policy.reference {
        case .touch:
            // The far side is read only when the near one is empty.
            let near = Self.touchPrice(book, locate: locate, side: side == .buy ? .sell : .buy)
            reference = near != 0 ? near : Self.touchPrice(book, locate: locate, side: side)
        case .mid:
            let bid = Self.touchPrice(book, locate: locate, side: .buy)
            let ask = Self.touchPrice(book, locate: locate, side: .sell)
            reference = bid != 0 && ask != 0 ? bid &+ (ask &- bid) / 2 : (bid != 0 ? bid : ask)
        }
        if reference == 0 { return policy.noBook == .reject ? .noReferencePrice : nil }
        let (scaled, overflow) = reference.multipliedReportingOverflow(by: Int64(basisPoints))
        if overflow { return nil }  // a band wider than any price: nothing to refuse
        let band = scaled / 10_000
        if side == .buy {
            return price > reference &+ band ? .priceCollar : nil
        }
        return price < reference &- band ? .priceCollar : nil
    }

    /// The best price of `side` when that level has shares and a positive price, else 0.
    @_transparent @usableFromInline
    static func touchPrice<Book: BookView & ~Copyable>(_ book: borrowing Book, locate: UInt16, side: Side) -> Int64 {
        guard let level = book.level(locate: locate, side: side, index: 0) else { return 0 }
        return level.shares != 0 && level.price.rawValue > 0 ? level.price.rawValue : 0
    }
}
