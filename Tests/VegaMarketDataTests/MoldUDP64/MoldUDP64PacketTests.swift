import Testing
import VegaMarketData

@Suite struct MoldUDP64PacketTests {
    func parse(_ bytes: [UInt8]) -> (MoldUDP64Packet.Kind?, UInt64, UInt16, [[UInt8]], MoldUDP64Malformed?) {
        bytes.withUnsafeBytes { raw in
            switch MoldUDP64Packet.parse(raw) {
            case .packet(let p):
                var out: [[UInt8]] = []
                var it = p.messages
                while let m = it.next() { out.append(Array(m)) }
                return (p.kind, p.sequence, p.count, out, nil)
            case .malformed(let r):
                return (nil, 0, 0, [], r)
            }
        }
    }

    @Test("a hand-built data packet yields its session, first sequence, count and each message in order")
    func dataPacket() {
        let bytes: [UInt8] = Array("ABCDEFGHIJ".utf8) + [0, 0, 0, 0, 0, 0, 0x01, 0x02] + [0, 3]
            + [0, 2, 0xAA, 0xBB] + [0, 0] + [0, 1, 0xCC]
        let (kind, seq, count, messages, bad) = parse(bytes)
        #expect(bad == nil)
        #expect(kind == .data)
        #expect(seq == 0x0102)
        #expect(count == 3)
        #expect(messages == [[0xAA, 0xBB], [], [0xCC]])
        bytes.withUnsafeBytes { raw in
            guard case .packet(let p) = MoldUDP64Packet.parse(raw) else { Issue.record("not parsed"); return }
            #expect(p.session == MoldUDP64SessionID("ABCDEFGHIJ"))
            #expect(p.session.description == "ABCDEFGHIJ")
            #expect(p.nextSequence == 0x0105)
            #expect(p.messageCount == 3)
        }
    }

    @Test("a heartbeat (count 0) carries the next expected sequence and no messages")
    func heartbeat() {
        let (kind, seq, count, messages, bad) = parse(Wire.heartbeat(next: 42))
        #expect(bad == nil && kind == .heartbeat && seq == 42 && count == 0 && messages.isEmpty)
    }

    @Test("an end-of-session packet (count 0xFFFF) carries the next sequence and no messages")
    func endOfSession() {
        let (kind, seq, count, messages, bad) = parse(Wire.endOfSession(next: 1000))
        #expect(bad == nil && kind == .endOfSession && seq == 1000 && count == 0xFFFF && messages.isEmpty)
    }

    @Test("every malformed datagram is refused with its own reason",
          arguments: [
            (Array(Wire.header("S", 1, 1).prefix(19)), MoldUDP64Malformed.shortHeader),
            ([], .shortHeader),
            (Wire.header("S", 1, 2) + [0, 1, 7], .countExceedsBlocks),
            (Wire.header("S", 1, 1) + [0, 5, 1, 2], .blockOverrunsPacket),
            (Wire.header("S", 1, 2) + [0, 1, 7] + [0], .partialBlockLength),
            (Wire.header("S", 1, 1) + [0, 1, 7] + [0, 1, 8], .bytesAfterLastBlock),
            (Wire.header("S", 1, 1) + [0, 1, 7] + [9], .bytesAfterLastBlock),
            (Wire.header("S", 5, 0) + [0, 1, 7], .dataInControlPacket),
            (Wire.header("S", 5, 0xFFFF) + [0], .dataInControlPacket),
            (Wire.header("S", 0, 1) + [0, 1, 7], .invalidSequence),
            (Wire.header("S", UInt64.max, 2) + [0, 1, 7, 0, 1, 8], .invalidSequence),
          ] as [([UInt8], MoldUDP64Malformed)])
    func malformed(bytes: [UInt8], reason: MoldUDP64Malformed) {
        #expect(parse(bytes).4 == reason)
    }

