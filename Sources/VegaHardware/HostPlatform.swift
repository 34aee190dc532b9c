import CVegaNUMA
import CVegaSys
import Glibc

/// Hugepage sizes a lane can ask for.
public enum HugePageSize: String, Sendable, Codable, CaseIterable {
    case twoMiB = "2M"
    case oneGiB = "1G"
}

/// How a lane memory region ended up backed.
public enum MemoryBacking: String, Sendable, Codable {
    /// Reserved hugepages (MAP_HUGETLB).
    case hugetlb
    /// No hugepages reserved: 2 MiB-aligned memory with MADV_HUGEPAGE (transparent hugepages).
    case transparentHugePages
    /// Base pages: MADV_HUGEPAGE was refused too.
    case basePages
}

/// Memory for the lane's fixed-capacity structures: mapped, prefaulted, optionally locked and
/// placed on a NUMA node, before trading starts. Unmapped on deinit.
public struct LaneMemory: ~Copyable {
    @usableFromInline var region: vega_mem_region
    public let backing: MemoryBacking
    /// Why reserved hugepages were not used, when they were not.
    public let fallbackReason: String?
    /// The NUMA node the pages were bound to, if placement was asked for.
    public let node: Int?

    init(region: vega_mem_region, node: Int?) {
        self.region = region
        self.node = node
        if region.flags & UInt32(VEGA_MEM_HUGETLB_2M | VEGA_MEM_HUGETLB_1G) != 0 {
            backing = .hugetlb
            fallbackReason = nil
        } else {
            backing = region.flags & UInt32(VEGA_MEM_THP_ADVISED) != 0 ? .transparentHugePages : .basePages
            let e = region.hugetlb_errno
            fallbackReason = "MAP_HUGETLB failed: \(String(cString: strerror(e)))"
                + (e == ENOMEM ? " (no hugepages reserved: see vm.nr_hugepages)" : "")
        }
    }

    /// Real, usable memory described as a *simulated* host would have backed it: HardwareSim's
    /// `SimHost` maps ordinary memory here (this machine's hugepage pool is not the simulated
    /// one) and reports the backing, fallback reason and node its configuration implies.
    package init(simulatedBacking backing: MemoryBacking, fallbackReason: String?, node: Int?, bytes: Int)
        throws(HardwareSetupError)
    {
        var r = vega_mem_region()
        let rc = vega_mem_map(bytes, Int32(VEGA_HUGE_2M), 1, 0, &r)
        guard rc == 0 else { throw .system("map \(bytes) bytes of simulated lane memory", negativeErrno: rc) }
        self.region = r
        self.backing = backing
        self.fallbackReason = fallbackReason
        self.node = node
    }

    deinit {
        var r = region
        vega_mem_unmap(&r)
    }

    @inlinable public var base: UnsafeMutableRawPointer { region.base }
    @inlinable public var byteCount: Int { region.length }
    public var pageSize: Int { region.page_size }
    public var isLocked: Bool { region.flags & UInt32(VEGA_MEM_LOCKED) != 0 }
    /// Bytes of this region the kernel currently backs with transparent hugepages.
    public var transparentHugePageBytes: Int { Int(max(vega_mem_thp_bytes(region.base, region.length), 0)) }
}

/// A CPU and NUMA layout as the lane planner sees it.
public struct HostTopology: Sendable, Equatable, Codable {
    public struct Node: Sendable, Equatable, Codable {
        public var id: Int
        public var cpus: [Int]
        public var memoryBytes: UInt64
        public var freeBytes: UInt64

        public init(id: Int, cpus: [Int], memoryBytes: UInt64, freeBytes: UInt64) {
            self.id = id
            self.cpus = cpus
            self.memoryBytes = memoryBytes
            self.freeBytes = freeBytes
        }
    }

    public var onlineCPUs: [Int]
    public var isolatedCPUs: [Int]
    public var nohzFullCPUs: [Int]
    public var nodes: [Node]

    public init(onlineCPUs: [Int], isolatedCPUs: [Int], nohzFullCPUs: [Int], nodes: [Node]) {
        self.onlineCPUs = onlineCPUs
        self.isolatedCPUs = isolatedCPUs
        self.nohzFullCPUs = nohzFullCPUs
        self.nodes = nodes
    }

    /// The node a CPU belongs to, if known.
    public func node(ofCPU cpu: Int) -> Int? { nodes.first { $0.cpus.contains(cpu) }?.id }
}

