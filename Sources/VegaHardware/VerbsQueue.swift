import CVegaNet
import CVegaVerbs
import Glibc

/// One RDMA device as libibverbs sees it (off the lane: `vega diag`, setup).
public struct VerbsDevice: Sendable, Codable, Equatable {
    public struct Port: Sendable, Codable, Equatable {
        public var number: Int
        /// "active", "down", "init", "armed", …
        public var state: String
        /// "ethernet" (RoCE / raw packet), "infiniband".
        public var linkLayer: String
    }

    public var name: String
    /// Node GUID, hex, as `ibv_devinfo` prints it (0002:c903:0001:2345).
    public var nodeGUID: String
    /// "infiniband", "iwarp", "usnic", …
    public var transport: String
    public var ports: [Port]
    /// The device can stamp completions (`completion_timestamp_mask` ≠ 0).
    public var completionTimestamps: Bool
    /// HCA core clock in kHz (converts raw completion stamps to ns); 0 when unknown.
    public var hcaCoreClockKHz: UInt64
    public var completionTimestampMask: UInt64
    /// Why the extended query failed, when it did.
    public var note: String?
}

/// The result of listing RDMA devices: the devices, or why there are none.
public struct VerbsDeviceList: Sendable, Codable, Equatable {
    public var devices: [VerbsDevice]
    /// Set when no device was found: ibv_get_device_list's errno in words.
    public var reason: String?
}

public enum VerbsDevices {
    /// Lists RDMA devices. `ibv_get_device_list` returns NULL with errno ENOSYS when the host has
    /// none (no provider, no uverbs device): that is zero devices, with the reason kept.
    public static func list() -> VerbsDeviceList {
        var n: Int32 = 0
        errno = 0
        guard let list = ibv_get_device_list(&n) else {
            let e = errno
            return VerbsDeviceList(devices: [], reason: "ibv_get_device_list: \(String(cString: strerror(e))) (errno \(e))")
        }
        defer { ibv_free_device_list(list) }
        guard n > 0 else { return VerbsDeviceList(devices: [], reason: "ibv_get_device_list: empty list (no RDMA devices)") }
        var out: [VerbsDevice] = []
        for i in 0..<Int(n) {
            guard let dev = list[i] else { continue }
            out.append(describe(dev))
        }
        return VerbsDeviceList(devices: out, reason: nil)
    }

    static func describe(_ dev: UnsafeMutablePointer<ibv_device>) -> VerbsDevice {
        let name = String(cString: ibv_get_device_name(dev))
        let guid = UInt64(bigEndian: ibv_get_device_guid(dev))
        let g = String(guid, radix: 16).leftPadded(to: 16)
        let guidText = stride(from: 0, to: 16, by: 4).map { i in
            String(g[g.index(g.startIndex, offsetBy: i)..<g.index(g.startIndex, offsetBy: i + 4)])
        }.joined(separator: ":")
        let transport: String
        switch dev.pointee.transport_type {
        case IBV_TRANSPORT_IB: transport = "infiniband"
        case IBV_TRANSPORT_IWARP: transport = "iwarp"
        case IBV_TRANSPORT_USNIC, IBV_TRANSPORT_USNIC_UDP: transport = "usnic"
        case IBV_TRANSPORT_UNSPECIFIED: transport = "unspecified"
        default: transport = "unknown(\(dev.pointee.transport_type.rawValue))"
        }
        var d = VerbsDevice(
            name: name, nodeGUID: guidText, transport: transport, ports: [], completionTimestamps: false,
            hcaCoreClockKHz: 0, completionTimestampMask: 0, note: nil)
        guard let ctx = ibv_open_device(dev) else {
            d.note = "ibv_open_device: \(String(cString: strerror(errno)))"
            return d
        }
        defer { ibv_close_device(ctx) }
        var attr = ibv_device_attr_ex()
        let rc = ibv_query_device_ex(ctx, nil, &attr)
        if rc == 0 {
            d.completionTimestampMask = attr.completion_timestamp_mask
            d.hcaCoreClockKHz = attr.hca_core_clock
            d.completionTimestamps = attr.completion_timestamp_mask != 0
        } else {
            d.note = "ibv_query_device_ex: \(String(cString: strerror(rc)))"
        }
        let nports = Int(attr.orig_attr.phys_port_cnt)
        for p in 0..<max(nports, 0) {
            var pa = ibv_port_attr()
            guard ___ibv_query_port(ctx, UInt8(p + 1), &pa) == 0 else { continue }
            d.ports.append(.init(number: p + 1, state: portState(pa.state), linkLayer: linkLayer(pa.link_layer)))
        }
        return d
    }

