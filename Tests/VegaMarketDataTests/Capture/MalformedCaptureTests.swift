import Foundation
import Testing
import VegaCore
import VegaHardware
import VegaMarketData

/// Link-layer frames built byte by byte, so each one is damaged in exactly one way.
private enum Craft {
    static func ethernet(type: UInt16, tags: [UInt16] = [], _ body: [UInt8]) -> [UInt8] {
        var f: [UInt8] = [0x01, 0x00, 0x5E, 0x01, 0x01, 0x01, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55]
        for t in tags { f += [UInt8(t >> 8), UInt8(t & 0xFF), 0x00, 0x64] }  // TPID + TCI (VLAN 100)
        return f + [UInt8(type >> 8), UInt8(type & 0xFF)] + body
    }

    static func ipv4(protocol proto: UInt8 = 17, ihlWords: UInt8 = 5, fragment: UInt16 = 0x4000, totalLengthDelta: Int = 0,
                     _ payload: [UInt8]) -> [UInt8] {
        let total = Int(ihlWords) * 4 + payload.count + totalLengthDelta
        var h: [UInt8] = [0x40 | ihlWords, 0, UInt8((total >> 8) & 0xFF), UInt8(total & 0xFF), 0, 1,
                          UInt8(fragment >> 8), UInt8(fragment & 0xFF), 64, proto, 0, 0, 10, 0, 0, 1, 239, 1, 1, 1]
        if ihlWords > 5 { h += [UInt8](repeating: 1, count: Int(ihlWords - 5) * 4) }  // options (NOPs)
        return h + payload
    }

    static func udp(dstPort: UInt16 = 26400, lengthDelta: Int = 0, _ payload: [UInt8]) -> [UInt8] {
        let len = 8 + payload.count + lengthDelta
        return [0x9C, 0x40, UInt8(dstPort >> 8), UInt8(dstPort & 0xFF), UInt8((len >> 8) & 0xFF), UInt8(len & 0xFF), 0, 0] + payload
    }

    static func good(_ payload: [UInt8]) -> [UInt8] { ethernet(type: 0x0800, ipv4(udp(payload))) }
}

@Suite("damaged captures")
struct MalformedCaptureTests {
    @Test("each kind of malformed record is counted under its reason and skipped; good records around them survive")
    func malformedRecordsCountedAndSkipped() throws {
        let p = { (n: UInt8) in [UInt8](repeating: n, count: 12) }
        let records: [(bytes: [UInt8], expect: CaptureSkipReason?)] = [
            (Craft.good(p(1)), nil),
            ([], .truncated),                                                           // empty record
            (Array(Craft.good(p(2)).prefix(10)), .truncated),                           // not even Ethernet
            (Array(Craft.good(p(3)).prefix(30)), .truncated),                           // IPv4 header cut
            (Array(Craft.good(p(4)).prefix(14 + 20 + 8 + 5)), .malformedIPv4),          // shorter than its IPv4 length says
            (Craft.ethernet(type: 0x0806, [UInt8](repeating: 0, count: 28)), .notIPv4), // ARP
            (Craft.ethernet(type: 0x86DD, [UInt8](repeating: 0x60, count: 48)), .notIPv4), // IPv6
            (Craft.ethernet(type: 0x0800, Craft.ipv4(protocol: 6, [UInt8](repeating: 0, count: 20))), .notUDP), // TCP
            (Craft.ethernet(type: 0x0800, Craft.ipv4(protocol: 2, [UInt8](repeating: 0, count: 8))), .notUDP),  // IGMP
            (Craft.ethernet(type: 0x0800, Craft.ipv4(fragment: 0x2000, Craft.udp(p(5)))), .fragment),  // MF: first fragment
            (Craft.ethernet(type: 0x0800, Craft.ipv4(fragment: 0x0003, p(6))), .fragment),             // a later fragment
            (Craft.ethernet(type: 0x0800, Craft.ipv4(ihlWords: 3, Craft.udp(p(7)))), .malformedIPv4),   // IHL < 5
            (Craft.ethernet(type: 0x0800, Craft.ipv4(totalLengthDelta: -20 - 20 + 4, Craft.udp(p(8)))), .malformedIPv4), // total length 4 < IHL
            (Craft.ethernet(type: 0x0800, [0x50] + [UInt8](repeating: 0, count: 27)), .malformedIPv4),  // version 5
            (Craft.ethernet(type: 0x0800, Craft.ipv4(Craft.udp(lengthDelta: -4, p(9)))), nil),  // UDP shorter than the IP payload: legal, trailer ignored
            (Craft.ethernet(type: 0x0800, Craft.ipv4(Craft.udp(lengthDelta: 100, p(10)))), .malformedUDP),  // longer than the IP payload
            (Craft.ethernet(type: 0x0800, Craft.ipv4([0x9C, 0x40, 0x67, 0x20, 0x00, 0x04, 0, 0])), .malformedUDP), // UDP length 4
            (Craft.ethernet(type: 0x0800, Craft.ipv4(Craft.udp(dstPort: 26401, p(11)))), .filteredOut),
            (Craft.ethernet(type: 0x8100, tags: [], Craft.ipv4(Craft.udp(p(12)))).prefix(13).map { $0 }, .truncated), // cut inside the type
            (Craft.ethernet(type: 0x0800, tags: [0x8100], Craft.ipv4(Craft.udp(p(13)))), nil),         // 802.1Q
            (Craft.ethernet(type: 0x0800, tags: [0x88A8, 0x8100], Craft.ipv4(Craft.udp(p(14)))), nil), // QinQ
            (Craft.ethernet(type: 0x0800, Craft.ipv4(ihlWords: 7, Craft.udp(p(15)))), nil),            // IPv4 options
            (Craft.good(p(16)) + [0, 0, 0, 0], nil),                                                 // Ethernet padding
            (Craft.good(p(17)), nil),
        ]
        try withTemporaryCapture("malformed") { path in
            var w = try PcapWriter(path: path, .init(destination: .any))
            for (i, r) in records.enumerated() {
                r.bytes.withUnsafeBytes { w.writeLinkFrame($0, timestampNanoseconds: UInt64(i)) }
            }
            try w.close()
            var q = try PcapReplayQueue(path: path, .init(filter: .init(destinationPort: 26400)))
            let got = try drain(&q)
            var expectedSkips = CaptureSkipCounters()
            for r in records {
                if let reason = r.expect { expectedSkips[reason] += 1 }
            }
            // The short-UDP-length datagram delivers its UDP payload (8 bytes), not the IP trailer.
            #expect(got.map(\.payload) == [p(1), Array(p(9).prefix(8)), p(13), p(14), p(15), p(16), p(17)])
            #expect(q.skipped == expectedSkips, "skipped: \(q.skipped)")
            #expect(UInt64(got.count) + q.skipped.malformed + q.skipped.filteredOut == UInt64(records.count))
            #expect(q.readError == nil)
        }
    }

