import Glibc
import Testing
import VegaHardware

@Suite("Vendor backends: ef_vi, ExaNIC, ibverbs, availability")
struct VendorBackendTests {
    // MARK: ef_vi

    @Test func efViReportsWhyUnavailable() {
        let (available, reason) = EfViQueue.availability
        if available {
            #expect(reason.contains("Onload SDK"))
        } else {
            // Default builds have no trait; with the trait but no SDK the header is missing.
            #expect(reason == "unavailable: built without the EfVi trait"
                    || reason.hasPrefix("unavailable: EfVi trait on but etherfabric/vi.h not found"))
        }
    }

    @Test func efViOpenThrowsUnavailableWithoutTheSDK() throws {
        guard !EfViQueue.availability.available else {
            // A build with the SDK: opening needs a Solarflare interface (VEGA_EFVI_INTERFACE).
            guard let ifname = getenv("VEGA_EFVI_INTERFACE").map({ String(cString: $0) }) else {
                print("skipped: built with ef_vi but VEGA_EFVI_INTERFACE is not set (no Solarflare NIC to test on)")
                return
            }
            var q = try EfViQueue(.init(interface: ifname))
            var batch = try RxBatch(capacity: 32)
            _ = try q.receive(into: &batch)
            return
        }
        do {
            _ = try EfViQueue(.init(interface: "lo"))
            Issue.record("EfViQueue opened without the SDK")
        } catch {
            #expect(error.kind == .unavailable)
            #expect(error.operation == "ef_vi")
            #expect(error.reason.hasPrefix("unavailable: "))
            #expect(error.reason.contains("EfVi trait"))
        }
    }

    // MARK: ExaNIC

    @Test func exaNICReportsWhyUnavailable() {
        let (available, reason) = ExaNICQueue.availability
        if available {
            #expect(reason.contains("libexanic"))
        } else {
            #expect(reason == "unavailable: built without the ExaNIC trait"
                    || reason.hasPrefix("unavailable: ExaNIC trait on but exanic/fifo_rx.h not found"))
        }
    }

    @Test func exaNICOpenThrowsUnavailableWithoutTheLibrary() throws {
        guard !ExaNICQueue.availability.available else {
            guard Sysfs.exists("/dev/exanic0") else {
                print("skipped: built with libexanic but there is no /dev/exanic0")
                return
            }
            var q = try ExaNICQueue(.init(device: "exanic0", port: 0))
            var batch = try RxBatch(capacity: 32)
            _ = try q.receive(into: &batch)
            return
        }
        do {
            _ = try ExaNICQueue(.init(device: "exanic0"))
            Issue.record("ExaNICQueue opened without libexanic")
        } catch {
            #expect(error.kind == .unavailable)
            #expect(error.operation == "ExaNIC")
            #expect(error.reason.contains("ExaNIC trait"))
        }
    }

    // MARK: ibverbs

    @Test func verbsListingDoesNotCrashAndExplainsAnEmptyList() {
        let list = VerbsDevices.list()
        if list.devices.isEmpty {
            #expect(list.reason?.hasPrefix("ibv_get_device_list") == true, "\(list.reason ?? "no reason")")
        } else {
            #expect(list.reason == nil)
            for d in list.devices {
                #expect(!d.name.isEmpty)
                #expect(d.nodeGUID.count == 19)
            }
        }
    }

    @Test func verbsQueueThrowsUnavailableWithoutDevices() throws {
        let list = VerbsDevices.list()
        guard list.devices.isEmpty else {
            print("skipped: RDMA devices present (\(list.devices.map(\.name))); a raw-packet receive test needs CAP_NET_RAW and traffic, run it on the colo host")
            return
        }
        do {
            _ = try VerbsQueue(.init())
            Issue.record("VerbsQueue opened with no RDMA device")
        } catch {
            #expect(error.kind == .unavailable)
            #expect(error.operation == "ibverbs")
            #expect(error.reason.hasPrefix("unavailable: no RDMA devices (ibv_get_device_list: "))
        }
    }

    // MARK: availability report

    @Test func probeListsEveryBackendWithADetail() throws {
        let report = BackendAvailability.probe()
        #expect(report.map(\.name) == ["udp-socket", "tcp-socket", "ef_vi", "exanic", "ibverbs", "fpga-ring"])
        for b in report { #expect(!b.detail.isEmpty, "\(b.name) has no detail") }
        let byName = Dictionary(uniqueKeysWithValues: report.map { ($0.name, $0) })
        #expect(byName["udp-socket"]?.available == true)
        #expect(byName["tcp-socket"]?.available == true)
        if !EfViQueue.availability.available {
            #expect(byName["ef_vi"]?.available == false)
            #expect(byName["ef_vi"]?.detail == EfViQueue.availability.reason)
        }
        if !ExaNICQueue.availability.available { #expect(byName["exanic"]?.available == false) }
        if VerbsDevices.list().devices.isEmpty {
            #expect(byName["ibverbs"]?.available == false)
            #expect(byName["ibverbs"]?.detail.hasPrefix("no RDMA devices") == true)
        }
        if !Sysfs.exists("/dev/vfio") {
            #expect(byName["fpga-ring"]?.available == false)
            #expect(byName["fpga-ring"]?.detail.contains("/dev/vfio") == true)
        }
        // Codable round trip, as `vega diag --json` emits it.
        let encoded = try JSONEncoderLite.encode(report)
        #expect(encoded.contains("\"name\""))
    }
}

/// Foundation-free check that the report encodes (the test target does not import Foundation).
enum JSONEncoderLite {
    struct Capture: Encoder {
        var codingPath: [any CodingKey] = []
        var userInfo: [CodingUserInfoKey: Any] = [:]
        let sink: Sink
        final class Sink { var text = "" }
        func container<Key: CodingKey>(keyedBy: Key.Type) -> KeyedEncodingContainer<Key> { .init(Keyed<Key>(sink: sink)) }
        func unkeyedContainer() -> any UnkeyedEncodingContainer { Unkeyed(sink: sink) }
        func singleValueContainer() -> any SingleValueEncodingContainer { fatalError("not used") }
    }
    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        var codingPath: [any CodingKey] = []
        let sink: Capture.Sink
        mutating func encodeNil(forKey key: Key) {}
        mutating func encode(_ value: Bool, forKey key: Key) { sink.text += "\"\(key.stringValue)\":\(value)," }
        mutating func encode(_ value: String, forKey key: Key) { sink.text += "\"\(key.stringValue)\":\"\(value)\"," }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { sink.text += "\"\(key.stringValue)\":?," }
        mutating func nestedContainer<N: CodingKey>(keyedBy: N.Type, forKey key: Key) -> KeyedEncodingContainer<N> { .init(Keyed<N>(sink: sink)) }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer { Unkeyed(sink: sink) }
        mutating func superEncoder() -> any Encoder { Capture(sink: sink) }
        mutating func superEncoder(forKey key: Key) -> any Encoder { Capture(sink: sink) }
    }
    struct Unkeyed: UnkeyedEncodingContainer {
        var codingPath: [any CodingKey] = []
        var count = 0
        let sink: Capture.Sink
        mutating func encodeNil() {}
        mutating func encode<T: Encodable>(_ value: T) throws { count += 1; sink.text += "{"; try value.encode(to: Capture(sink: sink)); sink.text += "}," }
        mutating func nestedContainer<N: CodingKey>(keyedBy: N.Type) -> KeyedEncodingContainer<N> { .init(Keyed<N>(sink: sink)) }
        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { Unkeyed(sink: sink) }
        mutating func superEncoder() -> any Encoder { Capture(sink: sink) }
    }
    static func encode(_ value: some Encodable) throws -> String {
        let sink = Capture.Sink()
        try value.encode(to: Capture(sink: sink))
        return sink.text
    }
}