    static func portState(_ s: ibv_port_state) -> String {
        switch s {
        case IBV_PORT_DOWN: "down"
        case IBV_PORT_INIT: "init"
        case IBV_PORT_ARMED: "armed"
        case IBV_PORT_ACTIVE: "active"
        case IBV_PORT_ACTIVE_DEFER: "active-defer"
        case IBV_PORT_NOP: "nop"
        default: "unknown(\(s.rawValue))"
        }
    }

    static func linkLayer(_ l: UInt8) -> String {
        switch Int32(l) {
        case Int32(IBV_LINK_LAYER_ETHERNET): "ethernet"
        case Int32(IBV_LINK_LAYER_INFINIBAND): "infiniband"
        default: "unspecified"
        }
    }
}

extension String {
    func leftPadded(to n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
}

/// An ibverbs raw-packet queue pair as a `PacketQueue` (Mellanox/NVIDIA ConnectX and the like):
/// whole Ethernet frames in and out of registered memory, steered by a flow rule, with
/// completion timestamps from the CQ.
///
/// Timestamps: the CQ is created asking for `IBV_WC_EX_WITH_COMPLETION_TIMESTAMP`; the raw value
/// is HCA core-clock cycles, converted with `hca_core_clock` (kHz). That converted value is a
/// FREE-RUNNING NIC clock — nanoseconds since the HCA started, not UTC or TAI — unless the device
/// also grants `IBV_WC_EX_WITH_COMPLETION_TIMESTAMP_WALLCLOCK` (a real-time clock, e.g. mlx5 in
/// real-time mode), which is then used instead. `info.endpoint` and `timestampClock` say which.
/// When the device refuses timestamps altogether the queue runs without them and says so.
///
/// Receive is zero copy: frames point into the registered slots, which are re-posted at the next
/// `receive`. Needs CAP_NET_RAW for the raw-packet QP.
public struct VerbsQueue: PacketQueue, ~Copyable {
    public struct Configuration: Sendable {
        /// Device name ("mlx5_0"); nil: the first device.
        public var device: String?
        public var port: UInt8
        public var receiveSlots: Int
        public var transmitSlots: Int
        public var slotSize: Int
        /// Flow rule: frames to this MAC (nil: any)…
        public var destinationMAC: [UInt8]?
        /// …and this IPv4 UDP destination (address 0: any address; port 0: any port).
        public var udpDestination: IPv4Endpoint?

        public init(
            device: String? = nil, port: UInt8 = 1, receiveSlots: Int = 512, transmitSlots: Int = 256,
            slotSize: Int = 2048, destinationMAC: [UInt8]? = nil, udpDestination: IPv4Endpoint? = nil
        ) {
            self.device = device
            self.port = port
            self.receiveSlots = receiveSlots
            self.transmitSlots = transmitSlots
            self.slotSize = slotSize
            self.destinationMAC = destinationMAC
            self.udpDestination = udpDestination
        }
    }

    public enum TimestampClock: String, Sendable {
        case none
        /// HCA cycles converted with hca_core_clock: nanoseconds of a free-running NIC clock.
        case freeRunningHCA
        /// The device's real-time clock (PTP-steerable), nanoseconds.
        case realTime
    }

