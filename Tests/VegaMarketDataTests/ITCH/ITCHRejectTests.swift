import Foundation
import Testing
import VegaCore
import VegaMarketData
import VegaTestSupport

// Every refusal reason, and the property that matters most: a refused message costs exactly
// itself. A stream with bad messages interleaved loses none of the good ones.

private let h = ITCHHeader(stockLocate: 7, trackingNumber: 1, timestamp: handTimestamp)
private let ibm = Symbol("IBM")!
private let goodAdd = encoded { $0.addOrder(h, reference: 1, side: 0x42, shares: 100, stock: ibm, price: Price4(rawValue: 1_000_000)) }

/// Decodes `bytes` with a fresh decoder; returns the reason and checks it was counted once.
private func rejection(_ bytes: [UInt8]) -> ITCHReject? {
    var decoder = ITCHDecoder()
    let r = bytes.withUnsafeBytes { decoder.decode($0) }
    guard case .rejected(let reason) = r else { return nil }
    #expect(decoder.counters.rejects(reason) == 1 && decoder.counters.totalRejects == 1)
    #expect(decoder.counters.totalMessages == 0)
    return reason
}

private func mutated(_ bytes: [UInt8], at offset: Int, _ values: [UInt8]) -> [UInt8] {
    var b = bytes
    b.replaceSubrange(offset..<offset + values.count, with: values)
    return b
}

