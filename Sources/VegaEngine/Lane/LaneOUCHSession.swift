import VegaCore
import VegaMarketData
import VegaOrderEntry
import VegaTrading

/// The lane's order-entry session to one venue: OUCH 5.0 over a SoupBinTCP client session,
/// turning accepted intents into OUCH messages and the venue's OUCH messages back into
/// ``VegaTrading/ExecutionReport``s.
///
/// ## Identifiers
/// OUCH names orders by a per-session, strictly increasing 32-bit UserRefNum; the lane names them
/// by 64-bit ``VegaCore/OrderID``. Each request takes the next UserRefNum (a new order, or a
/// replacement); a ring indexed by UserRefNum remembers what it was for (order ID, request kind,
/// the original of a replace), and a map from order ID gives the live UserRefNum a cancel or a
/// replace must name. The ring holds the last `referenceCapacity` requests: a venue message about
/// an older one is counted as unknown and dropped (it cannot be attributed).
///
/// All storage is allocated in `init`; ``send(_:now:)`` and ``decode(_:now:)`` allocate nothing
/// and never trap on venue bytes.
public struct LaneOUCHSession: ~Copyable {
    @frozen
    public struct Counters: Sendable, Equatable {
        public var sent: UInt64 = 0
        /// Intents that could not be sent: not logged in, outbox full, unknown order for a
        /// cancel/replace.
        public var unsent: UInt64 = 0
        public var received: UInt64 = 0
        public var malformed: UInt64 = 0
        /// Venue messages naming a UserRefNum the session does not know (or no longer remembers).
        public var unknownReference: UInt64 = 0
        /// Venue messages the lane does not act on (system events, priority updates, …).
        public var ignored: UInt64 = 0
        public init() {}
    }

    @usableFromInline
    struct Request: BitwiseCopyable {
        @usableFromInline var userRef: UInt32
        /// 0 new, 1 replace, 2 free.
        @usableFromInline var kind: UInt8
        @usableFromInline var orderID: UInt64
        @usableFromInline var originalID: UInt64
        @inlinable init(userRef: UInt32, kind: UInt8, orderID: UInt64, originalID: UInt64) {
            self.userRef = userRef
            self.kind = kind
            self.orderID = orderID
            self.originalID = originalID
        }
    }

    public let venue: VenueID
    public var soup: SoupBinTCPClientSession
    public var decoder: OUCHDecoder
    public var counters: Counters
    @usableFromInline let takeFee: Price4
    @usableFromInline let makeFee: Price4
    @usableFromInline var nextUserRef: UInt32
    @usableFromInline let requests: UnsafeMutablePointer<Request>
    @usableFromInline let requestMask: Int
    /// Order ID → its live UserRefNum.
    @usableFromInline var liveReference: FixedMap<UInt32>
    /// [instrument] → OUCH symbol (raw big-endian ASCII).
    @usableFromInline let symbols: UnsafeMutablePointer<UInt64>
    @usableFromInline let instrumentCapacity: Int

    /// - Parameters:
    ///   - referenceCapacity: requests remembered (a power of two).
    ///   - orderCapacity: live orders at once.
    public init(venue: LaneSetup.Venue, instruments: [LaneSetup.Instrument], instrumentCapacity: Int, now: UInt64,
                referenceCapacity: Int = 1 << 16, orderCapacity: Int = 1 << 14) throws(LaneSetupError) {
        guard let configuration = SoupBinTCPClientConfiguration(username: venue.username, password: venue.password) else {
            throw LaneSetupError(field: "venues[\(venue.id.rawValue)].username/password",
                                 problem: "SoupBinTCP allows a username of at most 6 and a password of at most 10 ASCII characters")
        }
        precondition(referenceCapacity > 0 && referenceCapacity & (referenceCapacity - 1) == 0, "referenceCapacity must be a power of two")
        self.venue = venue.id
        soup = SoupBinTCPClientSession(configuration: configuration, checkpoint: .start, now: now)
        decoder = OUCHDecoder()
        counters = Counters()
        takeFee = venue.takeFeePerShare
        makeFee = venue.makeFeePerShare
        nextUserRef = 1
        requests = .allocate(capacity: referenceCapacity)
        requests.initialize(repeating: Request(userRef: 0, kind: 2, orderID: 0, originalID: 0), count: referenceCapacity)
        requestMask = referenceCapacity - 1
        liveReference = FixedMap(capacity: orderCapacity)
        self.instrumentCapacity = instrumentCapacity
        symbols = .allocate(capacity: instrumentCapacity)
        symbols.initialize(repeating: OUCHSymbol.blank.rawValue, count: instrumentCapacity)
        for i in instruments where Int(i.id.rawValue) < instrumentCapacity {
            // ITCH and OUCH both carry the symbol as 8 space-padded ASCII bytes.
            symbols[Int(i.id.rawValue)] = i.symbol.raw
        }
    }

