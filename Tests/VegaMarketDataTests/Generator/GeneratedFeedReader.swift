import Testing
@testable import VegaMarketData

// The tests' own reading of ITCH 5.0 and of the file framing: written from the specification,
// not from the generator's encoder, so a field the encoder puts at the wrong offset fails here.

/// Walks NASDAQ's file framing (2-byte big-endian length, then the message) and returns each
/// message's byte range, or records why the framing is malformed.
struct FramingWalk {
    var messages: [Range<Int>] = []
    var problem: String?

    init(_ bytes: [UInt8]) {
        var position = 0
        while position < bytes.count {
            guard position + 2 <= bytes.count else { problem = "dangling length byte at \(position)"; return }
            let length = Int(bytes[position]) << 8 | Int(bytes[position + 1])
            let start = position + 2
            guard length > 0, start + length <= bytes.count else {
                problem = "message at \(position) of length \(length) runs past the end (\(bytes.count))"
                return
            }
            messages.append(start..<start + length)
            position = start + length
        }
    }
}

/// Big-endian field reads at spec offsets.
struct Fields {
    let bytes: [UInt8]
    let start: Int
    func u8(_ o: Int) -> UInt8 { bytes[start + o] }
    func u16(_ o: Int) -> UInt16 { UInt16(bytes[start + o]) << 8 | UInt16(bytes[start + o + 1]) }
    func u32(_ o: Int) -> UInt32 { (0..<4).reduce(UInt32(0)) { $0 << 8 | UInt32(bytes[start + o + $1]) } }
    func u48(_ o: Int) -> UInt64 { (0..<6).reduce(UInt64(0)) { $0 << 8 | UInt64(bytes[start + o + $1]) } }
    func u64(_ o: Int) -> UInt64 { (0..<8).reduce(UInt64(0)) { $0 << 8 | UInt64(bytes[start + o + $1]) } }
    var type: Character { Character(UnicodeScalar(u8(0))) }
    var locate: UInt16 { u16(1) }
    var timestamp: UInt64 { u48(5) }
    func text(_ o: Int, _ n: Int) -> String {
        String(decoding: bytes[(start + o)..<(start + o + n)], as: UTF8.self)
    }
}

/// The top of one instrument's book, as the reference CSV carries it.
struct ReferenceTopOfBook: Equatable, CustomStringConvertible {
    var locate: UInt16
    var symbol: String
    var bidPrice: Int64
    var bidSize: UInt64
    var bidOrders: Int
    var askPrice: Int64
    var askSize: UInt64
    var askOrders: Int

    var description: String {
        "\(locate),\(symbol),\(bidPrice),\(bidSize),\(bidOrders),\(askPrice),\(askSize),\(askOrders)"
    }
}

/// An independent book and invariant checker over a generated feed: every violation is recorded
/// with the message index, so a failing test says where the feed went wrong.
struct InvariantTracker {
    struct Order { var locate: UInt16; var isBid: Bool; var price: Int64; var shares: UInt32 }
    struct Level { var shares: UInt64 = 0; var orders: [UInt64] = [] }  // FIFO of references

    var orders: [UInt64: Order] = [:]
    var bids: [UInt16: [Int64: Level]] = [:]
    var asks: [UInt16: [Int64: Level]] = [:]
    var symbols: [UInt16: String] = [:]
    var ticks: [UInt16: Int64] = [:]
    var halted: Set<UInt16> = []
    var violations: [String] = []
    var lastTimestamp: UInt64 = 0
    var lastReference: UInt64 = 0
    var counts: [Character: Int] = [:]
    var messageCount = 0
    var systemEvents: [Character] = []

    init(instruments: [GeneratedInstrument]) {
        for i in instruments { ticks[i.locate] = i.tickSize }
    }

    mutating func fail(_ text: String) {
        if violations.count < 20 { violations.append("message \(messageCount): \(text)") }
    }

    func best(_ locate: UInt16, bid: Bool) -> Int64? {
        bid ? bids[locate]?.keys.max() : asks[locate]?.keys.min()
    }

    mutating func newReference(_ ref: UInt64) {
        if orders[ref] != nil { fail("reference \(ref) reused while live") }
        if ref <= lastReference { fail("reference \(ref) not increasing (last \(lastReference))") }
        lastReference = max(lastReference, ref)
    }

    mutating func add(_ ref: UInt64, _ order: Order) {
        if order.price <= 0 { fail("price \(order.price) not positive") }
        if let tick = ticks[order.locate], order.price % tick != 0 { fail("price \(order.price) off the \(tick) grid") }
        if symbols[order.locate] == nil { fail("add for locate \(order.locate) before its directory entry") }
        if let opposite = best(order.locate, bid: !order.isBid),
           order.isBid ? order.price >= opposite : order.price <= opposite {
            fail("\(order.isBid ? "bid" : "ask") \(order.price) crosses the opposite best \(opposite) on locate \(order.locate)")
        }
        orders[ref] = order
        if order.isBid { bids[order.locate, default: [:]][order.price, default: Level()].append(ref, order.shares) }
        else { asks[order.locate, default: [:]][order.price, default: Level()].append(ref, order.shares) }
    }

    mutating func take(_ ref: UInt64, shares: UInt32) {
        guard let order = orders[ref] else { return }
        let remove = shares == order.shares
        func update(_ levels: inout [Int64: Level]) {
            levels[order.price]!.shares -= UInt64(shares)
            if remove {
                levels[order.price]!.orders.removeAll { $0 == ref }
                if levels[order.price]!.orders.isEmpty { levels[order.price] = nil }
            }
        }
        if order.isBid { update(&bids[order.locate]!) } else { update(&asks[order.locate]!) }
        if remove { orders[ref] = nil } else { orders[ref]!.shares -= shares }
    }

