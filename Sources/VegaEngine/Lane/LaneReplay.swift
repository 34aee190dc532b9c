import VegaCore
import VegaJournal
import VegaMarketData
import VegaTrading

/// Replays a lane's journal through the same lane code and compares what it decides and sends
/// with what the journal says the live lane decided and sent.
///
/// The journal of a lane holds, in order: the configuration text (`configurationChange`), the
/// lane's start (annotation ``LaneJournalCodec/startAnnotation`` at the `now` it was built
/// with), then its inputs — market-data frames, order-entry bytes, timers, client requests, the
/// stop's cancel-all — interleaved with its outputs (risk verdicts, outbound messages). Replay builds
/// a lane from the configuration (`makeSetup`), feeds it every input with the recorded `now`,
/// and hashes the decisions and bytes it produces (``OutputHash``); the journaled outputs are
/// hashed the same way. Equal hashes: the run is reproduced bit for bit.
public struct LaneReplay {
    public struct Result: Sendable, CustomStringConvertible {
        /// What the replayed lane decided and sent.
        public var replayed: OutputHash
        /// What the journal says the live lane decided and sent.
        public var journaled: OutputHash
        public var inputs: UInt64
        public var records: UInt64
        /// Problems the journal reader found (torn tail, corruption), as text.
        public var problems: [String]
        public var matches: Bool { replayed == journaled }
        public var description: String {
            "replayed \(inputs) inputs of \(records) records: replay \(replayed), journal \(journaled): "
                + (matches ? "identical" : "DIFFERENT")
        }
    }

    public enum Failure: Error, CustomStringConvertible {
        case noConfiguration(String)
        case noStart(String)
        case setup(String)
        case journal(String)
        public var description: String {
            switch self {
            case .noConfiguration(let d): "\(d): the journal holds no configuration record before the lane's inputs; it was not written by `vega run`/`vega demo`"
            case .noStart(let d): "\(d): the journal holds no lane start record (\(LaneJournalCodec.startAnnotation))"
            case .setup(let why): "cannot rebuild the lane from the journaled configuration: \(why)"
            case .journal(let why): why
            }
        }
    }

    /// Replays the journal in `directory`. `makeSetup` turns the journaled configuration text
    /// into the lane's setup (the engine's TOML parser, for journals of `vega run`/`vega demo`).
    /// The venue of an annotation `<prefix> <venue>`, if `text` is one.
    static func venue(of text: String, _ prefix: String) -> Int? {
        guard text.hasPrefix(prefix + " ") else { return nil }
        return Int(text.dropFirst(prefix.count + 1))
    }

    public static func run(directory: String, makeSetup: (String) throws -> LaneSetup) throws(Failure) -> Result {
        let reader: JournalReader
        do { reader = try JournalReader(directory: directory) } catch { throw .journal("\(error)") }
        var configuration: String?
        var replayer: Replayer?
        var journaled = OutputHash()
        var inputs: UInt64 = 0
        var failure: Failure?
        let walk = reader.forEach { record -> Bool in
            switch record.type {
            case .configurationChange:
                if configuration == nil { configuration = String(decoding: record.payload, as: UTF8.self) }
            case .annotation:
                let text = String(decoding: record.payload, as: UTF8.self)
                if text == LaneJournalCodec.startAnnotation {
                    guard let configuration else {
                        failure = .noConfiguration(directory)
                        return false
                    }
                    do {
                        replayer = try Replayer(setup: try makeSetup(configuration), now: record.timestamp)
                    } catch {
                        failure = .setup("\(error)")
                        return false
                    }
                } else if text == LaneJournalCodec.cancelAllAnnotation {
                    replayer?.lane.cancelAll(now: record.timestamp)
                    inputs += 1
                } else if text == LaneJournalCodec.muteAnnotation || text == LaneJournalCodec.unmuteAnnotation {
                    replayer?.lane.muteStrategies(text == LaneJournalCodec.muteAnnotation, now: record.timestamp)
                    inputs += 1
                } else if let v = Self.venue(of: text, LaneJournalCodec.orderEntryLostAnnotation), replayer != nil {
                    replayer!.lane.orderEntryLost(venue: v, now: record.timestamp)
                    inputs += 1
                } else if let v = Self.venue(of: text, LaneJournalCodec.orderEntryReconnectedAnnotation), replayer != nil {
                    replayer!.lane.orderEntryReconnected(venue: v, now: record.timestamp)
                    inputs += 1
                }
            case .marketDataFrame:
                guard let (h, bytes) = record.frame, replayer != nil else { break }
                let times = EventTimes(exchange: Timestamp(nanoseconds: 0), nicNanoseconds: h.nicNanoseconds,
                                       kernelNanoseconds: h.kernelNanoseconds, hasNIC: h.nicNanoseconds != 0,
                                       hasKernel: h.kernelNanoseconds != 0)
                let line = MoldUDP64Line(rawValue: UInt8(truncatingIfNeeded: h.queue)) ?? .a
                replayer!.lane.handleFrame(venue: Int(h.queue >> 8), line: line, bytes: bytes, times: times,
                                           now: record.timestamp, truncated: h.flags & 1 != 0)
                inputs += 1
            case .orderEntryInbound:
                guard let (h, bytes) = record.message, replayer != nil else { break }
                replayer!.lane.handleOrderEntry(venue: Int(h.session), bytes: bytes, now: record.timestamp)
                inputs += 1
            case .timer:
                guard replayer != nil else { break }
                replayer!.lane.handleTimer(now: record.timestamp)
                inputs += 1
            case LaneJournalCodec.clientRequest:
                guard record.payload.count == ClientOrderRequest.canonicalSize, let base = record.payload.baseAddress,
                      replayer != nil else { break }
                // Canonical bytes are the layout.
                replayer!.lane.handleClientRequest(base.loadUnaligned(as: ClientOrderRequest.self), now: record.timestamp)
                inputs += 1
            case .riskVerdict:
                guard record.payload.count == OrderIntent.canonicalSize + 2, let base = record.payload.baseAddress else { break }
                let intent = base.loadUnaligned(as: OrderIntent.self)  // canonical bytes are the layout
                let code = base.loadUnaligned(fromByteOffset: OrderIntent.canonicalSize, as: UInt16.self)
                journaled.addDecision(intent, code: code)
            case .orderEntryOutbound:
                guard let (h, bytes) = record.message else { break }
                journaled.addOutbound(venue: Int(h.session), bytes: bytes)
            default:
                break
            }
            return true
        }
        if let failure { throw failure }
        guard configuration != nil else { throw .noConfiguration(directory) }
        guard let replayer else { throw .noStart(directory) }
        return Result(replayed: replayer.lane.core.tap.hash, journaled: journaled, inputs: inputs, records: walk.records,
                      problems: walk.problems.map(\.description))
    }

    /// The replayed lane (a class so the reader's closure can drive it).
    final class Replayer {
        var lane: Lane<NullPacketQueue, NullPacketQueue, HashingLaneTap>
        init(setup: LaneSetup, now: UInt64) throws {
            let channel = try RiskLimitsChannel(capacity: setup.capacity, limits: setup.limits)
            let core = try LaneCore(setup: setup, limits: channel, tap: HashingLaneTap(), now: now, profiling: .off)
            lane = try Lane(core: core, setup: setup, journal: nil, now: now, marketData: { _ in NullPacketQueue() },
                            orderEntry: { _ in NullPacketQueue() })
        }
    }
}
