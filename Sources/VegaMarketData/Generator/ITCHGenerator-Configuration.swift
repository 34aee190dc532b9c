/// What the ITCH generator produces. Every field has a realistic default; only `seed`,
/// `messages` and `symbols` usually change.
public struct ITCHGeneratorConfiguration: Sendable, Equatable {
    /// The whole output is a function of this value (and the other fields): same configuration ⇒
    /// identical bytes, on every machine and build.
    public var seed: UInt64
    /// Total messages in the output, session and directory messages included (so a 20 M run is a
    /// 20 M-message file). At least `minimumMessages`.
    public var messages: UInt64
    /// Instruments in the stock directory (locates 1...symbols), 1...65,535.
    public var symbols: Int
    /// Zipf exponent of activity across instruments: instrument of rank r gets a share ∝ 1/r^s.
    /// 1.0 is close to what NASDAQ's message counts per symbol look like (a few dozen names carry
    /// a third of the flow).
    public var zipfExponent: Double = 1.0
    /// Live orders one instrument may hold; past it, the generator deletes instead of adding.
    /// Keeps the busiest books at the few-thousand-order depth real books have instead of growing
    /// with the run's length.
    public var maxLiveOrdersPerSymbol: Int = 5_000
    /// How many of the most active instruments get an opening ('O') and closing ('C') cross.
    public var crossSymbols: Int = 64
    /// The order-flow mix, in parts per million of flow messages.
    public var mix: ITCHMessageMix = .nasdaqLike

    public init(seed: UInt64, messages: UInt64, symbols: Int) {
        self.seed = seed
        self.messages = messages
        self.symbols = symbols
    }

    /// Messages that are not order flow: S 'O', K × R, S 'S', K × H 'T', S 'Q', the opening and
    /// closing crosses, S 'M', 'E', 'C'.
    public var sessionMessages: UInt64 {
        UInt64(6 + 2 * symbols + 2 * min(crossSymbols, symbols))
    }

    /// The smallest `messages` this configuration accepts (the session with no order flow).
    public var minimumMessages: UInt64 { sessionMessages }

    /// Checks every field; the error names the field, its value and what is accepted.
    public func validate() throws(ITCHGeneratorError) {
        guard (1...65_535).contains(symbols) else {
            throw .invalidConfiguration(field: "symbols", value: "\(symbols)", expected: "1...65535 (a stock locate is 2 bytes)")
        }
        guard messages >= minimumMessages else {
            throw .invalidConfiguration(field: "messages", value: "\(messages)",
                                        expected: "at least \(minimumMessages) for \(symbols) symbols (the session, directory, trading actions and crosses)")
        }
        // Flow messages get strictly increasing nanosecond timestamps within market hours.
        guard messages - sessionMessages < ITCHGenerator.flowSpanNanoseconds else {
            throw .invalidConfiguration(field: "messages", value: "\(messages)",
                                        expected: "fewer than \(ITCHGenerator.flowSpanNanoseconds) (one per nanosecond of market hours)")
        }
        guard zipfExponent >= 0, zipfExponent <= 4 else {
            throw .invalidConfiguration(field: "zipf exponent", value: "\(zipfExponent)", expected: "0...4")
        }
        guard maxLiveOrdersPerSymbol >= 1, maxLiveOrdersPerSymbol <= 1 << 20 else {
            throw .invalidConfiguration(field: "max live orders per symbol", value: "\(maxLiveOrdersPerSymbol)",
                                        expected: "1...1048576")
        }
        guard crossSymbols >= 0 else {
            throw .invalidConfiguration(field: "cross symbols", value: "\(crossSymbols)", expected: "≥ 0")
        }
        try mix.validate()
    }
}

/// The order-flow mix in parts per million of flow messages. The defaults follow the shape of a
/// NASDAQ TotalView day: adds ≈ 45 %, deletes ≈ 39 %, replaces 8 %, executions ≈ 4 %, partial
/// cancels 2 %, non-displayed trades ≈ 2 %, and rare halts, intraday crosses and broken trades.
///
/// A kind that cannot apply at that moment becomes an add (a delete on an empty book, an
/// execution on a halted instrument), and an add on a full book becomes a delete, so the counts
/// come out close to, not exactly at, these weights.
public struct ITCHMessageMix: Sendable, Equatable {
    public var add: UInt32 = 410_000
    public var addAttributed: UInt32 = 40_000
    public var delete: UInt32 = 390_930
    public var replace: UInt32 = 80_000
    public var execute: UInt32 = 30_000
    public var executeWithPrice: UInt32 = 10_000
    public var cancel: UInt32 = 20_000
    public var trade: UInt32 = 19_000
    public var intradayCross: UInt32 = 10
    public var halt: UInt32 = 10
    public var brokenTrade: UInt32 = 50

    public init() {}

    public static var nasdaqLike: ITCHMessageMix { ITCHMessageMix() }

    var weights: [UInt32] {
        [add, addAttributed, delete, replace, execute, executeWithPrice, cancel, trade, intradayCross, halt, brokenTrade]
    }

    func validate() throws(ITCHGeneratorError) {
        let total = weights.reduce(UInt64(0)) { $0 + UInt64($1) }
        guard total == 1_000_000 else {
            throw .invalidConfiguration(field: "message mix", value: "total \(total) ppm", expected: "weights summing to 1000000")
        }
    }
}

/// One instrument of the generated stock directory.
public struct GeneratedInstrument: Sendable, Equatable {
    /// ITCH stock locate (1-based, dense).
    public var locate: UInt16
    public var symbol: Symbol
    /// Minimum price increment, Price(4): 100 ($0.01) at or above $1, 1 ($0.0001) below.
    public var tickSize: Int64
    /// The price the instrument opens around, Price(4).
    public var openingMid: Int64
    /// Activity rank (0 = busiest).
    public var activityRank: Int
    /// Expected share of the order flow (0...1).
    public var activityShare: Double
}

/// What a generation run produced.
public struct ITCHGeneratorStatistics: Sendable, Equatable {
    /// Messages by type byte (index = the ASCII type).
    public var countsByType: [UInt64] = Array(repeating: 0, count: 256)
    public var messages: UInt64 = 0
    /// Bytes of ITCH messages (no framing).
    public var messageBytes: UInt64 = 0
    public var liveOrdersAtEnd = 0
    public var peakLiveOrders = 0
    public var halts = 0

    public init() {}

    /// Messages of one type, e.g. `count("A")`.
    public func count(_ type: Character) -> UInt64 { countsByType[Int(type.asciiValue!)] }
}
