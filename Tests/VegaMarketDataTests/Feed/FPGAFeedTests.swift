import CVegaFPGA
import Foundation
import Glibc
import Testing
import VegaCore
import VegaHardware
import VegaHardwareSim
@testable import VegaMarketData

@Suite("FPGA ring → L2 book")
struct FPGAFeedTests {
    @Test("books fed through the FPGA event ring look the same as the ITCH-built books they were snapshotted from")
    func fpgaFedBooksMatchITCHBuiltBooks() throws {
        // ITCH-built books from a generated session.
        let generator = try ITCHGenerator(ITCHGeneratorConfiguration(seed: 11, messages: 50_000, symbols: 120))
        var file = ITCHMemorySink()
        _ = try generator.generate(into: &file, progress: { _ in })
        var itch = ITCHHandler(sink: OrderBooks(configuration: BookConfiguration(maxInstruments: 1_024, maxOrders: 1 << 17, maxLevels: 1 << 17)))
        file.bytes.withUnsafeBytes { raw in
            var reader = ITCHFileReader(unsafeBytes: raw)
            while case .message(let m) = reader.next() { _ = itch.handle(m, stamps: EventTimes(exchange: Timestamp(nanoseconds: 0))) }
        }

        // The card's view: an L2 snapshot of every instrument, written into the ring layout.
        let path = "/dev/shm/vega-fpga-feedtest-\(getpid())"
        defer { unlink(path) }
        var writer = try FPGARingWriter(path: path, slotCount: 1 << 16)
        let snapshot = UnsafeMutableBufferPointer<FPGAEvent>.allocate(capacity: 64)
        defer { snapshot.deallocate() }
        var locates: [UInt16] = []
        for l in 1...UInt16(1_023) where itch.sink.isDefined(locate: l) {
            locates.append(l)
            let n = itch.sink.snapshotL2(locate: l, levels: 30, into: snapshot)
            for i in 0..<n { writer.write(snapshot[i]) }
        }
        #expect(locates.count == 120)

        var feed = FPGAFeed(ring: try MappedEventRing(source: .file(path: path), fromStart: true), book: L2Book(maxInstruments: 1_024, depth: 30))
        while feed.poll() > 0 {}
        let lost = feed.lost, refused = feed.refused
        #expect(lost == 0 && refused == 0)
        var compared = 0
        for l in locates {
            let want = itch.sink.topOfBook(locate: l), got = feed.book.topOfBook(locate: l)
            #expect(got == want, "locate \(l)")
            for side in [Side.buy, .sell] {
                let depth = min(30, itch.sink.levelCount(locate: l, side: side))
                let fedDepth = feed.book.levelCount(locate: l, side: side)
                #expect(fedDepth == depth)
                for i in 0..<depth {
                    let fed = feed.book.level(locate: l, side: side, index: i), built = itch.sink.level(locate: l, side: side, index: i)
                    #expect(fed == built)
                    compared += 1
                }
            }
        }
        #expect(compared > 1_000, "deep books were compared, not just tops")
    }

    @Test("a reader lapped by the card marks every book stale and counts the loss")
    func lappedReaderMarksBooksStale() throws {
        let path = "/dev/shm/vega-fpga-feedlap-\(getpid())"
        defer { unlink(path) }
        var writer = try FPGARingWriter(path: path, slotCount: 16)
        var feed = FPGAFeed(ring: try MappedEventRing(source: .file(path: path), fromStart: true), book: L2Book(maxInstruments: 64, depth: 5))
        var e = FPGAEvent()
        e.type = UInt8(VEGA_FPGA_EV_LEVEL_SET)
        e.side = UInt8(VEGA_FPGA_SIDE_BID)
        e.instrument = 3
        e.price = 100_0000
        e.quantity = 100
        e.order_count = 1
        writer.write(e)
        _ = feed.poll()
        let staleBefore = feed.book.isStale(locate: 3)
        #expect(!staleBefore)
        for _ in 0..<100 { writer.write(e) }   // laps the 16-slot ring
        _ = feed.poll()
        let lost = feed.lost, staleAfter = feed.book.isStale(locate: 3)
        #expect(lost > 0)
        #expect(staleAfter)
    }
}
