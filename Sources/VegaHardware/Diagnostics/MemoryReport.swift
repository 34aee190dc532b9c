import CVegaSys
import Glibc

/// The `numa` section: nodes (LinuxHost().topology()) and automatic NUMA balancing.
public struct NUMAReport: Codable, Sendable, Equatable {
    public var nodes: [HostTopology.Node]
    /// /proc/sys/kernel/numa_balancing: 0 off, 1 on (2/3: memory tiering modes); nil when the
    /// kernel has no NUMA balancing (the file is absent).
    public var numaBalancing: Int?
    /// Whether `nodes` came from libnuma, or is the single-node stand-in when NUMA is unsupported.
    public var source: String

    public init(nodes: [HostTopology.Node], numaBalancing: Int?, source: String) {
        self.nodes = nodes
        self.numaBalancing = numaBalancing
        self.source = source
    }

    static func gather(topology: HostTopology) -> NUMAReport {
        let real = Sysfs.exists("/sys/devices/system/node/node0")
        return NUMAReport(
            nodes: topology.nodes,
            numaBalancing: Sysfs.read("/proc/sys/kernel/numa_balancing").flatMap { Int($0) },
            source: real
                ? "libnuma + /sys/devices/system/node/nodeN/cpulist"
                : "no /sys/devices/system/node: kernel without NUMA; the whole machine shown as node 0 (memory unknown)")
    }
}

/// The `hugepages` section: reserved pages per size (and per node), THP mode, memlock limit.
public struct HugepagesReport: Codable, Sendable, Equatable {
    public struct Pool: Codable, Sendable, Equatable {
        /// Page size in KiB (2048, 1048576).
        public var sizeKiB: UInt64
        /// nr_hugepages: pages reserved.
        public var reserved: Int
        /// free_hugepages: reserved and not yet mapped by anyone.
        public var free: Int
        public var perNode: [NodePool]
        public init(sizeKiB: UInt64, reserved: Int, free: Int, perNode: [NodePool] = []) {
            self.sizeKiB = sizeKiB
            self.reserved = reserved
            self.free = free
            self.perNode = perNode
        }
    }

    public struct NodePool: Codable, Sendable, Equatable {
        public var node: Int
        public var reserved: Int
        public var free: Int
        public init(node: Int, reserved: Int, free: Int) {
            self.node = node
            self.reserved = reserved
            self.free = free
        }
    }

    public struct Memlock: Codable, Sendable, Equatable {
        public var unlimited: Bool
        /// RLIMIT_MEMLOCK soft limit of this process in bytes; nil when unlimited or unreadable.
        public var limitBytes: UInt64?
        /// "getrlimit(RLIMIT_MEMLOCK) of this process", plus an error when it failed.
        public var source: String
        public init(unlimited: Bool, limitBytes: UInt64?, source: String) {
            self.unlimited = unlimited
            self.limitBytes = limitBytes
            self.source = source
        }
    }

    public var pools: [Pool]
    /// /sys/kernel/mm/transparent_hugepage/enabled, the bracketed mode ("always", "madvise",
    /// "never"); nil when absent.
    public var transparentHugepages: String?
    public var memlock: Memlock

    public init(pools: [Pool], transparentHugepages: String?, memlock: Memlock) {
        self.pools = pools
        self.transparentHugepages = transparentHugepages
        self.memlock = memlock
    }

    public var totalReserved: Int { pools.reduce(0) { $0 + $1.reserved } }

    static func gather(nodes: [Int]) -> HugepagesReport {
        let base = "/sys/kernel/mm/hugepages"
        let pools = Sysfs.list(base).compactMap { dir -> Pool? in
            guard dir.hasPrefix("hugepages-"), dir.hasSuffix("kB"),
                  let kib = UInt64(dir.dropFirst("hugepages-".count).dropLast(2)) else { return nil }
            let perNode = nodes.compactMap { n -> NodePool? in
                let d = "/sys/devices/system/node/node\(n)/hugepages/\(dir)"
                guard let r = Sysfs.read("\(d)/nr_hugepages").flatMap({ Int($0) }) else { return nil }
                return NodePool(node: n, reserved: r, free: Sysfs.read("\(d)/free_hugepages").flatMap { Int($0) } ?? 0)
            }
            return Pool(
                sizeKiB: kib, reserved: Sysfs.read("\(base)/\(dir)/nr_hugepages").flatMap { Int($0) } ?? 0,
                free: Sysfs.read("\(base)/\(dir)/free_hugepages").flatMap { Int($0) } ?? 0, perNode: perNode)
        }.sorted { $0.sizeKiB < $1.sizeKiB }

        var thp: String?
        if let text = Sysfs.read("/sys/kernel/mm/transparent_hugepage/enabled"),
           let open = text.firstIndex(of: "["), let close = text.firstIndex(of: "]"), open < close {
            thp = String(text[text.index(after: open)..<close])
        }
        var limit: UInt64 = 0
        let rc = vega_mem_memlock_limit(&limit)
        let memlock =
            rc != 0
            ? Memlock(unlimited: false, limitBytes: nil, source: "getrlimit(RLIMIT_MEMLOCK) failed: \(HostProbe.errnoString(-rc))")
            : Memlock(unlimited: limit == UInt64.max, limitBytes: limit == UInt64.max ? nil : limit,
                      source: "getrlimit(RLIMIT_MEMLOCK) soft limit of this process (a service's LimitMEMLOCK= may differ)")
        return HugepagesReport(pools: pools, transparentHugepages: thp, memlock: memlock)
    }
}