    deinit {
        requests.deallocate()
        symbols.deallocate()
    }

    @inlinable public var isLoggedIn: Bool { soup.state == .loggedIn }

    @inlinable
    mutating func remember(_ userRef: UInt32, kind: UInt8, orderID: OrderID, originalID: OrderID) {
        requests[Int(userRef) & requestMask] = Request(userRef: userRef, kind: kind, orderID: orderID.rawValue,
                                                       originalID: originalID.rawValue)
    }

    @inlinable
    func request(_ userRef: UInt32) -> Request? {
        let r = requests[Int(userRef) & requestMask]
        return r.userRef == userRef && r.kind != 2 ? r : nil
    }

    /// The connection under the session is gone: the session ends (`transportClosed`), so
    /// nothing more is sent on it and the lane refuses orders to this venue. Returns whether it
    /// was open.
    public mutating func transportLost() -> Bool {
        let wasOpen = !soup.isClosed
        soup.terminate(.transportClosed) { _ in }
        return wasOpen
    }

    /// A new connection is up: a fresh session that logs in again at the checkpoint (the
    /// session and the next sequence number the old one had reached), at `now`.
    public mutating func reconnected(now: UInt64) {
        soup = SoupBinTCPClientSession(configuration: soup.configuration, checkpoint: soup.checkpoint, now: now)
    }

    /// Where sending a new order `id` writes its UserRefNum mapping: the lane prefetches it with
    /// the OMS's slots for the next ID (``OrderManager/slotAddresses(forNewOrder:)``).
    @inlinable @inline(__always)
    public func referenceSlotAddress(forNewOrder id: OrderID) -> UnsafeRawPointer {
        liveReference.slotAddress(id.rawValue)
    }

    /// Encodes `intent` (already accepted by risk and the OMS) as OUCH into the session's outbox.
    /// Returns `false` when it could not be sent (not logged in, outbox full, unknown order for a
    /// cancel/replace; counted in ``Counters/unsent``).
    @inlinable
    public mutating func send(_ intent: OrderIntent, now: UInt64) -> Bool {
        switch intent.kind {
        case .new:
            let ref = nextUserRef
            let symbol = Int(intent.instrument.rawValue) < instrumentCapacity ? symbols[Int(intent.instrument.rawValue)]
                                                                               : OUCHSymbol.blank.rawValue
            let order = OUCHEnterOrder(
                userRefNum: ref, side: intent.side == .buy ? .buy : .sell,
                quantity: UInt32(truncatingIfNeeded: intent.quantity.rawValue), symbol: OUCHSymbol(rawValue: symbol),
                price: intent.price, timeInForce: intent.timeInForce == .day ? .day : .immediateOrCancel)
            guard soup.sendUnsequenced(maxPayload: OUCHEnterOrder.fixedLength, now: now, { order.encode(into: $0) }) else {
                counters.unsent &+= 1
                return false
            }
            nextUserRef &+= 1
            remember(ref, kind: 0, orderID: intent.orderID, originalID: OrderID(0))
            _ = liveReference.insert(ref, forKey: intent.orderID.rawValue)
        case .cancel:
            guard let ref = liveReference.get(intent.orderID.rawValue) else {
                counters.unsent &+= 1
                return false
            }
            let cancel = OUCHCancelOrder(userRefNum: ref, quantity: 0)
            guard soup.sendUnsequenced(maxPayload: 9, now: now, { cancel.encode(into: $0) }) else {
                counters.unsent &+= 1
                return false
            }
        case .replace:
            guard let original = liveReference.get(intent.orderID.rawValue) else {
                counters.unsent &+= 1
                return false
            }
            let ref = nextUserRef
            let replace = OUCHReplaceOrder(origUserRefNum: original, userRefNum: ref,
                                           quantity: UInt32(truncatingIfNeeded: intent.quantity.rawValue), price: intent.price)
            guard soup.sendUnsequenced(maxPayload: 64, now: now, { replace.encode(into: $0) }) else {
                counters.unsent &+= 1
                return false
            }
            nextUserRef &+= 1
            remember(ref, kind: 1, orderID: intent.newOrderID, originalID: intent.orderID)
        }
        counters.sent &+= 1
        return true
    }

