import Glibc
import Synchronization
import VegaCore
import VegaHardware

/// A `HostPlatform` with a configured topology — NUMA nodes, CPUs, isolated CPUs, reserved
/// hugepages — so lane planning can be tested on a laptop as if on a colo server.
///
/// It answers as a real host with that configuration would, and reports what it cannot do
/// rather than faking it:
/// - `topology()` is the configured one;
/// - `mapLaneMemory` refuses nodes the configuration lacks (same error as `LinuxHost`), and
///   decides the backing the real host would pick — hugetlb when enough pages of the size are
///   reserved, else the transparent-hugepage fallback with `LinuxHost`'s exact reason wording,
///   or the same ENOMEM failure when the fallback is not allowed. That decision is
///   `plan(...)`, recorded in `mappings`. The memory itself is ordinary memory from this
///   machine, and the returned `LaneMemory` describes that memory truthfully (see the note on
///   `mapLaneMemory`);
/// - `pinCurrentThread` records every request, refuses CPUs the configuration lacks, and pins
///   for real only when the CPU also exists on this machine; otherwise it records why not.
///
/// Start-up only; nothing here is on the lane. `Sendable`: the records are behind a `Mutex`.
public struct SimHost: HostPlatform {
    public struct Configuration: Sendable, Equatable {
        public var topology: HostTopology
        /// Reserved 2 MiB pages available (vm.nr_hugepages, free).
        public var hugePages2MiB: Int
        /// Reserved 1 GiB pages available.
        public var hugePages1GiB: Int
        /// Whether transparent hugepages are enabled ("madvise"/"always"); false models "never",
        /// where the fallback ends on base pages.
        public var transparentHugePages: Bool
        /// RLIMIT_MEMLOCK in bytes; nil for unlimited.
        public var memlockLimitBytes: UInt64?

        public init(topology: HostTopology, hugePages2MiB: Int = 0, hugePages1GiB: Int = 0, transparentHugePages: Bool = true,
                    memlockLimitBytes: UInt64? = nil) {
            self.topology = topology
            self.hugePages2MiB = hugePages2MiB
            self.hugePages1GiB = hugePages1GiB
            self.transparentHugePages = transparentHugePages
            self.memlockLimitBytes = memlockLimitBytes
        }

        /// `nodes` NUMA nodes of `cpusPerNode` CPUs each (numbered node by node), with
        /// `isolatedCPUs` isolated and nohz_full, and `memoryPerNode` bytes per node.
        public static func uniform(nodes: Int, cpusPerNode: Int, isolatedCPUs: [Int] = [], hugePages2MiB: Int = 0,
                                   hugePages1GiB: Int = 0, memoryPerNode: UInt64 = 64 << 30) -> Configuration {
            let ns = (0..<nodes).map { n in
                HostTopology.Node(id: n, cpus: Array(n * cpusPerNode..<(n + 1) * cpusPerNode), memoryBytes: memoryPerNode,
                                  freeBytes: memoryPerNode)
            }
            let topology = HostTopology(onlineCPUs: Array(0..<nodes * cpusPerNode), isolatedCPUs: isolatedCPUs,
                                        nohzFullCPUs: isolatedCPUs, nodes: ns)
            return Configuration(topology: topology, hugePages2MiB: hugePages2MiB, hugePages1GiB: hugePages1GiB)
        }
    }

    /// What a real host with the configuration would have done for one mapping request.
    public struct LaneMemoryPlan: Sendable, Equatable {
        public var bytes: Int
        public var pageSize: HugePageSize
        public var node: Int?
        public var backing: MemoryBacking
        /// `LinuxHost`'s wording when hugepages were not used.
        public var fallbackReason: String?
        public var locked: Bool

        public init(bytes: Int, pageSize: HugePageSize, node: Int?, backing: MemoryBacking, fallbackReason: String?, locked: Bool) {
            self.bytes = bytes
            self.pageSize = pageSize
            self.node = node
            self.backing = backing
            self.fallbackReason = fallbackReason
            self.locked = locked
        }
    }

    /// One `pinCurrentThread` request and what came of it.
    public struct PinRequest: Sendable, Equatable {
        public enum Outcome: Sendable, Equatable {
            /// The thread was pinned to that CPU of this machine.
            case pinned
            /// The CPU exists only in the simulated topology: recorded, not pinned.
            case notPinned(reason: String)
        }

        public var cpu: Int
        public var outcome: Outcome

        public init(cpu: Int, outcome: Outcome) {
            self.cpu = cpu
            self.outcome = outcome
        }
    }

    struct Records: ~Copyable {
        var pins: [PinRequest] = []
        var mappings: [LaneMemoryPlan] = []
    }

    public let configuration: Configuration
    let records: Records_
    /// The CPUs this machine really has online, read once.
    public let machineCPUs: [Int]

    final class Records_: Sendable {
        let state = Mutex(Records())
    }