    @usableFromInline let ctx: UnsafeMutablePointer<ibv_context>
    @usableFromInline let pd: UnsafeMutablePointer<ibv_pd>
    @usableFromInline let rxCQ: UnsafeMutablePointer<ibv_cq_ex>
    @usableFromInline let txCQ: UnsafeMutablePointer<ibv_cq_ex>
    @usableFromInline let qp: UnsafeMutablePointer<ibv_qp>
    @usableFromInline let mr: UnsafeMutablePointer<ibv_mr>
    @usableFromInline let flow: OpaquePointer?
    @usableFromInline let memory: UnsafeMutableRawPointer
    @usableFromInline let slotSize: Int
    @usableFromInline let rxSlots: Int
    @usableFromInline let txSlots: Int
    /// One persistent receive WR + SGE per RX slot; held slots are chained and posted at once.
    @usableFromInline let recvWRs: UnsafeMutablePointer<ibv_recv_wr>
    @usableFromInline let recvSGEs: UnsafeMutablePointer<ibv_sge>
    @usableFromInline let held: UnsafeMutablePointer<Int>
    @usableFromInline var heldCount = 0
    @usableFromInline var txNext: UInt32 = 0
    @usableFromInline var txDone: UInt32 = 0
    /// ns = (cycles × mult) >> 32, mult = 10⁶·2³² / hca_core_clock(kHz).
    @usableFromInline let cyclesMult: UInt64
    public let timestampClock: TimestampClock
    public let info: PacketQueueInfo
    /// Completions that came back with an error status (RX re-posted, TX counted).
    public var rxErrors: Int { rxErrorCount }
    public var txErrors: Int { txErrorCount }
    @usableFromInline var rxErrorCount = 0
    @usableFromInline var txErrorCount = 0

