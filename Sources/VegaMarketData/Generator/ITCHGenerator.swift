import Foundation

/// A deterministic NASDAQ TotalView-ITCH 5.0 session: stock directory, order-by-order flow with a
/// realistic mix and skew, book invariants kept, and the session's system events around it.
///
/// The output is a pure function of the configuration: same configuration ⇒ identical bytes.
/// The session, in order (timestamps strictly increase, ns since midnight):
///
/// - 03:05 S 'O' start of messages, then R for every instrument (locates 1...K, synthetic tickers);
/// - 04:00 S 'S' start of system hours, then H 'T' (trading) for every instrument;
/// - 09:30 S 'Q' start of market hours, Q opening crosses for the most active instruments;
/// - 09:30–16:00 the order flow (see `ITCHMessageMix`): A/F adds, D deletes, U replaces,
///   E/C executions, X partial cancels, P non-displayed trades, rare H halts (and their 'T'
///   resumes), Q intraday crosses and B broken trades; activity across instruments is Zipf-skewed;
/// - 16:00 Q closing crosses, S 'M' end of market hours; 20:00 S 'E'; 20:05 S 'C'.
///
/// Invariants a book can rely on (the tests check them with an independent tracker): every
/// E/C/X/D/U names a live order of the same instrument; executions and cancels never exceed the
/// remaining shares (a cancel always leaves at least one share; an execution of all remaining
/// shares removes the order, with no delete after it); order references are unique and
/// increasing, a replace's new reference included; every bid is below every ask of its
/// instrument at all times; executions hit the oldest order at the best price (FIFO); no
/// executions or trades while an instrument is halted. Prices sit on the instrument's tick grid,
/// within ±128 ticks of where it opens.
///
/// Memory: one 40-byte slot per live order (bounded by `maxLiveOrdersPerSymbol` × K), 256 price
/// levels × 8 bytes per instrument; nothing grows with the number of messages.
public struct ITCHGenerator: Sendable {
    public let configuration: ITCHGeneratorConfiguration
    /// The stock directory the run publishes, by locate − 1.
    public let instruments: [GeneratedInstrument]

    /// Market hours the flow is spread over: 09:30:00.010 to 15:59:59.990.
    static let flowStart: UInt64 = (9 * 3600 + 30 * 60) * 1_000_000_000 + 10_000_000
    static let flowEnd: UInt64 = 16 * 3600 * 1_000_000_000 - 10_000_000
    static var flowSpanNanoseconds: UInt64 { flowEnd - flowStart }

    /// Validates the configuration and derives the instruments (cheap: no order flow yet).
    public init(_ configuration: ITCHGeneratorConfiguration) throws(ITCHGeneratorError) {
        try configuration.validate()
        self.configuration = configuration
        self.instruments = Self.makeInstruments(configuration)
    }

    /// Generates the whole session into `sink`, then calls `sink.finish()`.
    ///
    /// `progress` is called with the number of messages written every `progressInterval`
    /// messages (0: never). Throws only what the sink throws.
    public func generate<Sink: ITCHMessageSink>(
        into sink: inout Sink, progressInterval: UInt64 = 0, progress: (UInt64) -> Void = { _ in }
    ) throws(ITCHGeneratorError) -> ITCHGeneratorStatistics {
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: 64, alignment: 8)
        defer { scratch.deallocate() }
        var stats = ITCHGeneratorStatistics()
        var nextProgress = progressInterval == 0 ? UInt64.max : progressInterval

        func emit(_ length: Int) throws(ITCHGeneratorError) {
            try sink.write(message: UnsafeRawBufferPointer(start: scratch, count: length))
            stats.countsByType[Int(scratch.load(as: UInt8.self))] &+= 1
            stats.messages &+= 1
            stats.messageBytes &+= UInt64(length)
            if stats.messages == nextProgress {
                progress(stats.messages)
                nextProgress &+= progressInterval
            }
        }

        let config = configuration
        let k = instruments.count
        let crossCount = min(config.crossSymbols, k)
        var engine = FlowEngine(configuration: config, instruments: instruments)
        let second: UInt64 = 1_000_000_000
        func at(_ h: UInt64, _ m: UInt64, _ s: UInt64 = 0) -> UInt64 { ((h * 60 + m) * 60 + s) * second }

        // Start of day: system event, directory, trading actions.
        try emit(GeneratorITCHEncoder.systemEvent(scratch, timestamp: at(3, 5), event: UInt8(ascii: "O")))
        for (i, instrument) in instruments.enumerated() {
            try emit(GeneratorITCHEncoder.stockDirectory(
                scratch, locate: instrument.locate, timestamp: at(3, 5) + UInt64(i + 1) * 1_000,
                symbol: instrument.symbol, fields: Self.directoryFields(instrument)))
        }
        try emit(GeneratorITCHEncoder.systemEvent(scratch, timestamp: at(4, 0), event: UInt8(ascii: "S")))
        for (i, instrument) in instruments.enumerated() {
            try emit(GeneratorITCHEncoder.tradingAction(
                scratch, locate: instrument.locate, timestamp: at(4, 0) + UInt64(i + 1) * 1_000,
                symbol: instrument.symbol, state: UInt8(ascii: "T"), reason: Self.blankReason))
        }
        try emit(GeneratorITCHEncoder.systemEvent(scratch, timestamp: at(9, 30), event: UInt8(ascii: "Q")))
        for rank in 0..<crossCount {
            try emit(engine.cross(scratch, rank: rank, crossType: UInt8(ascii: "O"),
                                  timestamp: at(9, 30) + UInt64(rank + 1) * 1_000))
        }