    mutating func live(_ ref: UInt64, locate: UInt16) -> Order? {
        guard let order = orders[ref] else { fail("reference \(ref) is not live"); return nil }
        if order.locate != locate { fail("reference \(ref) is locate \(order.locate), message says \(locate)") }
        return order
    }

    mutating func apply(_ f: Fields, length: Int) {
        messageCount += 1
        let type = f.type
        counts[type, default: 0] += 1
        if let expected = GeneratorITCHEncoder.length(of: f.u8(0)), expected != length {
            fail("type \(type) has length \(length), the spec says \(expected)")
        }
        if f.timestamp <= lastTimestamp, messageCount > 1 { fail("timestamp \(f.timestamp) not after \(lastTimestamp)") }
        lastTimestamp = f.timestamp
        switch type {
        case "S":
            systemEvents.append(Character(UnicodeScalar(f.u8(11))))
        case "R":
            symbols[f.locate] = f.text(11, 8).trimmingSuffixSpaces
        case "H":
            if f.u8(19) == UInt8(ascii: "H") { halted.insert(f.locate) } else { halted.remove(f.locate) }
        case "A", "F":
            let ref = f.u64(11)
            newReference(ref)
            let side = f.u8(19)
            if side != UInt8(ascii: "B"), side != UInt8(ascii: "S") { fail("side byte \(side)") }
            if f.text(24, 8).trimmingSuffixSpaces != symbols[f.locate] { fail("add symbol disagrees with the directory") }
            add(ref, Order(locate: f.locate, isBid: side == UInt8(ascii: "B"), price: Int64(f.u32(32)), shares: f.u32(20)))
        case "E", "C":
            if halted.contains(f.locate) { fail("execution while halted") }
            let ref = f.u64(11)
            let shares = f.u32(19)
            guard let order = live(ref, locate: f.locate) else { return }
            if shares == 0 || shares > order.shares { fail("executes \(shares) of \(order.shares)") ; return }
            if order.price != best(order.locate, bid: order.isBid) { fail("execution at \(order.price), not the best price") }
            let level = order.isBid ? bids[order.locate]![order.price]! : asks[order.locate]![order.price]!
            if level.orders.first != ref { fail("execution of \(ref) is not the oldest order at its level") }
            if type == "C", Int64(f.u32(32)) != order.price { fail("C price \(f.u32(32)) vs order \(order.price)") }
            take(ref, shares: shares)
        case "X":
            let ref = f.u64(11)
            let shares = f.u32(19)
            guard let order = live(ref, locate: f.locate) else { return }
            if shares == 0 || shares >= order.shares { fail("cancels \(shares) of \(order.shares)"); return }
            take(ref, shares: shares)
        case "D":
            let ref = f.u64(11)
            guard let order = live(ref, locate: f.locate) else { return }
            take(ref, shares: order.shares)
        case "U":
            let ref = f.u64(11)
            let new = f.u64(19)
            guard let order = live(ref, locate: f.locate) else { return }
            take(ref, shares: order.shares)
            newReference(new)
            add(new, Order(locate: order.locate, isBid: order.isBid, price: Int64(f.u32(31)), shares: f.u32(27)))
        case "P", "Q":
            if halted.contains(f.locate) { fail("trade while halted") }
        case "B":
            break
        default:
            fail("unexpected message type \(type)")
        }
    }

    func topOfBook() -> [ReferenceTopOfBook] {
        symbols.keys.sorted().map { locate in
            var row = ReferenceTopOfBook(locate: locate, symbol: symbols[locate]!, bidPrice: 0, bidSize: 0, bidOrders: 0,
                                askPrice: 0, askSize: 0, askOrders: 0)
            if let p = best(locate, bid: true), let level = bids[locate]?[p] {
                row.bidPrice = p; row.bidSize = level.shares; row.bidOrders = level.orders.count
            }
            if let p = best(locate, bid: false), let level = asks[locate]?[p] {
                row.askPrice = p; row.askSize = level.shares; row.askOrders = level.orders.count
            }
            return row
        }
    }

    /// Runs a whole framed feed through a tracker.
    static func check(_ bytes: [UInt8], instruments: [GeneratedInstrument]) -> InvariantTracker {
        var tracker = InvariantTracker(instruments: instruments)
        let walk = FramingWalk(bytes)
        if let problem = walk.problem { tracker.fail(problem) }
        for range in walk.messages { tracker.apply(Fields(bytes: bytes, start: range.lowerBound), length: range.count) }
        return tracker
    }
}

extension InvariantTracker.Level {
    mutating func append(_ ref: UInt64, _ shares: UInt32) {
        orders.append(ref)
        self.shares += UInt64(shares)
    }
}

extension String {
    var trimmingSuffixSpaces: String {
        var s = Substring(self)
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}

/// Generates into memory.
func generateInMemory(seed: UInt64, messages: UInt64, symbols: Int) throws -> (bytes: [UInt8], generator: ITCHGenerator, stats: ITCHGeneratorStatistics) {
    let generator = try ITCHGenerator(ITCHGeneratorConfiguration(seed: seed, messages: messages, symbols: symbols))
    var sink = ITCHMemorySink()
    let stats = try generator.generate(into: &sink)
    return (sink.bytes, generator, stats)
}