    public init(_ c: Configuration) throws(HardwareSetupError) {
        let devices = VerbsDevices.list()
        if devices.devices.isEmpty {
            throw .unavailable("ibverbs", "no RDMA devices (\(devices.reason ?? "ibv_get_device_list: none"))")
        }
        guard let want = c.device ?? devices.devices.first?.name,
            let desc = devices.devices.first(where: { $0.name == want })
        else {
            throw .init(.invalid, "ibverbs", "no RDMA device named \(c.device ?? "?") (have \(devices.devices.map(\.name).joined(separator: ", ")))")
        }
        guard c.receiveSlots > 0, c.transmitSlots > 0, c.slotSize >= 64 else {
            throw .init(.invalid, "ibverbs \(want)", "slots and slot size must be positive")
        }
        // Open the device by name.
        var n: Int32 = 0
        guard let list = ibv_get_device_list(&n) else { throw .system("ibv_get_device_list", negativeErrno: -errno) }
        var found: UnsafeMutablePointer<ibv_device>?
        for i in 0..<Int(n) where list[i].map({ String(cString: ibv_get_device_name($0)) }) == want { found = list[i] }
        let ctxOpt = found.flatMap { ibv_open_device($0) }
        let openErrno = errno
        ibv_free_device_list(list)
        guard let ctx = ctxOpt else { throw .system("ibv_open_device \(want)", negativeErrno: -openErrno) }
        var cleanup: [() -> Void] = [{ _ = ibv_close_device(ctx) }]
        var ok = false
        defer { if !ok { for f in cleanup.reversed() { f() } } }

        guard let pd = ibv_alloc_pd(ctx) else { throw .system("ibv_alloc_pd \(want)", negativeErrno: -errno) }
        cleanup.append { _ = ibv_dealloc_pd(pd) }

        // CQs: ask for timestamps (real-time first), fall back to HCA cycles, then to none.
        let base = UInt64(IBV_WC_EX_WITH_BYTE_LEN.rawValue)
        let attempts: [(UInt64, TimestampClock)] = [
            (base | UInt64(IBV_WC_EX_WITH_COMPLETION_TIMESTAMP_WALLCLOCK.rawValue), .realTime),
            (base | UInt64(IBV_WC_EX_WITH_COMPLETION_TIMESTAMP.rawValue), .freeRunningHCA),
            (base, .none),
        ]
        func makeCQ(_ entries: Int, _ flags: UInt64) -> UnsafeMutablePointer<ibv_cq_ex>? {
            var a = ibv_cq_init_attr_ex()
            a.cqe = UInt32(entries)
            a.wc_flags = flags
            a.comp_mask = IBV_CQ_INIT_ATTR_MASK_FLAGS.rawValue
            a.flags = IBV_CREATE_CQ_ATTR_SINGLE_THREADED.rawValue
            return ibv_create_cq_ex(ctx, &a)
        }
        var clock = TimestampClock.none
        var rxCQ: UnsafeMutablePointer<ibv_cq_ex>?
        var txCQ: UnsafeMutablePointer<ibv_cq_ex>?
        var refusals: [String] = []
        for (flags, kind) in attempts {
            if kind == .freeRunningHCA && desc.hcaCoreClockKHz == 0 { continue }
            if let r = makeCQ(c.receiveSlots, flags) {
                if let t = makeCQ(c.transmitSlots, flags) {
                    rxCQ = r; txCQ = t; clock = kind
                    break
                }
                _ = ibv_destroy_cq(ibv_cq_ex_to_cq(r))
            }
            refusals.append("\(kind.rawValue): \(String(cString: strerror(errno)))")
        }
        guard let rxCQ, let txCQ else { throw .system("ibv_create_cq_ex \(want) (\(refusals.joined(separator: "; ")))", negativeErrno: -errno) }
        cleanup.append { _ = ibv_destroy_cq(ibv_cq_ex_to_cq(rxCQ)); _ = ibv_destroy_cq(ibv_cq_ex_to_cq(txCQ)) }

        var qa = ibv_qp_init_attr()
        qa.send_cq = ibv_cq_ex_to_cq(txCQ)
        qa.recv_cq = ibv_cq_ex_to_cq(rxCQ)
        qa.cap.max_send_wr = UInt32(c.transmitSlots)
        qa.cap.max_recv_wr = UInt32(c.receiveSlots)
        qa.cap.max_send_sge = 1
        qa.cap.max_recv_sge = 1
        qa.qp_type = IBV_QPT_RAW_PACKET
        qa.sq_sig_all = 0
        guard let qp = ibv_create_qp(pd, &qa) else {
            let e = errno
            throw .init(.system(errno: e), "ibv_create_qp(RAW_PACKET) \(want)",
                        String(cString: strerror(e)) + (e == EPERM ? " — raw-packet QPs need CAP_NET_RAW" : ""))
        }
        cleanup.append { _ = ibv_destroy_qp(qp) }

        // INIT → RTR → RTS.
        var m = ibv_qp_attr()
        m.qp_state = IBV_QPS_INIT
        m.port_num = c.port
        var rc = ibv_modify_qp(qp, &m, Int32(IBV_QP_STATE.rawValue | IBV_QP_PORT.rawValue))
        guard rc == 0 else { throw .system("ibv_modify_qp INIT \(want) port \(c.port)", negativeErrno: -rc) }
        m = ibv_qp_attr()
        m.qp_state = IBV_QPS_RTR
        rc = ibv_modify_qp(qp, &m, Int32(IBV_QP_STATE.rawValue))
        guard rc == 0 else { throw .system("ibv_modify_qp RTR \(want)", negativeErrno: -rc) }
        m = ibv_qp_attr()
        m.qp_state = IBV_QPS_RTS
        rc = ibv_modify_qp(qp, &m, Int32(IBV_QP_STATE.rawValue))
        guard rc == 0 else { throw .system("ibv_modify_qp RTS \(want)", negativeErrno: -rc) }

        // Registered memory: RX slots then TX slots, touched now.
        let slot = (c.slotSize + 63) & ~63
        let bytes = slot * (c.receiveSlots + c.transmitSlots)
        var raw: UnsafeMutableRawPointer?
        guard posix_memalign(&raw, 1 << 21, bytes) == 0, let memory = raw else { throw .system("allocate \(bytes) bytes of buffers", negativeErrno: -ENOMEM) }
        cleanup.append { free(memory) }
        _ = madvise(memory, bytes, MADV_HUGEPAGE)
        memset(memory, 0, bytes)
        guard let mr = ibv_reg_mr(pd, memory, bytes, Int32(IBV_ACCESS_LOCAL_WRITE.rawValue)) else {
            throw .system("ibv_reg_mr \(bytes) bytes (memlock limit?)", negativeErrno: -errno)
        }
        cleanup.append { _ = ibv_dereg_mr(mr) }

        let wrs = UnsafeMutablePointer<ibv_recv_wr>.allocate(capacity: c.receiveSlots)
        let sges = UnsafeMutablePointer<ibv_sge>.allocate(capacity: c.receiveSlots)
        let held = UnsafeMutablePointer<Int>.allocate(capacity: c.receiveSlots)
        cleanup.append { wrs.deallocate(); sges.deallocate(); held.deallocate() }
        for i in 0..<c.receiveSlots {
            sges[i] = ibv_sge(addr: UInt64(UInt(bitPattern: memory + i * slot)), length: UInt32(slot), lkey: mr.pointee.lkey)
            wrs[i] = ibv_recv_wr(wr_id: UInt64(i), next: i + 1 < c.receiveSlots ? wrs + i + 1 : nil, sg_list: sges + i, num_sge: 1)
        }
        var bad: UnsafeMutablePointer<ibv_recv_wr>?
        rc = ibv_post_recv(qp, wrs, &bad)
        guard rc == 0 else { throw .system("ibv_post_recv (\(c.receiveSlots) slots)", negativeErrno: -rc) }
        for i in 0..<c.receiveSlots { wrs[i].next = nil }

        // Flow steering: Ethernet (dst MAC) [+ IPv4 dst] [+ UDP dst port].
        let flow = try Self.createFlow(qp: qp, port: c.port, mac: c.destinationMAC, udp: c.udpDestination, device: want)
        if let flow { cleanup.append { _ = ibv_destroy_flow(UnsafeMutablePointer(flow)) } }

        self.ctx = ctx
        self.pd = pd
        self.rxCQ = rxCQ
        self.txCQ = txCQ
        self.qp = qp
        self.mr = mr
        self.flow = flow
        self.memory = memory
        self.slotSize = slot
        self.rxSlots = c.receiveSlots
        self.txSlots = c.transmitSlots
        self.recvWRs = wrs
        self.recvSGEs = sges
        self.held = held
        self.cyclesMult = desc.hcaCoreClockKHz > 0 ? UInt64((UInt128(1_000_000) << 32) / UInt128(desc.hcaCoreClockKHz)) : 0
        self.timestampClock = clock
        let clockText = switch clock {
        case .none: "no completion timestamps (device refused: \(refusals.joined(separator: "; ")))"
        case .freeRunningHCA: "HCA clock \(desc.hcaCoreClockKHz) kHz, free-running (not UTC/TAI)"
        case .realTime: "real-time clock"
        }
        self.info = PacketQueueInfo(
            backend: "ibverbs-raw-qp",
            endpoint: "\(want) port \(c.port) qp \(qp.pointee.qp_num)"
                + (c.udpDestination.map { " udp \($0)" } ?? "") + "; \(clockText)",
            hardwareRxTimestamps: clock != .none, softwareRxTimestamps: false,
            hardwareTxTimestamps: clock != .none, softwareTxTimestamps: false)
        ok = true
    }