        // The flow: message i of n gets a timestamp in its own slot [start + i·step, start +
        // (i+1)·step), so timestamps strictly increase without any look-ahead.
        let flowCount = config.messages - config.sessionMessages
        let step = flowCount == 0 ? 1 : Self.flowSpanNanoseconds / flowCount
        var slotStart = Self.flowStart
        for _ in 0..<flowCount {
            let timestamp = slotStart + engine.random.below(step)
            slotStart += step
            try emit(engine.next(scratch, timestamp: timestamp))
        }

        // End of day.
        for rank in 0..<crossCount {
            try emit(engine.cross(scratch, rank: rank, crossType: UInt8(ascii: "C"),
                                  timestamp: at(16, 0) + UInt64(rank + 1) * 1_000))
        }
        try emit(GeneratorITCHEncoder.systemEvent(scratch, timestamp: at(16, 0, 1), event: UInt8(ascii: "M")))
        try emit(GeneratorITCHEncoder.systemEvent(scratch, timestamp: at(20, 0), event: UInt8(ascii: "E")))
        try emit(GeneratorITCHEncoder.systemEvent(scratch, timestamp: at(20, 5), event: UInt8(ascii: "C")))
        try sink.finish()

        stats.liveOrdersAtEnd = engine.liveOrders
        stats.peakLiveOrders = engine.peakLiveOrders
        stats.halts = engine.halts
        return stats
    }

    /// Generates into an ITCH file (NASDAQ's 2-byte length framing) and, if `moldUDP64Path` is
    /// given, into a file of MoldUDP64 packets (see `MoldUDP64PacketFileWriter`) in the same pass.
    public func writeFiles(
        itchPath: String, moldUDP64Path: String? = nil, session: String = "VEGAGEN001",
        maximumPacketSize: Int = 1400, progressInterval: UInt64 = 0, progress: (UInt64) -> Void = { _ in }
    ) throws(ITCHGeneratorError) -> ITCHGeneratorStatistics {
        var file = try ITCHFileWriter(path: itchPath)
        guard let moldUDP64Path else {
            return try generate(into: &file, progressInterval: progressInterval, progress: progress)
        }
        let packets = try MoldUDP64PacketFileWriter(path: moldUDP64Path)
        let packetizer = try MoldUDP64Packetizer(output: packets, session: session, maximumPacketSize: maximumPacketSize)
        var tee = ITCHTeeSink(file, packetizer)
        return try generate(into: &tee, progressInterval: progressInterval, progress: progress)
    }

    // MARK: - Set-up

    static let blankReason: UInt32 = 0x2020_2020

    static func directoryFields(_ instrument: GeneratedInstrument) -> GeneratorITCHEncoder.DirectoryFields {
        var fields = GeneratorITCHEncoder.DirectoryFields()
        // A spread of listing venues, as a real directory has (NASDAQ GS/GM/CM, NYSE, Arca, ...).
        let categories: [UInt8] = Array("QQQGSNNPAZ".utf8)
        fields.marketCategory = categories[Int(instrument.locate) % categories.count]
        fields.luldTier = instrument.activityRank < 500 ? UInt8(ascii: "1") : UInt8(ascii: "2")
        return fields
    }

    /// A synthetic ticker for instrument `index`: bijective base 26 (A…Z, AA…ZZ, AAA…), so tickers
    /// are unique, 1–4 letters for any count a locate allows, and read like real ones.
    static func ticker(_ index: Int) -> String {
        var n = index + 1
        var letters: [UInt8] = []
        while n > 0 {
            n -= 1
            letters.append(UInt8(ascii: "A") + UInt8(n % 26))
            n /= 26
        }
        return String(decoding: letters.reversed(), as: UTF8.self)
    }

    static func makeInstruments(_ config: ITCHGeneratorConfiguration) -> [GeneratedInstrument] {
        var random = GeneratorRandom(seed: config.seed).fork(stream: 1)
        let k = config.symbols
        // Activity ranks are a seeded permutation, so the busiest instrument is not always "A".
        var rankOf = Array(0..<k)
        for i in stride(from: k - 1, to: 0, by: -1) { rankOf.swapAt(i, random.below(i + 1)) }
        // Exact for the default exponent 1; other exponents go through libm's `pow`, which is
        // correctly rounded on glibc and Darwin for these arguments in practice.
        let weights = (0..<k).map { 1.0 / pow(Double($0 + 1), config.zipfExponent) }
        let total = weights.reduce(0, +)
        return (0..<k).map { i in
            // 4 % sub-dollar names on the $0.0001 grid; the rest log-uniform $5–$500 on $0.01.
            let subDollar = random.below(100) < 4
            let tick: Int64 = subDollar ? 1 : 100
            let mid: Int64
            if subDollar {
                mid = 1_000 + Int64(random.below(UInt64(8_900)))
            } else {
                // $5 × (1 + 1/256)^k, k < 1180, is log-uniform over $5–$500 in integer steps, so
                // prices do not depend on a platform's `pow` rounding.
                var raw: Int64 = 50_000
                for _ in 0..<random.below(1_180) { raw += raw >> 8 }
                mid = raw / 100 * 100
            }
            return GeneratedInstrument(
                locate: UInt16(i + 1), symbol: Symbol(ticker(i))!, tickSize: tick, openingMid: mid,
                activityRank: rankOf[i], activityShare: weights[rankOf[i]] / total)
        }
    }
}
