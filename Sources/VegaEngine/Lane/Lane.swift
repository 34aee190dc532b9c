import CVegaSys
import VegaCore
import VegaHardware
import VegaJournal
import VegaMarketData
import VegaTrading

/// A lane on its packet queues: per venue, a market-data queue (MoldUDP64 datagrams in;
/// re-requests out, answered on it) and an order-entry queue (the venue's SoupBinTCP bytes in,
/// ours out). Generic over both queue types (HardwareSim rings, sockets, ef_vi …) so each
/// backend's `receive`/`transmit` specialise into the lane.
///
/// Every input goes through three steps in one place, live and in replay alike: journal it
/// (with the `now` the lane read), hand it to ``LaneCore``, hand what the core wrote to the
/// venues' queues. ``pollOnce(now:)`` is one round of the busy loop; replay calls
/// ``handleFrame(venue:line:bytes:times:now:)``, ``handleOrderEntry(venue:bytes:now:)`` and
/// ``handleTimer(now:)`` directly with the journal's inputs.
///
/// Lane calls allocate nothing and take no lock; queue failures are counted, not thrown.
public struct Lane<MD: PacketQueue & ~Copyable, OE: PacketQueue & ~Copyable, Tap: LaneTap & ~Copyable>: ~Copyable {
    public var core: LaneCore<Tap>
    public let venueCount: Int
    @usableFromInline let feeds: UnsafeMutablePointer<MoldUDP64Session>
    @usableFromInline let marketData: UnsafeMutablePointer<MD>
    @usableFromInline let orderEntry: UnsafeMutablePointer<OE>
    @usableFromInline var batch: RxBatch
    @usableFromInline let journal: Journal?
    @usableFromInline let requestBuffer: UnsafeMutableRawBufferPointer
    @usableFromInline let timerInterval: UInt64
    @usableFromInline var nextTimer: UInt64
    public var driverCounters: LaneDriverCounters

    /// Takes ownership of one market-data and one order-entry queue per venue (made by the
    /// closures, in venue order). `journal`: where inputs are recorded (`nil`: not recorded).
    public init(core: consuming LaneCore<Tap>, setup: LaneSetup, journal: Journal?, now: UInt64,
                marketData makeMarketData: (Int) throws -> MD, orderEntry makeOrderEntry: (Int) throws -> OE) throws {
        let n = setup.venues.count
        let md = UnsafeMutablePointer<MD>.allocate(capacity: n)
        let oe = UnsafeMutablePointer<OE>.allocate(capacity: n)
        var madeMD = 0, madeOE = 0
        do {
            for v in 0..<n {
                (md + v).initialize(to: try makeMarketData(v))
                madeMD += 1
                (oe + v).initialize(to: try makeOrderEntry(v))
                madeOE += 1
            }
        } catch {
            md.deinitialize(count: madeMD)
            oe.deinitialize(count: madeOE)
            md.deallocate()
            oe.deallocate()
            throw error
        }
        self.batch = try RxBatch(capacity: 32, slotSize: 2048)
        self.core = core
        venueCount = n
        marketData = md
        orderEntry = oe
        feeds = .allocate(capacity: n)
        for (v, venue) in setup.venues.enumerated() {
            (feeds + v).initialize(to: MoldUDP64Session(venue.feedSessionConfiguration))
        }
        self.journal = journal
        requestBuffer = .allocate(byteCount: MoldUDP64.requestLength, alignment: 8)
        timerInterval = setup.timerInterval
        nextTimer = now
        driverCounters = LaneDriverCounters()
        if let journal {
            _ = Array(LaneJournalCodec.startAnnotation.utf8).withUnsafeBytes {
                journal.ring.tryAppend(type: .annotation, timestamp: now, bytes: $0)
            }
        }
    }

    deinit {
        feeds.deinitialize(count: venueCount)
        feeds.deallocate()
        marketData.deinitialize(count: venueCount)
        marketData.deallocate()
        orderEntry.deinitialize(count: venueCount)
        orderEntry.deallocate()
        requestBuffer.deallocate()
    }

    /// The feed session of `venue` (counters, state).
    @inlinable
    public func withFeed<R>(_ venue: Int, _ body: (borrowing MoldUDP64Session) -> R) -> R { body(feeds[venue]) }