    static func createFlow(qp: UnsafeMutablePointer<ibv_qp>, port: UInt8, mac: [UInt8]?, udp: IPv4Endpoint?, device: String) throws(HardwareSetupError) -> OpaquePointer? {
        guard mac != nil || udp != nil else { return nil }
        let useIP = udp.map { $0.address != 0 || $0.port != 0 } ?? false
        let useUDP = (udp?.port ?? 0) != 0
        let size = MemoryLayout<ibv_flow_attr>.stride + MemoryLayout<ibv_flow_spec_eth>.stride
            + (useIP ? MemoryLayout<ibv_flow_spec_ipv4>.stride : 0) + (useUDP ? MemoryLayout<ibv_flow_spec_tcp_udp>.stride : 0)
        let buf = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        defer { buf.deallocate() }
        memset(buf, 0, size)
        let attr = buf.bindMemory(to: ibv_flow_attr.self, capacity: 1)
        attr.pointee.type = IBV_FLOW_ATTR_NORMAL
        attr.pointee.size = UInt16(size)
        attr.pointee.priority = 0
        attr.pointee.num_of_specs = UInt8(1 + (useIP ? 1 : 0) + (useUDP ? 1 : 0))
        attr.pointee.port = port
        var off = MemoryLayout<ibv_flow_attr>.stride
        let eth = (buf + off).bindMemory(to: ibv_flow_spec_eth.self, capacity: 1)
        eth.pointee.type = IBV_FLOW_SPEC_ETH
        eth.pointee.size = UInt16(MemoryLayout<ibv_flow_spec_eth>.stride)
        if let mac, mac.count == 6 {
            withUnsafeMutableBytes(of: &eth.pointee.val.dst_mac) { v in for i in 0..<6 { v[i] = mac[i] } }
            withUnsafeMutableBytes(of: &eth.pointee.mask.dst_mac) { v in for i in 0..<6 { v[i] = 0xff } }
        }
        if useIP {
            eth.pointee.val.ether_type = UInt16(0x0800).bigEndian
            eth.pointee.mask.ether_type = 0xffff
        }
        off += MemoryLayout<ibv_flow_spec_eth>.stride
        if useIP, let udp {
            let ip = (buf + off).bindMemory(to: ibv_flow_spec_ipv4.self, capacity: 1)
            ip.pointee.type = IBV_FLOW_SPEC_IPV4
            ip.pointee.size = UInt16(MemoryLayout<ibv_flow_spec_ipv4>.stride)
            ip.pointee.val.dst_ip = udp.address
            ip.pointee.mask.dst_ip = udp.address != 0 ? 0xffff_ffff : 0
            off += MemoryLayout<ibv_flow_spec_ipv4>.stride
        }
        if useUDP, let udp {
            let u = (buf + off).bindMemory(to: ibv_flow_spec_tcp_udp.self, capacity: 1)
            u.pointee.type = IBV_FLOW_SPEC_UDP
            u.pointee.size = UInt16(MemoryLayout<ibv_flow_spec_tcp_udp>.stride)
            u.pointee.val.dst_port = udp.port.bigEndian
            u.pointee.mask.dst_port = 0xffff
        }
        guard let flow = ibv_create_flow(qp, attr) else {
            throw .system("ibv_create_flow on \(device) port \(port)", negativeErrno: -errno)
        }
        return OpaquePointer(flow)
    }