    @Test("a capture cut off inside a record stops there, with the reason, after delivering what came before")
    func fileEndingInsideARecord() throws {
        try withTemporaryCapture("cut") { path in
            var w = try PcapWriter(path: path, .init(destination: try IPv4Endpoint("239.1.1.1:26400")))
            for i in 0..<5 {
                [UInt8](repeating: UInt8(i), count: 100).withUnsafeBytes {
                    w.writeUDP(payload: $0, timestampNanoseconds: UInt64(i), source: .any)
                }
            }
            try w.close()
            let size = try #require(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
            let h = try FileHandle(forUpdating: URL(fileURLWithPath: path))
            try h.truncate(atOffset: UInt64(size - 60))  // the last record's body is cut
            try h.close()
            var q = try PcapReplayQueue(path: path)
            let got = try drain(&q)
            #expect(got.count == 4)
            #expect(q.skipped.unreadableRecord == 1)
            #expect(q.readError?.contains("truncated") == true, "libpcap's reason: \(q.readError ?? "nil")")
            #expect(q.isFinished == true)
        }
    }

    @Test("a payload longer than the batch slot is delivered truncated, flagged and counted")
    func payloadLongerThanSlot() throws {
        try withTemporaryCapture("big") { path in
            var w = try PcapWriter(path: path, .init(destination: try IPv4Endpoint("239.1.1.1:26400")))
            [UInt8](repeating: 7, count: 200).withUnsafeBytes { w.writeUDP(payload: $0, timestampNanoseconds: 1, source: .any) }
            try w.close()
            var q = try PcapReplayQueue(path: path)
            let got = try drain(&q, slotSize: 64)
            #expect(got.count == 1 && got[0].payload.count == 64 && got[0].truncated)
            #expect(q.skipped.payloadTooLarge == 1)
        }
    }

    @Test("records cut by the snapshot length are skipped as truncated, not replayed short")
    func snapshotLengthCut() throws {
        try withTemporaryCapture("snap") { path in
            var w = try PcapWriter(path: path, .init(destination: try IPv4Endpoint("239.1.1.1:26400"), snapshotLength: 100))
            [UInt8](repeating: 1, count: 40).withUnsafeBytes { w.writeUDP(payload: $0, timestampNanoseconds: 1, source: .any) }
            [UInt8](repeating: 2, count: 400).withUnsafeBytes { w.writeUDP(payload: $0, timestampNanoseconds: 2, source: .any) }
            try w.close()
            #expect(w.counters.cutToSnapshotLength == 1)
            var q = try PcapReplayQueue(path: path)
            #expect(try drain(&q).map(\.payload.count) == [40])
            #expect(q.skipped.truncated == 1)
        }
    }