    public init(_ configuration: Configuration) {
        self.configuration = configuration
        records = Records_()
        machineCPUs = LinuxHost().topology().onlineCPUs
    }

    public func topology() -> HostTopology { configuration.topology }

    /// A NUMA node for a hand-written topology (VegaHardware offers no public initialiser yet).
    public static func node(id: Int, cpus: [Int], memoryBytes: UInt64 = 64 << 30) -> HostTopology.Node {
        HostTopology.Node(id: id, cpus: cpus, memoryBytes: memoryBytes, freeBytes: memoryBytes)
    }

    /// Every pin request so far, in order.
    public var pinRequests: [PinRequest] { records.state.withLock { $0.pins } }
    /// Every successful mapping's plan so far, in order.
    public var mappings: [LaneMemoryPlan] { records.state.withLock { $0.mappings } }

    public func pinCurrentThread(toCPU cpu: Int) throws(HardwareSetupError) {
        let cpus = configuration.topology.onlineCPUs
        guard cpus.contains(cpu) else {
            throw HardwareSetupError(.invalid, "pin thread to CPU \(cpu)",
                "no such CPU; this host has CPU(s) \(cpus.map(String.init).joined(separator: ", "))")
        }
        let outcome: PinRequest.Outcome
        if machineCPUs.contains(cpu) {
            try LinuxHost().pinCurrentThread(toCPU: cpu)
            outcome = .pinned
        } else {
            outcome = .notPinned(reason: "CPU \(cpu) exists only in the simulated topology; this machine has CPU(s) "
                + machineCPUs.map(String.init).joined(separator: ", "))
        }
        records.state.withLock { $0.pins.append(PinRequest(cpu: cpu, outcome: outcome)) }
    }

    /// The decision a real host with this configuration makes for a mapping, or the error it
    /// raises, in `LinuxHost`'s words. Reserved pages are not drained by mappings: `LaneMemory`
    /// has no release hook a simulator could use to return them.
    public func plan(bytes: Int, pageSize: HugePageSize, node: Int?, lock: Bool, allowFallback: Bool)
        throws(HardwareSetupError) -> LaneMemoryPlan
    {
        if let node {
            let nodes = configuration.topology.nodes.map(\.id)
            guard nodes.contains(node) else {
                throw HardwareSetupError(.invalid, "place lane memory on NUMA node \(node)",
                    "no such node; this host has node(s) \(nodes.map(String.init).joined(separator: ", "))")
            }
        }
        let pageBytes = pageSize == .oneGiB ? 1 << 30 : 2 << 20
        let needed = (bytes + pageBytes - 1) / pageBytes
        let reserved = pageSize == .oneGiB ? configuration.hugePages1GiB : configuration.hugePages2MiB
        var plan = LaneMemoryPlan(bytes: bytes, pageSize: pageSize, node: node, backing: .hugetlb, fallbackReason: nil, locked: lock)
        if needed > reserved {
            // What MAP_HUGETLB does with too few pages reserved: ENOMEM at mmap time.
            guard allowFallback else {
                throw .system("map \(bytes) bytes of \(pageSize.rawValue) hugepages", negativeErrno: -ENOMEM)
            }
            plan.backing = configuration.transparentHugePages ? .transparentHugePages : .basePages
            plan.fallbackReason = "MAP_HUGETLB failed: \(String(cString: strerror(ENOMEM))) (no hugepages reserved: see vm.nr_hugepages)"
        }
        if lock, let limit = configuration.memlockLimitBytes, UInt64(bytes) > limit {
            throw HardwareSetupError(.system(errno: ENOMEM), "mlock \(bytes) bytes of lane memory",
                "\(String(cString: strerror(ENOMEM))); raise the memlock limit (ulimit -l, LimitMEMLOCK=) or run with CAP_IPC_LOCK")
        }
        return plan
    }

    /// Plans the mapping as the configured host would (refusing what it would refuse), records
    /// the plan in `mappings`, then returns ordinary memory of this machine.
    ///
    /// Note: the returned `LaneMemory`'s own `backing` describes the memory actually handed out
    /// (this machine's), not the plan: `LaneMemory` has no public initialiser through which a
    /// simulator could state a backing (VegaHardware change requested), and claiming hugetlb
    /// for memory that is not would be faking. Read the simulated answer from `plan`/`mappings`.
    public func mapLaneMemory(bytes: Int, pageSize: HugePageSize, node: Int?, lock: Bool, allowFallback: Bool)
        throws(HardwareSetupError) -> LaneMemory
    {
        let p = try plan(bytes: bytes, pageSize: pageSize, node: node, lock: lock, allowFallback: allowFallback)
        // Ordinary memory (this machine's hugepage pool, nodes and memlock limit are not the
        // simulated ones), described exactly as the simulated host would have backed it.
        let memory = try LaneMemory(simulatedBacking: p.backing, fallbackReason: p.fallbackReason, node: p.node, bytes: bytes)
        records.state.withLock { $0.mappings.append(p) }
        return memory
    }
}