    deinit {
        if let flow { _ = ibv_destroy_flow(UnsafeMutablePointer(flow)) }
        _ = ibv_destroy_qp(qp)
        _ = ibv_destroy_cq(ibv_cq_ex_to_cq(rxCQ))
        _ = ibv_destroy_cq(ibv_cq_ex_to_cq(txCQ))
        _ = ibv_dereg_mr(mr)
        _ = ibv_dealloc_pd(pd)
        _ = ibv_close_device(ctx)
        free(memory)
        recvWRs.deallocate()
        recvSGEs.deallocate()
        held.deallocate()
    }

    /// The completion's timestamp in ns on `timestampClock`.
    @inlinable
    func completionNanoseconds(_ cq: UnsafeMutablePointer<ibv_cq_ex>) -> UInt64 {
        switch timestampClock {
        case .realTime: return ibv_wc_read_completion_wallclock_ns(cq)
        case .freeRunningHCA:
            let p = ibv_wc_read_completion_ts(cq).multipliedFullWidth(by: cyclesMult)
            return (p.high << 32) | (p.low >> 32)
        case .none: return 0
        }
    }

    @inlinable
    public mutating func receive(into batch: inout RxBatch) throws(HardwareError) -> Int {
        // Give the previous batch's slots back to the NIC, as one chained post.
        if heldCount > 0 {
            for k in 0..<heldCount {
                recvWRs[held[k]].next = k + 1 < heldCount ? recvWRs + held[k + 1] : nil
            }
            var bad: UnsafeMutablePointer<ibv_recv_wr>?
            let rc = ibv_post_recv(qp, recvWRs + held[0], &bad)
            for k in 0..<heldCount { recvWRs[held[k]].next = nil }
            guard rc == 0 else { throw HardwareError("ibv_post_recv", code: rc) }
            heldCount = 0
        }
        var attr = ibv_poll_cq_attr()
        var rc = ibv_start_poll(rxCQ, &attr)
        if rc == ENOENT { batch.setCount(0); return 0 }
        guard rc == 0 else { throw HardwareError("ibv_start_poll", code: rc) }
        let cap = batch.capacity
        var n = 0
        while true {
            let slot = Int(truncatingIfNeeded: rxCQ.pointee.wr_id)
            if rxCQ.pointee.status == IBV_WC_SUCCESS {
                var m = vega_rx_meta()
                m.len = ibv_wc_read_byte_len(rxCQ)
                if timestampClock != .none {
                    m.hw_ns = completionNanoseconds(rxCQ)
                    m.flags = UInt32(VEGA_FRAME_HAS_HW)
                }
                m.queue = UInt16(truncatingIfNeeded: qp.pointee.qp_num)
                batch.set(n, bytes: UnsafeRawPointer(memory + slot * slotSize), meta: m)
                held[heldCount] = slot
                heldCount += 1
                n += 1
            } else {
                rxErrorCount += 1
                // A failed completion still consumed its slot: it goes back with the next post.
                held[heldCount] = slot
                heldCount += 1
            }
            if n == cap { break }
            rc = ibv_next_poll(rxCQ)
            if rc != 0 { break }
        }
        ibv_end_poll(rxCQ)
        batch.setCount(n)
        return n
    }

