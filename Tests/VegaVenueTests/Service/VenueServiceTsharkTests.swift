import Foundation
import Testing
import VegaCore
import VegaHardware
import VegaOrderEntry
import VegaVenue
import VegaTestSupport

/// Wireshark's own MoldUDP64 and SoupBinTCP dissectors (tshark 4.0, Debian) reading a dumpcap
/// capture of the venue's traffic on `lo` while OUCH firms trade. Field names from
/// `tshark -G fields`: moldudp64.session / .sequence / .count; soupbintcp.packet_type /
/// .packet_length (the packet type prints quoted, `'S'`).
@Suite("tshark decodes the venue's traffic", .serialized)
struct VenueServiceTsharkTests {
    @Test("every MoldUDP64 packet and every SoupBinTCP packet tshark dissects agrees with what the venue sent",
          .enabled(if: geteuid() == 0, "needs root: capture on lo, SO_BINDTODEVICE on lo for the multicast feed"))
    func tsharkAgrees() async throws {
        guard let tshark = ChildProcess.tool("tshark"), let dumpcap = ChildProcess.tool("dumpcap"),
              FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") else {
            print("SKIP tsharkAgrees: tshark/dumpcap/python3 not installed (Scripts/install-deps.sh)")
            return
        }
        let dir = try ScratchDirectory("venue-tshark")
        defer { dir.remove() }
        let groupAddress = try VSTMulticastPort.group("31.5")
        let rx = try VSTMulticastPort.receiver(groupAddress)
        let group = IPv4Endpoint(addressBE: groupAddress.address, port: rx.localPort)
        let raw = try VSTRawListener(rx)
        let config = try VenueServiceConfiguration(text: vstVenueTOML(name: "TSHK", session: "VSTTSHK001", group: group),
                                                   environment: vstEnvironment)
        // Sockets are bound by init: the OUCH port is known before anything is sent.
        let service = try VenueService(configuration: config)
        let ouchPort = try #require(service.endpoints("TSHK")?.ouch?.port)
        let capture = dir.path + "/venue.pcap"
        // The test process blocks SIGTERM in its threads and children inherit the mask: unblock
        // it for dumpcap, or it could never be told to finish the file.
        // A probe port in the filter: dumpcap says "Capturing on" before its filter is live, so the
        // test sends probes there until dumpcap's packet count ("Packets: N") shows one arrived.
        let probeReceiver = try UDPSocketQueue(.init(bind: IPv4Endpoint("127.0.0.1:0"), timestamping: .none))
        var probe = try UDPSocketQueue(.init(bind: IPv4Endpoint("127.0.0.1:0"), destination: IPv4Endpoint("127.0.0.1:\(probeReceiver.localPort)"),
                                             timestamping: .none))
        let dump = try ChildProcess("/usr/bin/python3", [
            "-c", "import os, signal, sys; signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT}); os.execv(sys.argv[1], sys.argv[1:])",
            dumpcap, "-i", "lo", "-f", "udp port \(group.port) or tcp port \(ouchPort) or udp port \(probeReceiver.localPort)", "-w", capture,
        ])
        var capturing = false
        for _ in 0..<1_200 where dump.process.isRunning {
            _ = [UInt8](repeating: 0x50, count: 8).withUnsafeBytes { try? probe.transmit($0) }
            capturing = await dump.wait(seconds: 0.05) { $0.contains { $0.contains("Packets: ") } }
            if capturing { break }
        }
        guard capturing, dump.process.isRunning else {
            _ = await dump.stop()
            await service.stop()
            print("SKIP tsharkAgrees: dumpcap cannot capture on lo here\n\(dump.transcript)")
            return
        }
        try await service.start()
        let f1 = try VSTOUCHFirm(port: ouchPort, username: "FIRM1", password: "one")
        let f2 = try VSTOUCHFirm(port: ouchPort, username: "FIRM2", password: "two")
        #expect(await vstWaitAsync { f1.step(); f2.step(); return f1.isLoggedIn && f2.isLoggedIn })
        let zvzzt = OUCHSymbol("ZVZZT")!, vga = OUCHSymbol("VGA")!
        for i in 0..<20 {
            let buyer = i % 2 == 0 ? f1 : f2, seller = i % 2 == 0 ? f2 : f1
            buyer.send { OUCHEnterOrder(userRefNum: UInt32(100 + i), side: .buy, quantity: UInt32(100 * (1 + i % 3)), symbol: i % 3 == 0 ? vga : zvzzt,
                                        price: Price4(rawValue: 500_000 + Int64(i % 4) * 100)).encode(into: $0) }
            seller.send { OUCHEnterOrder(userRefNum: UInt32(200 + i), side: .sell, quantity: 100, symbol: i % 3 == 0 ? vga : zvzzt,
                                         price: Price4(rawValue: 500_000)).encode(into: $0) }
        }
        // Every order reached the venue and every reply it sent reached its firm.
        #expect(await vstWaitAsync {
            f1.step(); f2.step(); raw.poll()
            let s = service.statistics("TSHK")!.node
            return s.ouchMessages == 40 && s.ouchReplies == UInt64(f1.replies.count + f2.replies.count)
        })
        await service.stop()
        #expect(await vstWaitAsync { f1.step(); f2.step(); raw.poll(); return f1.endOfSession && f2.endOfSession && raw.packets.last?.count == 0xFFFF })
        // Let dumpcap see the last packets before it is told to stop (a generous bound, then it flushes on SIGTERM).
        try? await Task.sleep(nanoseconds: 500_000_000)
        let dumpStatus = await dump.stop()
        let size = (try? FileManager.default.attributesOfItem(atPath: capture)[.size] as? Int) ?? -1
        #expect(dumpStatus == 0 && size > 24, "dumpcap exit \(String(describing: dumpStatus)), capture \(size) bytes\n\(dump.transcript)")

        // MoldUDP64: tshark's session/sequence/count of every datagram equal what the listener got.
        let md = try await ChildProcess.run(tshark, [
            "-r", capture, "-d", "udp.port==\(group.port),moldudp64", "-Y", "moldudp64", "-T", "fields",
            "-e", "moldudp64.session", "-e", "moldudp64.sequence", "-e", "moldudp64.count", "-E", "separator=/t",
        ])
        try #require(md.status == 0, "tshark failed: \(md.stderr)")
        let sent = raw.packets.map { "\($0.session)\t\($0.sequence)\t\($0.count)" }
        #expect(sent.count > 3 && raw.packets.last?.count == 0xFFFF, "data packets and the end of session were sent")
        #expect(md.lines == sent, "tshark:\n\(md.lines.joined(separator: "\n"))\nvenue:\n\(sent.joined(separator: "\n"))")

        // SoupBinTCP, venue → firm: Login Accepted, Sequenced Data carrying each OUCH reply (length
        // 1 + the reply), heartbeats, End of Session; numbered as the firm saw them.
        let soup = try await ChildProcess.run(tshark, [
            "-r", capture, "-d", "tcp.port==\(ouchPort),soupbintcp", "-Y", "soupbintcp && tcp.srcport==\(ouchPort)", "-T", "fields",
            "-e", "tcp.dstport", "-e", "soupbintcp.packet_type", "-e", "soupbintcp.packet_length", "-E", "separator=/t", "-E", "occurrence=a",
            "-E", "aggregator=,",
        ])
        try #require(soup.status == 0, "tshark failed: \(soup.stderr)")
        var byPort: [String: [(type: String, length: Int)]] = [:]
        for line in soup.lines {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            try #require(f.count == 3, "tshark line: \(line)")
            let types = f[1].split(separator: ","), lengths = f[2].split(separator: ",")
            try #require(types.count == lengths.count, "tshark line: \(line)")
            // FT_CHAR prints quoted: 'S'.
            for (t, l) in zip(types, lengths) { byPort[f[0], default: []].append((t.filter { $0 != "'" }, Int(l) ?? -1)) }
        }
        #expect(byPort.count == 2, "two firm connections: \(byPort.keys)")
        let firmsSeen = [f1, f2].map { firm in firm.replyLengths }
        for packets in byPort.values {
            // Which firm: the one whose reply lengths match this stream's Sequenced Data.
            let data = packets.filter { $0.type == "S" }.map { $0.length - 1 }
            #expect(firmsSeen.contains(data), "Sequenced Data lengths \(data) match a firm's replies \(firmsSeen)")
            #expect(packets.first.map { $0.type == "A" && $0.length == 31 } == true, "Login Accepted first: \(packets.prefix(2))")
            #expect(packets.last.map { $0.type == "Z" && $0.length == 1 } == true, "End of Session last: \(packets.suffix(2))")
            #expect(packets.allSatisfy { ["A", "S", "H", "Z"].contains($0.type) }, "only server packet types: \(Set(packets.map(\.type)))")
            #expect(packets.filter { $0.type == "H" }.allSatisfy { $0.length == 1 })
        }
        // And nothing tshark reads is malformed.
        let malformed = try await ChildProcess.run(tshark, [
            "-r", capture, "-d", "udp.port==\(group.port),moldudp64", "-d", "tcp.port==\(ouchPort),soupbintcp",
            "-Y", "_ws.malformed || _ws.expert.severity >= error", "-T", "fields", "-e", "frame.number",
        ])
        #expect(malformed.status == 0 && malformed.lines.isEmpty, "frames tshark flags: \(malformed.lines) \(malformed.stderr)")
    }
}