    /// Venue `venue`'s queues (their counters, what a test queue recorded).
    @inlinable
    public func withOrderEntryQueue<R>(_ venue: Int, _ body: (borrowing OE) -> R) -> R { body(orderEntry[venue]) }
    @inlinable
    public func withMarketDataQueue<R>(_ venue: Int, _ body: (borrowing MD) -> R) -> R { body(marketData[venue]) }

    // MARK: the busy loop

    /// One round: every venue's market data and order-entry replies (one batch each), client
    /// requests (up to 64) when a client link is attached, then the timers when due. Returns the
    /// frames and client requests handled.
    @inlinable
    public mutating func pollOnce(now: UInt64) -> Int {
        var frames = 0
        for v in 0..<venueCount {
            do {
                let n = try marketData[v].receive(into: &batch)
                for i in 0..<n {
                    let frame = batch[i]
                    let receive = core.profiling != .off ? vega_rdtsc() : 0
                    handleFrame(venue: v, line: .a, bytes: frame.bytes, times: EventTimes(frame: frame), now: now,
                                receiveTicks: receive, truncated: frame.isTruncated)
                }
                frames &+= n
            } catch {
                driverCounters.receiveErrors &+= 1
            }
            do {
                let n = try orderEntry[v].receive(into: &batch)
                for i in 0..<n {
                    driverCounters.orderEntryFrames &+= 1
                    handleOrderEntry(venue: v, bytes: batch[i].bytes, now: now)
                }
                frames &+= n
            } catch {
                driverCounters.receiveErrors &+= 1
            }
        }
        if let c = core.clients {
            // Client requests: a bounded batch per round, so a burst cannot starve the feeds.
            var n = 0
            while n < 64, let r = c.pointee.inbound.pointee.tryPop() {
                handleClientRequest(r, now: now)
                n &+= 1
            }
            frames &+= n
        }
        if now >= nextTimer {
            handleTimer(now: now)
            nextTimer = now &+ timerInterval
        }
        return frames
    }

    // MARK: inputs (live and replay)

    /// One market-data datagram from `venue`'s `line`.
    @inlinable
    public mutating func handleFrame(venue: Int, line: MoldUDP64Line, bytes: UnsafeRawBufferPointer, times: EventTimes,
                                     now: UInt64, receiveTicks: UInt64 = 0, truncated: Bool = false) {
        if let journal {
            let header = JournalFrameHeader(nicNanoseconds: times.hasNIC ? times.nicNanoseconds : 0,
                                            kernelNanoseconds: times.hasKernel ? times.kernelNanoseconds : 0,
                                            queue: UInt16(venue) << 8 | UInt16(line.rawValue), flags: truncated ? 1 : 0,
                                            length: UInt32(truncatingIfNeeded: bytes.count))
            if !journal.ring.tryAppend(type: .marketDataFrame, timestamp: now, prefix: header, bytes: bytes) {
                driverCounters.journalOverflows &+= 1
            }
        }
        core.beginFrame(venue: venue, times: times, now: now, receiveTicks: receiveTicks)
        // The session delivers each message through the lane (``deliver(message:sequence:times:)``),
        // which hands an order to its queue as soon as the message that caused it is handled,
        // not after the rest of the datagram.
        let feed = feeds + venue
        feed.pointee.receive(datagram: bytes, truncated: truncated, line: line, frameTimes: times, now: now, output: &self)
        flush(now: now)
        if core.frameCausedOrder {
            if core.profiling != .off && core.stamps.txHanded == 0 { core.stamps.txHanded = vega_rdtsc() }
            core.tap.tickToTrade(core.stamps)
        }
    }

    /// Bytes from `venue`'s order-entry connection.
    @inlinable
    public mutating func handleOrderEntry(venue: Int, bytes: UnsafeRawBufferPointer, now: UInt64) {
        if let journal {
            let header = JournalMessageHeader(session: UInt16(venue), wireProtocol: .soupBinTCP,
                                              length: UInt32(truncatingIfNeeded: bytes.count))
            if !journal.ring.tryAppend(type: .orderEntryInbound, timestamp: now, prefix: header, bytes: bytes) {
                driverCounters.journalOverflows &+= 1
            }
        }
        core.handleOrderEntry(venue: venue, bytes: bytes, now: now)
        flush(now: now)
    }