    /// One OUCH message from the venue (a SoupBinTCP sequenced-data payload) as an execution
    /// report for the OMS, or `nil` when it carries none (system events, unknown references,
    /// malformed bytes — each counted).
    @inlinable
    public mutating func decode(_ payload: UnsafeRawBufferPointer) -> ExecutionReport? {
        counters.received &+= 1
        guard let message = decoder.decodeOutbound(payload) else {
            counters.malformed &+= 1
            return nil
        }
        switch message {
        case .orderAccepted(let m):
            guard let r = request(m.userRefNum), r.kind == 0 else { return unknown() }
            return ExecutionReport(kind: .ack, venue: venue, orderID: OrderID(r.orderID))
        case .orderRejected(let m):
            guard let r = request(m.userRefNum) else { return unknown() }
            if r.kind == 1 {
                return ExecutionReport(kind: .replaceReject, venue: venue, orderID: OrderID(r.originalID))
            }
            _ = liveReference.remove(r.orderID)
            return ExecutionReport(kind: .reject, venue: venue, orderID: OrderID(r.orderID))
        case .orderExecuted(let m):
            guard let r = request(m.userRefNum) else { return unknown() }
            let fee = m.liquidityFlag == .added ? makeFee : takeFee
            return ExecutionReport(kind: .fill, venue: venue, orderID: OrderID(r.orderID), execID: m.matchNumber,
                                   lastQuantity: Quantity(UInt64(m.quantity)), lastPrice: m.price,
                                   fee: Money4(rawValue: fee.rawValue &* Int64(m.quantity)))
        case .orderCanceled(let m):
            guard let r = request(m.userRefNum) else { return unknown() }
            _ = liveReference.remove(r.orderID)
            return ExecutionReport(kind: .cancelAck, venue: venue, orderID: OrderID(r.orderID))
        case .aiqCanceled(let m):
            guard let r = request(m.userRefNum) else { return unknown() }
            _ = liveReference.remove(r.orderID)
            return ExecutionReport(kind: .cancelAck, venue: venue, orderID: OrderID(r.orderID))
        case .orderReplaced(let m):
            guard let r = request(m.userRefNum), r.kind == 1 else { return unknown() }
            _ = liveReference.remove(r.originalID)
            _ = liveReference.insert(m.userRefNum, forKey: r.orderID)
            var report = ExecutionReport(kind: .replaceAck, venue: venue, orderID: OrderID(r.originalID))
            report.venueOpenQuantity = Quantity(UInt64(m.quantity))
            return report
        case .cancelNotice(let m):
            guard m.isReject else {
                counters.ignored &+= 1
                return nil
            }
            guard let r = request(m.userRefNum) else { return unknown() }
            return ExecutionReport(kind: .cancelReject, venue: venue, orderID: OrderID(r.orderID))
        case .systemEvent, .brokenTrade, .priorityUpdate, .orderModified, .orderRestated, .accountQueryResponse,
             .massCancelResponse:
            counters.ignored &+= 1
            return nil
        }
    }

    @inlinable
    mutating func unknown() -> ExecutionReport? {
        counters.unknownReference &+= 1
        return nil
    }
}
