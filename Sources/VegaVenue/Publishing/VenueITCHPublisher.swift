import VegaCore
import VegaMarketData

/// Turns what the matching engine did into NASDAQ TotalView-ITCH 5.0 messages, as the venue's
/// market-data feed: Add Order when quantity rests, Order Executed on the resting reference for
/// every trade, Order Cancel / Order Delete when resting quantity leaves, Order Delete + Add
/// Order for a replace that loses priority, Order Cancel for one that keeps it, Stock Trading
/// Action for halts; plus the day's system events and the stock directory.
///
/// Messages go to any ``ITCHMessageSink`` (a MoldUDP64 packetizer, a file, a tee of both).
/// Feeding them to Vega's own ITCH decoder and books rebuilds the venue's book exactly (the
/// tests check it order by order).
public final class VenueITCHPublisher<Sink: ITCHMessageSink> {
    public var sink: Sink
    /// The symbol of each listed instrument, by locate.
    public let symbols: [UInt16: Symbol]
    private var tracking: UInt16 = 0
    private let scratch: UnsafeMutableRawBufferPointer
    public private(set) var messagesPublished: UInt64 = 0

    public init(sink: Sink, symbols: [UInt16: Symbol]) {
        self.sink = sink
        self.symbols = symbols
        scratch = .allocate(byteCount: 256, alignment: 8)
    }

    deinit { scratch.deallocate() }

    private func emit(_ encode: (ITCHEncoder) -> Int) throws(ITCHGeneratorError) {
        let n = encode(ITCHEncoder(scratch))
        precondition(n > 0, "ITCH message does not fit the scratch buffer")
        tracking &+= 1
        try sink.write(message: UnsafeRawBufferPointer(rebasing: scratch[0..<n]))
        messagesPublished += 1
    }

    private func header(_ locate: UInt16, _ time: Timestamp<SinceMidnight>) -> ITCHHeader {
        ITCHHeader(stockLocate: locate, trackingNumber: tracking, timestamp: time)
    }

    /// Start of day: 'O' start of messages, 'S' start of system hours, the stock directory and a
    /// trading action 'T' for every instrument, 'Q' start of market hours.
    public func startOfDay(at time: Timestamp<SinceMidnight>) throws(ITCHGeneratorError) {
        let h0 = header(0, time)
        try emit { $0.systemEvent(h0, eventCode: UInt8(ascii: "O")) }
        try emit { $0.systemEvent(h0, eventCode: UInt8(ascii: "S")) }
        for (locate, symbol) in symbols.sorted(by: { $0.key < $1.key }) {
            let h = header(locate, time)
            try emit {
                $0.stockDirectory(h, stock: symbol, marketCategory: UInt8(ascii: "Q"), financialStatusIndicator: UInt8(ascii: "N"),
                                  roundLotSize: 100, roundLotsOnly: UInt8(ascii: "N"), issueClassification: UInt8(ascii: "C"),
                                  issueSubType: 0x2020, authenticity: UInt8(ascii: "P"), shortSaleThresholdIndicator: UInt8(ascii: "N"),
                                  ipoFlag: UInt8(ascii: " "), luldReferencePriceTier: UInt8(ascii: "1"), etpFlag: UInt8(ascii: "N"),
                                  etpLeverageFactor: 0, inverseIndicator: UInt8(ascii: "N"))
            }
            try emit { $0.stockTradingAction(h, stock: symbol, tradingState: UInt8(ascii: "T"), reason: 0x2020_2020) }
        }
        try emit { $0.systemEvent(h0, eventCode: UInt8(ascii: "Q")) }
    }

    /// End of day: 'M' end of market hours, 'E' end of system hours, 'C' end of messages.
    public func endOfDay(at time: Timestamp<SinceMidnight>) throws(ITCHGeneratorError) {
        let h0 = header(0, time)
        for code in ["M", "E", "C"] as [Unicode.Scalar] {
            try emit { $0.systemEvent(h0, eventCode: UInt8(ascii: code)) }
        }
    }

    /// Publishes what `event` shows to the market (orders' acceptances and rejections and
    /// quantity that never rested are private to their firm and publish nothing).
    public func publish(_ event: VenueEvent, at time: Timestamp<SinceMidnight>) throws(ITCHGeneratorError) {
        switch event {
        case .accepted, .rejected:
            return
        case .rested(let reference, let locate, let side, let price, let quantity):
            guard let symbol = symbols[locate] else { return }
            let h = header(locate, time)
            try emit { $0.addOrder(h, reference: reference, side: side.rawValue, shares: quantity, stock: symbol, price: price) }
        case .executed(let locate, _, let quantity, let match, let resting, _):
            let h = header(locate, time)
            try emit { $0.orderExecuted(h, reference: resting.reference, shares: quantity, matchNumber: match) }
        case .canceled(let reference, _, _, let locate, _, let quantity, let leaves, let wasResting, _):
            guard wasResting else { return }
            let h = header(locate, time)
            if leaves > 0 {
                try emit { $0.orderCancel(h, reference: reference, shares: quantity) }
            } else {
                try emit { $0.orderDelete(h, reference: reference) }
            }
        case .replaced(let old, _, _, _, _, let locate, _, _, let quantity, let previous, let kept):
            let h = header(locate, time)
            if kept {
                if previous > quantity { try emit { $0.orderCancel(h, reference: old, shares: previous - quantity) } }
            } else {
                // The replacement is a new order: it shows as an Add Order if and when it rests.
                try emit { $0.orderDelete(h, reference: old) }
            }
        case .tradingStatus(let locate, let halted):
            guard let symbol = symbols[locate] else { return }
            let h = header(locate, time)
            try emit { $0.stockTradingAction(h, stock: symbol, tradingState: UInt8(ascii: halted ? "H" : "T"), reason: 0x2020_2020) }
        }
    }

    public func finish() throws(ITCHGeneratorError) { try sink.finish() }
}