    /// One client request (from the client link's inbound ring), journaled as
    /// ``LaneJournalCodec/clientRequest`` so replay repeats it.
    @inlinable
    public mutating func handleClientRequest(_ request: ClientOrderRequest, now: UInt64) {
        if let journal {
            let ok = journal.ring.tryAppend(type: LaneJournalCodec.clientRequest, timestamp: now,
                                            payloadLength: ClientOrderRequest.canonicalSize) {
                request.storeCanonical(to: $0)
            }
            if !ok { driverCounters.journalOverflows &+= 1 }
        }
        core.handleClientRequest(request, now: now)
        flush(now: now)
    }

    /// The lane's periodic work: feed sessions' recovery timers, then the core's.
    @inlinable
    public mutating func handleTimer(now: UInt64) {
        if let journal, !journal.ring.tryAppend(type: .timer, timestamp: now, bytes: UnsafeRawBufferPointer(start: nil, count: 0)) {
            driverCounters.journalOverflows &+= 1
        }
        for v in 0..<venueCount {
            core.selectFeed(venue: v, now: now)
            feeds[v].poll(now: now, output: &core)
        }
        core.handleTimer(now: now)
        flush(now: now)
    }

    /// Mutes (or unmutes) the strategies: market data still builds the books and risk's
    /// references, but no strategy hears of it (``LaneCore/strategiesMuted``) — while the
    /// sessions log in at start, or a live late join replays the day. An input like the others
    /// (journaled as an annotation, so replay mutes at the same point); nothing when unchanged.
    public mutating func muteStrategies(_ muted: Bool, now: UInt64) {
        guard core.strategiesMuted != muted else { return }
        annotate(muted ? LaneJournalCodec.muteAnnotation : LaneJournalCodec.unmuteAnnotation, now: now)
        core.strategiesMuted = muted
    }

    /// The order-entry connection to `venue` is gone (the driver saw its socket fail): the
    /// session ends, so the lane refuses orders to that venue until
    /// ``orderEntryReconnected(venue:now:)``. An input like the others (journaled as an
    /// annotation, so replay ends the session at the same point). Returns whether the session
    /// was open (counted in ``LaneCounters/sessionDisconnects`` then); `false` and nothing
    /// done for a venue index out of range (a replayed journal is not trusted).
    @discardableResult
    public mutating func orderEntryLost(venue: Int, now: UInt64) -> Bool {
        guard venue >= 0 && venue < venueCount else { return false }
        annotate(LaneJournalCodec.orderEntryLostAnnotation + " \(venue)", now: now)
        let wasOpen = core.sessions[venue].transportLost()
        if wasOpen { core.counters.sessionDisconnects &+= 1 }
        return wasOpen
    }

    /// A new order-entry connection to `venue` is up: the session starts again and logs in at
    /// its checkpoint (journaled like ``orderEntryLost(venue:now:)``; nothing for a venue index
    /// out of range).
    public mutating func orderEntryReconnected(venue: Int, now: UInt64) {
        guard venue >= 0 && venue < venueCount else { return }
        annotate(LaneJournalCodec.orderEntryReconnectedAnnotation + " \(venue)", now: now)
        core.sessions[venue].reconnected(now: now)
        flush(now: now)
    }

    /// Journals `text` as an annotation at `now` (a lane input that is not a packet).
    mutating func annotate(_ text: String, now: UInt64) {
        guard let journal else { return }
        if !Array(text.utf8).withUnsafeBytes({ journal.ring.tryAppend(type: .annotation, timestamp: now, bytes: $0) }) {
            driverCounters.journalOverflows &+= 1
        }
    }

    /// The graceful stop's first step: cancel every working order. An input like the others
    /// (journaled as an annotation `cancel-all`, so replay repeats it). Returns the cancels sent.
    @discardableResult
    public mutating func cancelAll(now: UInt64) -> Int {
        annotate(LaneJournalCodec.cancelAllAnnotation, now: now)
        let n = core.cancelAll(now: now)
        flush(now: now)
        return n
    }

