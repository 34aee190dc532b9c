import Testing
@testable import VegaOrderEntry

/// The framer cuts a byte stream into packets however TCP splits or merges it.
@Suite struct SoupBinTCPFramerTests {
    func frames(_ chunks: [[UInt8]], max: Int = 100) -> (packets: [[UInt8]], violation: SoupBinTCPViolation?) {
        var framer = SoupBinTCPFramer(maxPacketLength: max)
        var out: [[UInt8]] = []
        for chunk in chunks {
            var i = 0
            let v: SoupBinTCPViolation? = chunk.withUnsafeBytes { raw in
                while true {
                    switch framer.next(raw, &i) {
                    case .needMore: return nil
                    case .violation(let v): return v
                    case .packet(let t, let p): out.append([t] + Array(p))
                    }
                }
            }
            if let v { return (out, v) }
        }
        return (out, nil)
    }

    @Test func packetsArriveWholeWhetherSplitByteByByteOrMergedInOneRead() {
        let stream = packet(0x53, Array("hello".utf8)) + packet(0x48) + packet(0x53, [UInt8](repeating: 7, count: 90))
        let expected: [[UInt8]] = [[0x53] + Array("hello".utf8), [0x48], [0x53] + [UInt8](repeating: 7, count: 90)]
        #expect(frames([stream]).packets == expected)
        #expect(frames(stream.map { [$0] }).packets == expected)
        // Every split point into two reads, including inside the 2-byte length.
        for cut in 0...stream.count {
            #expect(frames([Array(stream[..<cut]), Array(stream[cut...])]).packets == expected, "cut at \(cut)")
        }
    }

    @Test func aLengthAboveTheMaximumOrOfZeroIsAViolation() {
        #expect(frames([[0x00, 0x65, 0x53]], max: 100).violation == .packetTooLong)
        #expect(frames([[0x00], [0x65]], max: 100).violation == .packetTooLong)
        #expect(frames([packet(0x48) + [0x00, 0x00]]).violation == .emptyPacket)
        #expect(frames([packet(0x48) + [0x00, 0x00]]).packets == [[0x48]])
        #expect(frames([[0x00, 0x64] + [UInt8](repeating: 1, count: 100)], max: 100).packets.count == 1)
    }

    @Test func aHalfPacketIsKeptUntilTheRestArrives() {
        var framer = SoupBinTCPFramer(maxPacketLength: 100)
        let p = packet(0x55, [1, 2, 3])
        var i = 0
        let first: Bool = Array(p.prefix(4)).withUnsafeBytes { if case .needMore = framer.next($0, &i) { return true } else { return false } }
        #expect(first)
        #expect(framer.bufferedCount == 4)
        i = 0
        let rest: [UInt8]? = Array(p.dropFirst(4)).withUnsafeBytes {
            if case .packet(let t, let payload) = framer.next($0, &i) { return [t] + Array(payload) } else { return nil }
        }
        #expect(rest == [0x55, 1, 2, 3])
        #expect(framer.bufferedCount == 0)
    }
}