    @Test("random bytes as records never crash the reader, and every record is accounted for")
    func randomRecordsNeverCrash() throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {  // xorshift64*: deterministic
            state ^= state >> 12; state ^= state << 25; state ^= state >> 27
            return state &* 2_685_821_657_736_338_717
        }
        try withTemporaryCapture("fuzz") { path in
            var w = try PcapWriter(path: path, .init(destination: .any))
            let count = 5_000
            for i in 0..<count {
                var bytes = Craft.good([UInt8](repeating: UInt8(truncatingIfNeeded: i), count: Int(next() % 64)))
                // Flip a few bytes (often in the headers), and sometimes cut the record.
                for _ in 0..<Int(next() % 4) { bytes[Int(next() % UInt64(min(bytes.count, 50)))] = UInt8(truncatingIfNeeded: next()) }
                if next() % 4 == 0 { bytes = Array(bytes.prefix(Int(next() % UInt64(bytes.count + 1)))) }
                bytes.withUnsafeBytes { w.writeLinkFrame($0, timestampNanoseconds: UInt64(i)) }
            }
            try w.close()
            var q = try PcapReplayQueue(path: path)
            let got = try drain(&q, slotSize: 128)
            let s = q.skipped
            #expect(UInt64(got.count) + s.malformed + s.filteredOut == UInt64(count))
            #expect(got.count > 0 && s.malformed > 0)
        }
    }

    @Test("a file that is not a capture, a missing file and an empty file each give a clear error")
    func notACapture() throws {
        try withTemporaryCapture("text") { path in
            try "time,price\n1,100\n".write(toFile: path, atomically: true, encoding: .utf8)
            do throws(CaptureError) {
                _ = try PcapReplayQueue(path: path)
                Issue.record("a CSV file was accepted as a capture")
            } catch {
                #expect(error.kind == .notACapture)
                #expect(error.description.contains(path))
                #expect(error.description.contains("not a pcap or pcapng capture"), "\(error)")
            }
            #expect(FileManager.default.createFile(atPath: path, contents: Data()))
            do throws(CaptureError) {
                _ = try PcapReader(path: path)
                Issue.record("an empty file was accepted as a capture")
            } catch {
                #expect(error.kind == .notACapture, "\(error)")
            }
        }
        let missing = "/nonexistent/vega-\(UUID().uuidString).pcap"
        do throws(CaptureError) {
            _ = try PcapReader(path: missing)
            Issue.record("a missing file opened")
        } catch {
            #expect(error.kind == .open)
            #expect(error.description.contains("No such file or directory"), "\(error)")
        }
    }

    @Test("a capture of an unsupported link type is refused with its DLT named")
    func unsupportedLinkType() throws {
        guard let editcap = ["/usr/bin/editcap", "/usr/local/bin/editcap"].first(where: FileManager.default.isExecutableFile(atPath:)) else {
            print("SKIP unsupportedLinkType: editcap not found")
            return
        }
        try withTemporaryCapture("src") { src in
            var w = try PcapWriter(path: src, .init(destination: .any))
            [UInt8](repeating: 1, count: 8).withUnsafeBytes { w.writeUDP(payload: $0, timestampNanoseconds: 1, source: .any) }
            try w.close()
            try withTemporaryCapture("wlan") { dst in
                // Relabel as 802.11 (wlan encapsulation): the bytes are unchanged, the DLT is 105.
                let p = Process()
                p.executableURL = URL(fileURLWithPath: editcap)
                p.arguments = ["-T", "ieee-802-11", src, dst]
                p.standardError = FileHandle.nullDevice
                try p.run()
                p.waitUntilExit()
                try #require(p.terminationStatus == 0)
                do throws(CaptureError) {
                    _ = try PcapReader(path: dst)
                    Issue.record("an 802.11 capture was accepted")
                } catch {
                    #expect(error.kind == .unsupportedLinkType(105), "\(error)")
                    #expect(error.description.contains("105"))
                }
            }
        }
    }

    @Test("pcapng files (converted by editcap) replay like pcap, stamps to the nanosecond")
    func pcapngReplays() throws {
        guard let editcap = ["/usr/bin/editcap", "/usr/local/bin/editcap"].first(where: FileManager.default.isExecutableFile(atPath:)) else {
            print("SKIP pcapngReplays: editcap not found")
            return
        }
        try withTemporaryCapture("pcap") { src in
            var w = try PcapWriter(path: src, .init(destination: try IPv4Endpoint("239.1.1.1:26400")))
            let stamps: [UInt64] = [1_795_000_000_000_000_001, 1_795_000_000_000_999_999]
            for (i, t) in stamps.enumerated() {
                [UInt8](repeating: UInt8(i), count: 30).withUnsafeBytes { w.writeUDP(payload: $0, timestampNanoseconds: t, source: .any) }
            }
            try w.close()
            try withTemporaryCapture("ng") { dst in
                let p = Process()
                p.executableURL = URL(fileURLWithPath: editcap)
                p.arguments = ["-F", "pcapng", src, dst]
                p.standardError = FileHandle.nullDevice
                try p.run()
                p.waitUntilExit()
                try #require(p.terminationStatus == 0)
                var q = try PcapReplayQueue(path: dst)
                let got = try drain(&q)
                #expect(got.map(\.payload) == [[UInt8](repeating: 0, count: 30), [UInt8](repeating: 1, count: 30)])
                #expect(got.map(\.hardwareNanoseconds) == stamps)
            }
        }
    }
}