    @Test("a frame the queue flagged truncated is refused as truncated, whatever its bytes")
    func truncatedFrame() {
        let bytes = Wire.packet(1, [[1, 2, 3]])
        let r = bytes.withUnsafeBytes { raw -> MoldUDP64Malformed? in
            if case .malformed(let m) = MoldUDP64Packet.parse(raw, truncated: true) { return m }
            return nil
        }
        #expect(r == .truncatedFrame)
    }

    @Test("the encoder writes exactly the bytes of the spec's layout for data, heartbeat, end of session and request")
    func encoderMatchesHandBuiltBytes() {
        var buffer = [UInt8](repeating: 0xEE, count: 1500)
        let n = buffer.withUnsafeMutableBytes { out -> Int in
            var e = MoldUDP64Encoder(into: out, session: testSession, sequence: 77)
            for m in [[UInt8]([1, 2, 3]), [], [9]] { #expect(m.withUnsafeBytes { e.append($0) }) }
            return e.finish()
        }
        #expect(Array(buffer[0..<n]) == Wire.packet(77, [[1, 2, 3], [], [9]]))
        let hb = buffer.withUnsafeMutableBytes { MoldUDP64Encoder.heartbeat(into: $0, session: testSession, nextSequence: 5) }
        #expect(Array(buffer[0..<hb]) == Wire.heartbeat(next: 5))
        let eos = buffer.withUnsafeMutableBytes { MoldUDP64Encoder.endOfSession(into: $0, session: testSession, nextSequence: 9) }
        #expect(Array(buffer[0..<eos]) == Wire.endOfSession(next: 9))
        let rq = buffer.withUnsafeMutableBytes { MoldUDP64Encoder.request(into: $0, session: testSession, sequence: 0x0102_0304_0506_0708, count: 0x0A0B) }
        #expect(Array(buffer[0..<rq]) == Array("SESSION001".utf8) + [1, 2, 3, 4, 5, 6, 7, 8, 0x0A, 0x0B])
    }

    @Test("the encoder refuses a message that would pass maxPayload and leaves the packet valid")
    func encoderRespectsMaxPayload() {
        var buffer = [UInt8](repeating: 0, count: 2048)
        let n = buffer.withUnsafeMutableBytes { out -> Int in
            var e = MoldUDP64Encoder(into: out, session: testSession, sequence: 1, maxPayload: 20 + 2 * 12)
            let m = [UInt8](repeating: 7, count: 10)
            #expect(m.withUnsafeBytes { e.append($0) })
            #expect(m.withUnsafeBytes { e.append($0) })
            #expect(!m.withUnsafeBytes { e.append($0) })
            #expect(e.count == 2)
            return e.finish()
        }
        #expect(n == 44)
        #expect(parse(Array(buffer[0..<n])).3.count == 2)
    }

    @Test("a request packet parses back, and wrong lengths or empty ranges are refused")
    func requestPacket() {
        Wire.request(9, 3).withUnsafeBytes { raw in
            let r = MoldUDP64RequestPacket.parse(raw)
            #expect(r.request == MoldUDP64RequestPacket(session: testSession, sequence: 9, count: 3))
        }
        (Wire.request(9, 3) + [0]).withUnsafeBytes { #expect(MoldUDP64RequestPacket.parse($0).malformed == .wrongLength) }
        Wire.request(9, 0).withUnsafeBytes { #expect(MoldUDP64RequestPacket.parse($0).malformed == .invalidRange) }
        Wire.request(0, 1).withUnsafeBytes { #expect(MoldUDP64RequestPacket.parse($0).malformed == .invalidRange) }
    }

    @Test("session IDs: text is space-padded to 10 bytes; more than 10 or non-ASCII is refused")
    func sessionIDs() {
        #expect(MoldUDP64SessionID("AB")?.description == "AB")
        #expect(MoldUDP64SessionID("ABCDEFGHIJK") == nil)
        #expect(MoldUDP64SessionID("") == nil)
        let bytes = Wire.session("AB")
        let id = bytes.withUnsafeBytes { MoldUDP64SessionID(readingFrom: $0.baseAddress!) }
        #expect(id == MoldUDP64SessionID("AB"))
    }
}
