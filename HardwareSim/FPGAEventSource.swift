import CVegaFPGA
import VegaCore
import VegaHardware

/// A seeded stream of plausible decoded L2 events, as the FPGA feed handler would emit them:
/// level sets and deletes on a handful of instruments at prices a few ticks around a
/// random-walking mid, trades at the touch, now and then a heartbeat, a trading-status change
/// or a book clear.
///
/// Event `n` (from 1) carries `feed_seq = n` — the MoldUDP64 sequence of its source message —
/// so a reader can check it got every event or exactly which it lost. Prices are ITCH Price(4)
/// fixed point; exchange times are ns since midnight UTC; hardware stamps come from `stamp`
/// (the caller's clock).
///
/// Deterministic: the same seed and configuration give the same events, field for field,
/// whatever reads them — `FPGASimulator.run` in one process and a verifying test in another
/// both iterate this type. Off the lane (it keeps a small array of mids, allocated in `init`);
/// `next` itself does not allocate.
public struct FPGAEventSource: Sendable {
    public struct Configuration: Sendable, Equatable {
        public var seed: UInt64
        /// Instruments, ITCH stock locates 1...instruments.
        public var instruments: Int
        /// Mid price of instrument 1 at the start, Price(4); others are spread above it.
        public var startMid: Int64
        /// Tick size, Price(4) (100 = one cent).
        public var tick: Int64
        /// Visible depth, levels per side.
        public var depth: Int
        /// Exchange time to FPGA RX time, ns (the exchange stamps before it sends).
        public var exchangeToWireNanoseconds: UInt64

        public init(seed: UInt64 = 1, instruments: Int = 8, startMid: Int64 = 1_000_000, tick: Int64 = 100, depth: Int = 10,
                    exchangeToWireNanoseconds: UInt64 = 20_000) {
            self.seed = seed
            self.instruments = instruments
            self.startMid = startMid
            self.tick = tick
            self.depth = depth
            self.exchangeToWireNanoseconds = exchangeToWireNanoseconds
        }
    }

    public let configuration: Configuration
    var random: SimRandom
    var mids: [Int64]
    var halted: [Bool]
    /// The number of the event `next` will return.
    public private(set) var nextNumber: UInt64 = 1

    public init(_ configuration: Configuration) {
        precondition(configuration.instruments >= 1 && configuration.depth >= 1 && configuration.tick > 0,
                     "FPGAEventSource needs at least one instrument, one level and a positive tick")
        self.configuration = configuration
        random = SimRandom(seed: configuration.seed)
        mids = (0..<configuration.instruments).map { configuration.startMid + Int64($0) * 250 * configuration.tick }
        halted = Array(repeating: false, count: configuration.instruments)
    }

    /// The next event, stamped `hardwareTimestamp` (PHC/TAI ns) and, for the exchange time,
    /// `wallClock` (UTC ns; its ns-since-midnight minus the exchange-to-wire latency is used).
    public mutating func next(hardwareTimestamp: UInt64, wallClock: UInt64) -> FPGAEvent {
        let n = nextNumber
        nextNumber &+= 1
        var ev = FPGAEvent()
        ev.hw_timestamp_ns = hardwareTimestamp
        let dayNs: UInt64 = 86_400_000_000_000
        ev.exchange_timestamp_ns = (wallClock &- configuration.exchangeToWireNanoseconds) % dayNs
        ev.feed_seq = n
        // A fixed number of draws per event keeps the stream aligned whatever the kind.
        let kindDraw = random.next(below: 1000)
        let inst = Int(random.next(below: UInt64(configuration.instruments)))
        let sideDraw = random.next(below: 2)
        let levelDraw = random.next(below: UInt64(configuration.depth))
        let sizeDraw = random.next(below: 50)
        let countDraw = random.next(below: 20)
        let walk = random.next(below: 16)
        ev.instrument = UInt32(inst + 1)
        ev.side = UInt8(sideDraw == 0 ? VEGA_FPGA_SIDE_BID : VEGA_FPGA_SIDE_ASK)
        // The mid wanders by a tick now and then, so books and trades move.
        if walk == 0 { mids[inst] += configuration.tick } else if walk == 1 { mids[inst] -= configuration.tick }
        if mids[inst] < 10 * configuration.tick { mids[inst] = 10 * configuration.tick }
        let level = Int64(levelDraw)
        let away = (level + 1) * configuration.tick
        let levelPrice = sideDraw == 0 ? mids[inst] - away : mids[inst] + away

        switch kindDraw {
        case 0..<20:    // heartbeat: no market change
            ev.type = FPGAEvent.Kind.heartbeat.rawValue
            ev.instrument = 0
            ev.side = 0
        case 20..<23:   // trading status: halt or resume
            ev.type = FPGAEvent.Kind.status.rawValue
            halted[inst].toggle()
            ev.aux = UInt32(halted[inst] ? UInt8(ascii: "H") : UInt8(ascii: "T"))
            ev.side = 0
        case 23..<25:   // book cleared (recovery / session event)
            ev.type = FPGAEvent.Kind.clear.rawValue
            ev.side = 0
        case 25..<145:  // trade at the touch; the aggressor lifts the ask or hits the bid
            ev.type = FPGAEvent.Kind.trade.rawValue
            ev.price = sideDraw == 0 ? mids[inst] + configuration.tick : mids[inst] - configuration.tick
            ev.quantity = UInt32(sizeDraw + 1) * 100
        case 145..<300:
            ev.type = FPGAEvent.Kind.levelDelete.rawValue
            ev.level = UInt16(levelDraw)
            ev.price = levelPrice
        default:
            ev.type = FPGAEvent.Kind.levelSet.rawValue
            ev.level = UInt16(levelDraw)
            ev.price = levelPrice
            ev.quantity = UInt32(sizeDraw + 1) * 100
            ev.order_count = UInt32(countDraw + 1)
        }
        return ev
    }
}
