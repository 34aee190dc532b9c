#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import VegaCore
@testable import VegaOrderEntry

/// A pcap of one TCP connection (Ethernet / IPv4 / TCP, checksums computed), written from the exact
/// byte chunks each side's session produced: what a capture of the loopback session would hold.
struct TCPCapture {
    var bytes: [UInt8] = []
    var clientSeq: UInt32 = 1_000
    var serverSeq: UInt32 = 500_000
    var micros: UInt32 = 0
    let clientPort: UInt16 = 40_001
    let serverPort: UInt16

    init(serverPort: UInt16) {
        self.serverPort = serverPort
        // pcap global header: magic, v2.4, tz 0, sigfigs 0, snaplen 65535, LINKTYPE_ETHERNET.
        append32(0xA1B2_C3D4); append16(2); append16(4); append32(0); append32(0); append32(65_535); append32(1)
        segment(fromClient: true, flags: 0x02, payload: [])  // SYN
        clientSeq &+= 1
        segment(fromClient: false, flags: 0x12, payload: [])  // SYN-ACK
        serverSeq &+= 1
        segment(fromClient: true, flags: 0x10, payload: [])  // ACK
    }

    mutating func append16(_ v: UInt16) { bytes += [UInt8(v & 0xFF), UInt8(v >> 8)] }  // pcap header: little-endian
    mutating func append32(_ v: UInt32) { for i in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt32(i)))) } }

    static func be16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xFF)] }
    static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }

    static func checksum(_ data: [UInt8]) -> UInt16 {
        var sum: UInt32 = 0
        var i = 0
        while i + 1 < data.count { sum += UInt32(data[i]) << 8 | UInt32(data[i + 1]); i += 2 }
        if i < data.count { sum += UInt32(data[i]) << 8 }
        while sum >> 16 != 0 { sum = (sum & 0xFFFF) + (sum >> 16) }
        return ~UInt16(sum)
    }

    /// One TCP segment carrying `payload` (one write of a session's outbox).
    mutating func segment(fromClient: Bool, flags: UInt8 = 0x18, payload: [UInt8]) {
        let (sp, dp) = fromClient ? (clientPort, serverPort) : (serverPort, clientPort)
        let (seq, ack) = fromClient ? (clientSeq, serverSeq) : (serverSeq, clientSeq)
        let ip: [UInt8] = [127, 0, 0, 1]
        var tcp = Self.be16(sp) + Self.be16(dp) + Self.be32(seq) + Self.be32(flags == 0x02 ? 0 : ack)
        tcp += [0x50, flags] + Self.be16(65_535) + [0, 0] + [0, 0] + payload
        let pseudo = ip + ip + [0, 6] + Self.be16(UInt16(tcp.count))
        let tsum = Self.checksum(pseudo + tcp)
        tcp[16] = UInt8(tsum >> 8); tcp[17] = UInt8(tsum & 0xFF)
        var ipHeader: [UInt8] = [0x45, 0] + Self.be16(UInt16(20 + tcp.count)) + [0, 0, 0x40, 0, 64, 6, 0, 0] + ip + ip
        let isum = Self.checksum(ipHeader)
        ipHeader[10] = UInt8(isum >> 8); ipHeader[11] = UInt8(isum & 0xFF)
        let frame = [UInt8](repeating: 0, count: 12) + [0x08, 0x00] + ipHeader + tcp
        micros += 10
        append32(1_700_000_000); append32(micros); append32(UInt32(frame.count)); append32(UInt32(frame.count))
        bytes += frame
        if fromClient { clientSeq &+= UInt32(payload.count) } else { serverSeq &+= UInt32(payload.count) }
    }
}

/// What Vega sent, packet by packet, decoded by Vega's own framer.
struct SentPacket: Equatable {
    let type: Character
    let length: Int  // the 2-byte length field: type + payload
    let payload: [UInt8]
}

func splitPackets(_ chunk: [UInt8]) -> [SentPacket] {
    var framer = SoupBinTCPFramer(maxPacketLength: 0xFFFF)
    var out: [SentPacket] = []
    var i = 0
    chunk.withUnsafeBytes { raw in
        while case .packet(let t, let p) = framer.next(raw, &i) {
            out.append(SentPacket(type: Character(UnicodeScalar(t)), length: p.count + 1, payload: Array(p)))
        }
    }
    return out
}