/// The host a lane runs on: placement, pinning, hugepages. Used at start-up, never on the lane.
public protocol HostPlatform: Sendable {
    func topology() -> HostTopology
    /// Pins the calling thread to `cpu`.
    func pinCurrentThread(toCPU cpu: Int) throws(HardwareSetupError)
    /// Maps lane memory: hugepages of `pageSize` when reserved, else (if `allowFallback`) aligned
    /// memory with MADV_HUGEPAGE; bound to `node` when given (which must exist); mlock'd when `lock`.
    func mapLaneMemory(bytes: Int, pageSize: HugePageSize, node: Int?, lock: Bool, allowFallback: Bool)
        throws(HardwareSetupError) -> LaneMemory
}

/// The live host: sysfs for topology, libnuma for placement, CVegaSys for mapping and pinning.
public struct LinuxHost: HostPlatform {
    public init() {}

    public func topology() -> HostTopology {
        let online = Sysfs.parseCPUList(Sysfs.read("/sys/devices/system/cpu/online") ?? "")
        let isolated = Sysfs.parseCPUList(Sysfs.read("/sys/devices/system/cpu/isolated") ?? "")
        let nohz = Sysfs.parseCPUList(Sysfs.read("/sys/devices/system/cpu/nohz_full") ?? "")
        var nodes: [HostTopology.Node] = []
        if numa_available() >= 0 {
            for id in 0...Int(numa_max_node()) where Sysfs.exists("/sys/devices/system/node/node\(id)") {
                var free: Int64 = 0
                let size = numa_node_size64(Int32(id), &free)
                let cpus = Sysfs.parseCPUList(Sysfs.read("/sys/devices/system/node/node\(id)/cpulist") ?? "")
                nodes.append(.init(id: id, cpus: cpus, memoryBytes: UInt64(max(size, 0)), freeBytes: UInt64(max(free, 0))))
            }
        }
        if nodes.isEmpty {
            // No NUMA support in the kernel: the whole machine is one node.
            nodes = [.init(id: 0, cpus: online, memoryBytes: 0, freeBytes: 0)]
        }
        return HostTopology(onlineCPUs: online, isolatedCPUs: isolated, nohzFullCPUs: nohz, nodes: nodes)
    }

    public func pinCurrentThread(toCPU cpu: Int) throws(HardwareSetupError) {
        let rc = vega_cpu_pin_current_thread(Int32(clamping: cpu))
        guard rc == 0 else { throw .system("pin thread to CPU \(cpu)", negativeErrno: rc) }
    }

    public func mapLaneMemory(bytes: Int, pageSize: HugePageSize, node: Int?, lock: Bool, allowFallback: Bool)
        throws(HardwareSetupError) -> LaneMemory
    {
        if let node {
            // libnuma silently hands out node-0 memory for a node that does not exist: check first.
            let nodes = topology().nodes.map(\.id)
            guard nodes.contains(node) else {
                throw HardwareSetupError(.invalid, "place lane memory on NUMA node \(node)",
                    "no such node; this host has node(s) \(nodes.map(String.init).joined(separator: ", "))")
            }
        }
        var r = vega_mem_region()
        // Map without locking first: binding must happen before the pages are faulted in to be
        // free, and the shim prefaults. For hugetlb the pages come from the local node's pool;
        // we bind and then migrate anything already placed elsewhere.
        let rc = vega_mem_map(bytes, pageSize == .oneGiB ? Int32(VEGA_HUGE_1G) : Int32(VEGA_HUGE_2M),
                              allowFallback ? 1 : 0, 0, &r)
        guard rc == 0 else { throw .system("map \(bytes) bytes of \(pageSize.rawValue) hugepages", negativeErrno: rc) }
        if let node {
            var mask: UInt = 1 << UInt(node)
            // MPOL_BIND with MPOL_MF_MOVE moves the already-faulted pages onto the node.
            let brc = mbind(r.base, UInt(r.length), Int32(MPOL_BIND), &mask, UInt(MemoryLayout<UInt>.size * 8), UInt32(MPOL_MF_MOVE))
            if brc != 0 {
                let e = errno
                vega_mem_unmap(&r)
                throw .system("bind lane memory to NUMA node \(node)", negativeErrno: -e)
            }
        }
        if lock {
            if mlock(r.base, r.length) != 0 {
                let e = errno
                vega_mem_unmap(&r)
                throw HardwareSetupError(.system(errno: e), "mlock \(bytes) bytes of lane memory",
                    "\(String(cString: strerror(e))); raise the memlock limit (ulimit -l, LimitMEMLOCK=) or run with CAP_IPC_LOCK")
            }
            r.flags |= UInt32(VEGA_MEM_LOCKED)
        }
        return LaneMemory(region: r, node: node)
    }
}