    /// Logs out of every venue session and hands the Logout Requests to the queues.
    public mutating func logout(now: UInt64) {
        core.logout(now: now)
        flush(now: now)
    }

    /// Hands what the core wrote to the venues' queues: order-entry bytes (in chunks a frame
    /// holds) and feed re-requests.
    @inlinable
    mutating func flush(now: UInt64) {
        flushOrders()
        for v in 0..<venueCount {
            if let r = core.takeRequest(v) {
                let n = MoldUDP64Encoder.request(into: requestBuffer, session: r.session, sequence: r.sequence, count: r.count)
                do {
                    _ = try marketData[v].transmit(UnsafeRawBufferPointer(rebasing: requestBuffer[0..<n]))
                    driverCounters.requestsSent &+= 1
                } catch {
                    driverCounters.transmitErrors &+= 1
                }
            }
        }
    }

    /// Hands the order-entry bytes the core wrote to the venues' queues.
    @inlinable
    mutating func flushOrders() {
        core.outboundWritten = false
        for v in 0..<venueCount {
            while true {
                let pending = core.pendingOutbound(v)
                guard pending.count > 0 else { break }
                let chunk = Swift.min(pending.count, 1_400)
                do {
                    _ = try orderEntry[v].transmit(UnsafeRawBufferPointer(rebasing: pending[0..<chunk]))
                    core.consumeOutbound(v, chunk)
                } catch {
                    // Left in the outbox: sent on the next flush (the session's bounded outbox
                    // refuses new orders if the connection stays stuck).
                    driverCounters.transmitErrors &+= 1
                    break
                }
            }
        }
    }
}

/// The feed session delivers into the lane during ``Lane/handleFrame(venue:line:bytes:times:now:receiveTicks:truncated:)``:
/// each message goes to the core, and order-entry bytes it wrote are handed to the queues at
/// once (the first such hand-off of a frame is its path's `txHanded` stamp).
extension Lane: MoldUDP64SessionOutput where MD: ~Copyable, OE: ~Copyable, Tap: ~Copyable {
    @inlinable
    public mutating func deliver(message: UnsafeRawBufferPointer, sequence: UInt64, times: EventTimes) {
        core.handleMessage(message, sequence: sequence)
        if core.outboundWritten {
            flushOrders()
            if core.frameCausedOrder && core.profiling != .off && core.stamps.txHanded == 0 {
                core.stamps.txHanded = vega_rdtsc()
            }
        }
    }

    @inlinable
    public mutating func request(session: MoldUDP64SessionID, sequence: UInt64, count: UInt16) {
        core.request(session: session, sequence: sequence, count: count)
    }

    @inlinable
    public mutating func event(_ event: MoldUDP64SessionEvent) {
        core.event(event)
    }
}

/// What the driver itself counts.
@frozen
public struct LaneDriverCounters: Sendable, Equatable {
    public var receiveErrors: UInt64 = 0
    public var transmitErrors: UInt64 = 0
    public var requestsSent: UInt64 = 0
    /// Frames received on the order-entry queues.
    public var orderEntryFrames: UInt64 = 0
    /// Inputs the journal ring had no room for (the writer fell behind): replay of this run is
    /// no longer exact, and the report says so.
    public var journalOverflows: UInt64 = 0
    public init() {}
}

/// A packet queue that never receives and discards what is sent: the queues of a lane in
/// replay, where inputs come from the journal and outputs are only hashed.
public struct NullPacketQueue: PacketQueue {
    public init() {}
    public mutating func receive(into batch: inout RxBatch) throws(HardwareError) -> Int {
        batch.setCount(0)
        return 0
    }
    public mutating func transmit(_ frame: UnsafeRawBufferPointer) throws(HardwareError) -> UInt32 { 0 }
    public mutating func drainTxTimestamps(into stamps: UnsafeMutableBufferPointer<TxTimestamp>) throws(HardwareError) -> Int { 0 }
    public var info: PacketQueueInfo {
        PacketQueueInfo(backend: "null", endpoint: "replay", hardwareRxTimestamps: false, softwareRxTimestamps: false,
                        hardwareTxTimestamps: false, softwareTxTimestamps: false)
    }
}