/// tshark's SoupBinTCP dissector (Wireshark 4.0, Debian) must agree with Vega on every packet of a
/// SoupBinTCP session: type, length, session, sequence numbers, username, message bytes.
@Suite struct SoupBinTCPTsharkTests {
    @Test func tsharkDecodesEveryPacketOfASessionAsVegaSentIt() throws {
        guard let tshark = ["/usr/bin/tshark", "/usr/local/bin/tshark"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            print("SKIP tsharkDecodesEveryPacketOfASessionAsVegaSentIt: tshark not installed")
            return
        }
        // A session driven by the real sans-IO sessions: login, OUCH both ways, heartbeats, a debug
        // packet, a rejoin after a disconnect, logout. Each outbox drain is one TCP segment.
        let port: UInt16 = 15_123
        var capture = TCPCapture(serverPort: port)
        var sent: [SentPacket] = []
        let pair = SessionPair()
        func drain() {
            for _ in 0..<100 {
                var moved = false
                if !pair.clientOutboxEmpty {
                    let b = Array(pair.client.outbox.pending); pair.client.outbox.consume(b.count)
                    capture.segment(fromClient: true, payload: b); sent += splitPackets(b); pair.toServer(b); moved = true
                }
                pair.server.poll(now: pair.now, store: pair.store) { pair.serverEvents.append(ServerEvent($0)) }
                if !pair.serverOutboxEmpty {
                    let b = Array(pair.server.outbox.pending); pair.server.outbox.consume(b.count)
                    capture.segment(fromClient: false, payload: b); sent += splitPackets(b); pair.toClient(b); moved = true
                }
                pair.client.poll(now: pair.now) { pair.clientEvents.append(ClientEvent($0)) }
                if !moved { return }
            }
        }
        drain()  // login
        let order = OUCHEnterOrder(userRefNum: 1, side: .buy, quantity: 100, symbol: aapl, price: Price4(rawValue: 1_502_500))
        #expect(pair.client.sendUnsequenced(maxPayload: 64, now: pair.now) { order.encode(into: $0) })
        _ = pair.store.append(maxLength: 128) { OUCHOrderAccepted(accepting: order, timestamp: ts, orderReferenceNumber: 9).encode(into: $0) }
        _ = pair.store.append(maxLength: 128) {
            OUCHOrderExecuted(timestamp: ts, userRefNum: 1, quantity: 100, price: order.price, liquidityFlag: .removed, matchNumber: 77).encode(into: $0)
        }
        drain()
        _ = Array("vega debug".utf8).withUnsafeBytes { pair.server.sendDebug($0, now: pair.now) }
        pair.now += second
        drain()  // heartbeats both ways
        for i in 0..<5 { pair.append("message \(i)") }
        drain()
        pair.client.logout(now: pair.now) { _ in }
        drain()

        let path = NSTemporaryDirectory() + "vega-soup-\(getpid()).pcap"
        defer { if getenv("VEGA_KEEP_PCAP") == nil { unlink(path) } }
        #expect(FileManager.default.createFile(atPath: path, contents: Data(capture.bytes)))

        // PDML, not `-T fields`: the dissector stores its computed sequence numbers as a placeholder
        // string and shows the number only in the field's display text ("showname").
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tshark)
        process.arguments = ["-r", path, "-d", "tcp.port==\(port),soupbintcp", "-T", "pdml"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)

        // Every soupbintcp field tshark shows, in capture order: name → [(showname, show, value)].
        var fields: [String: [(showname: String, show: String, value: String)]] = [:]
        func attribute(_ line: Substring, _ name: String) -> String {
            guard let r = line.range(of: name + "=\""), let end = line[r.upperBound...].firstIndex(of: "\"") else { return "" }
            return String(line[r.upperBound..<end]).replacingOccurrences(of: "&#x27;", with: "'")
        }
        for line in output.split(separator: "\n") where line.contains("<field name=\"soupbintcp.") {
            let name = attribute(line, "name")
            fields[name, default: []].append((attribute(line, "showname"), attribute(line, "show"), attribute(line, "value")))
        }
        func shownNumber(_ f: String) -> [String] {
            (fields[f] ?? []).map { String($0.showname.split(separator: ":").last!.split(separator: " ").first ?? "") }
        }

        #expect(sent.count > 10)
        #expect((fields["soupbintcp.packet_type"] ?? []).map { $0.value } == sent.map { String(format: "%02x", $0.type.asciiValue!) })
        #expect((fields["soupbintcp.packet_length"] ?? []).map { $0.show } == sent.map { String($0.length) })
        // Sessions: the Login Request's (blank: the current session) and the Login Accepted's.
        #expect((fields["soupbintcp.session"] ?? []).map { $0.show.trimmingCharacters(in: .whitespaces) } == ["", "SESSION1"])
        // Sequenced Data: tshark numbers them from the Login Accepted exactly as Vega's client did.
        let sequenced = pair.clientEvents.compactMap { e -> String? in if case .sequenced(let q, _) = e { return String(q) } else { return nil } }
        #expect(sequenced == (1...7).map(String.init))
        #expect(shownNumber("soupbintcp.seq_num") == sequenced)
        #expect(shownNumber("soupbintcp.next_seq_num") == ["1"])  // Login Accepted: next is 1
        #expect(shownNumber("soupbintcp.req_seq_num") == ["1"])  // Login Request asked for 1
        #expect((fields["soupbintcp.username"] ?? []).map { $0.show.trimmingCharacters(in: .whitespaces) } == ["VEGA"])
        // The bytes of every 'S' and 'U' message, in order.
        let messages = sent.filter { $0.type == "S" || $0.type == "U" }.map { $0.payload.map { String(format: "%02x", $0) }.joined() }
        #expect((fields["soupbintcp.message"] ?? []).map { $0.value } == messages)
        #expect((fields["soupbintcp.text"] ?? []).map { $0.show } == ["vega debug"])
    }
}