    @inlinable
    public mutating func transmit(_ frame: UnsafeRawBufferPointer) throws(HardwareError) -> UInt32 {
        guard frame.count <= slotSize else { throw HardwareError("ibv_post_send", code: EMSGSIZE) }
        guard txNext &- txDone < UInt32(txSlots) else { throw HardwareError("ibv_post_send", code: EAGAIN) }
        let id = txNext
        let slot = rxSlots + Int(id % UInt32(txSlots))
        let dst = memory + slot * slotSize
        if let src = frame.baseAddress { dst.copyMemory(from: src, byteCount: frame.count) }
        var sge = ibv_sge(addr: UInt64(UInt(bitPattern: dst)), length: UInt32(frame.count), lkey: mr.pointee.lkey)
        var wr = ibv_send_wr()
        wr.wr_id = UInt64(id)
        wr.opcode = IBV_WR_SEND
        wr.send_flags = IBV_SEND_SIGNALED.rawValue
        wr.num_sge = 1
        var bad: UnsafeMutablePointer<ibv_send_wr>?
        let rc = withUnsafeMutablePointer(to: &sge) { s in
            wr.sg_list = s
            return ibv_post_send(qp, &wr, &bad)
        }
        guard rc == 0 else { throw HardwareError("ibv_post_send", code: rc) }
        txNext &+= 1
        return id
    }

    @inlinable
    public mutating func drainTxTimestamps(into out: UnsafeMutableBufferPointer<TxTimestamp>) throws(HardwareError) -> Int {
        guard out.count > 0 else { return 0 }
        var attr = ibv_poll_cq_attr()
        var rc = ibv_start_poll(txCQ, &attr)
        if rc == ENOENT { return 0 }
        guard rc == 0 else { throw HardwareError("ibv_start_poll", code: rc) }
        var n = 0
        while true {
            txDone &+= 1
            let id = UInt32(truncatingIfNeeded: txCQ.pointee.wr_id)
            if txCQ.pointee.status == IBV_WC_SUCCESS {
                if timestampClock != .none {
                    out[n] = TxTimestamp(id: id, kind: .sent, isHardware: true, nanoseconds: completionNanoseconds(txCQ))
                    n += 1
                }
            } else {
                txErrorCount += 1
            }
            if n == out.count { break }
            rc = ibv_next_poll(txCQ)
            if rc != 0 { break }
        }
        ibv_end_poll(txCQ)
        return n
    }
}