@Suite("ITCH refusals: each reason, counted, and never a lost good message")
struct ITCHRejectTests {
    @Test func emptyInputIsTruncated() { #expect(rejection([]) == .truncated) }

    @Test func shorterThanItsTypeIsTruncated() {
        for n in 1..<goodAdd.count { #expect(rejection(Array(goodAdd.prefix(n))) == .truncated, "\(n) bytes") }
    }

    @Test func longerThanItsTypeIsALengthMismatch() {
        #expect(rejection(goodAdd + [0]) == .lengthMismatch)
        #expect(rejection(goodAdd + goodAdd) == .lengthMismatch)
    }

    @Test func unknownTypeByte() {
        for byte in [UInt8(0), 0x61, 0x54, 0x5A, 0xFF] {
            #expect(rejection(mutated(goodAdd, at: 0, [byte])) == .unknownType, "type \(byte)")
        }
    }

    @Test func timestampOfADayOrMoreIsInvalid() {
        // 86,400 s = 0x4E94914F0000 ns; one less is the last valid nanosecond of the day.
        #expect(rejection(mutated(goodAdd, at: 5, [0x4E, 0x94, 0x91, 0x4F, 0x00, 0x00])) == .invalidTimestamp)
        #expect(rejection(mutated(goodAdd, at: 5, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])) == .invalidTimestamp)
        #expect(rejection(mutated(goodAdd, at: 5, [0x4E, 0x94, 0x91, 0x4E, 0xFF, 0xFF])) == nil)
    }

    @Test func sideOtherThanBuyOrSellIsInvalid() {
        #expect(rejection(mutated(goodAdd, at: 19, [0x41])) == .invalidSide)
        let f = encoded { $0.addOrder(h, reference: 1, side: 0x00, shares: 1, stock: ibm, price: Price4(rawValue: 1), attribution: 0) }
        #expect(rejection(f) == .invalidSide)
        let p = encoded { $0.trade(h, side: 0x62, shares: 1, stock: ibm, price: Price4(rawValue: 1), matchNumber: 1) }
        #expect(rejection(p) == .invalidSide)
    }

    @Test func zeroSharesIsInvalidWhereSharesMustMove() {
        #expect(rejection(mutated(goodAdd, at: 20, [0, 0, 0, 0])) == .invalidShares)
        #expect(rejection(encoded { $0.orderExecuted(h, reference: 1, shares: 0, matchNumber: 1) }) == .invalidShares)
        #expect(rejection(encoded { $0.orderExecutedWithPrice(h, reference: 1, shares: 0, matchNumber: 1, printable: 0x59, price: Price4(rawValue: 1)) }) == .invalidShares)
        #expect(rejection(encoded { $0.orderCancel(h, reference: 1, shares: 0) }) == .invalidShares)
        #expect(rejection(encoded { $0.orderReplace(h, original: 1, replacement: 2, shares: 0, price: Price4(rawValue: 1)) }) == .invalidShares)
        #expect(rejection(encoded { $0.trade(h, side: 0x42, shares: 0, stock: ibm, price: Price4(rawValue: 1), matchNumber: 1) }) == .invalidShares)
    }

    @Test func crossTradeWithZeroSharesAndPriceIsAccepted() {
        // Spec §1.5.2: with insufficient interest the Cross Trade message may show zero shares.
        #expect(rejection(encoded { $0.crossTrade(h, shares: 0, stock: ibm, price: .zero, matchNumber: 0, crossType: 0x43) }) == nil)
    }

    @Test func priceOutsideOneTickTo200kIsInvalid() {
        #expect(rejection(mutated(goodAdd, at: 32, [0, 0, 0, 0])) == .invalidPrice)
        #expect(rejection(mutated(goodAdd, at: 32, [0x77, 0x35, 0x94, 0x01])) == .invalidPrice, "200,000.0001")
        #expect(rejection(mutated(goodAdd, at: 32, [0xFF, 0xFF, 0xFF, 0xFF])) == .invalidPrice)
        #expect(rejection(mutated(goodAdd, at: 32, [0x77, 0x35, 0x94, 0x00])) == nil, "200,000.0000 is the maximum")
        #expect(rejection(encoded { $0.orderReplace(h, original: 1, replacement: 2, shares: 1, price: .zero) }) == .invalidPrice)
        #expect(rejection(encoded { $0.orderExecutedWithPrice(h, reference: 1, shares: 1, matchNumber: 1, printable: 0x4E, price: .zero) }) == .invalidPrice)
        #expect(rejection(encoded { $0.trade(h, side: 0x53, shares: 1, stock: ibm, price: .zero, matchNumber: 1) }) == .invalidPrice)
        #expect(rejection(encoded { $0.mwcbDeclineLevel(h, level1: Price8(rawValue: -1), level2: .zero, level3: .zero) }) == .invalidPrice)
    }

    @Test func unknownTradingStateIsInvalid() {
        #expect(rejection(encoded { $0.stockTradingAction(h, stock: ibm, tradingState: 0x58, reason: 0) }) == .invalidTradingState)
    }

    @Test func printableOtherThanYOrNIsInvalid() {
        #expect(rejection(encoded { $0.orderExecutedWithPrice(h, reference: 1, shares: 1, matchNumber: 1, printable: 0x20, price: Price4(rawValue: 1)) }) == .invalidPrintable)
    }

    @Test func informationalCodesPassThroughUnchecked() {
        // New codes appear within 5.0 (NOII cross type 'A' 2022, imbalance 'P' 2023): none is refused.
        #expect(rejection(encoded { $0.systemEvent(h, eventCode: 0x7A) }) == nil)
        #expect(rejection(encoded { $0.noii(h, pairedShares: 0, imbalanceShares: 0, imbalanceDirection: 0x50, stock: ibm, farPrice: .zero, nearPrice: .zero, currentReferencePrice: .zero, crossType: 0x41, priceVariationIndicator: 0x20) }) == nil)
    }

    @Test("a file-framed stream with bad messages interleaved delivers every good message, in order")
    func badMessagesCostOnlyThemselves() {
        var rng = SplitMix64(seed: 42)
        var messages: [[UInt8]] = []
        var goodReferences: [UInt64] = []
        let bad: [[UInt8]] = [
            [], [0x41], Array(goodAdd.prefix(20)), goodAdd + [1, 2, 3], mutated(goodAdd, at: 0, [0x7A]),
            mutated(goodAdd, at: 19, [0x58]), mutated(goodAdd, at: 20, [0, 0, 0, 0]), mutated(goodAdd, at: 32, [0, 0, 0, 0]),
            mutated(goodAdd, at: 5, [0xFF, 0, 0, 0, 0, 0]),
            encoded { $0.stockTradingAction(h, stock: ibm, tradingState: 0, reason: 0) },
            encoded { $0.orderExecutedWithPrice(h, reference: 1, shares: 1, matchNumber: 1, printable: 0, price: Price4(rawValue: 1)) },
            (0..<60).map { _ in UInt8.random(in: 0...255, using: &rng) },
        ]
        for i in 0..<2_000 {
            if rng.next() % 3 == 0 {
                messages.append(bad[Int(rng.next() % UInt64(bad.count))])
            } else {
                let ref = UInt64(i)
                goodReferences.append(ref)
                messages.append(encoded { $0.addOrder(h, reference: ref, side: 0x53, shares: 5, stock: ibm, price: Price4(rawValue: 77)) })
            }
        }
        let file = fileFramed(messages)
        var decoder = ITCHDecoder()
        var seen: [UInt64] = []
        var steps = 0
        file.withUnsafeBytes { bytes in
            var reader = ITCHFileReader(unsafeBytes: bytes)
            while let d = reader.decodeNext(&decoder) {
                steps += 1
                if case .message(.addOrder(let m)) = d { seen.append(m.orderReference) }
            }
        }
        #expect(steps == messages.count)
        #expect(seen == goodReferences)
        #expect(decoder.counters.messages(.addOrder) == UInt64(goodReferences.count))
        #expect(decoder.counters.totalMessages + decoder.counters.totalRejects == UInt64(messages.count))
        #expect(decoder.counters.rejects(.truncatedFrame) == 0)
    }
}

@Suite("ITCH file reader")
struct ITCHFileReaderTests {
    private let add = encoded { $0.addOrder(h, reference: 9, side: 0x42, shares: 1, stock: ibm, price: Price4(rawValue: 1)) }

    @Test func truncatedFinalFrameIsItsOwnReasonAndEndsTheWalk() {
        for cut in 1..<(add.count + 2) {
            let file = Array((fileFramed([add, add])).dropLast(cut))
            var decoder = ITCHDecoder()
            var results: [ITCHDecoded] = []
            file.withUnsafeBytes { bytes in
                var reader = ITCHFileReader(unsafeBytes: bytes)
                while let d = reader.decodeNext(&decoder) { results.append(d) }
                #expect(reader.offset == bytes.count)
            }
            #expect(results.count == 2, "cut \(cut)")
            #expect(decoder.counters.messages(.addOrder) == 1)
            #expect(decoder.counters.rejects(.truncatedFrame) == 1)
        }
    }

    @Test func zeroLengthFrameIsATruncatedMessageAndTheWalkGoesOn() {
        let file = [0, 0] + fileFramed([add])
        var decoder = ITCHDecoder()
        file.withUnsafeBytes { bytes in
            var reader = ITCHFileReader(unsafeBytes: bytes)
            while reader.decodeNext(&decoder) != nil {}
        }
        #expect(decoder.counters.rejects(.truncated) == 1 && decoder.counters.messages(.addOrder) == 1)
    }

    @Test func mapsAFileAndWalksIt() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("itch-\(UUID().uuidString).bin").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let messages = (0..<1000).map { i in
            encoded { $0.orderDelete(ITCHHeader(stockLocate: 1, timestamp: Timestamp(nanoseconds: UInt64(i))), reference: UInt64(i)) }
        }
        #expect(FileManager.default.createFile(atPath: path, contents: Data(fileFramed(messages))))
        var reader = try ITCHFileReader(path: path)
        var decoder = ITCHDecoder()
        var references: [UInt64] = []
        while let d = reader.decodeNext(&decoder) {
            if case .message(.orderDelete(let m)) = d { references.append(m.orderReference) }
        }
        #expect(references == (0..<1000).map { UInt64($0) })
    }

    @Test func emptyFileEndsAtOnceAndAMissingFileSaysWhy() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("itch-\(UUID().uuidString).bin").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        var reader = try ITCHFileReader(path: path)
        guard case .end = reader.next() else { Issue.record("not at end"); return }
        do {
            _ = try ITCHFileReader(path: path + ".missing")
            Issue.record("opened a missing file")
        } catch {
            #expect(error.operation == "open" && error.description.contains(".missing"))
        }
    }
}
