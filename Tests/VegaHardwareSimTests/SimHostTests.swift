import CVegaSys
import Glibc
import Testing
import VegaCore
import VegaHardware
import VegaHardwareSim

@Suite struct SimHostTests {
    static let colo = SimHost.Configuration.uniform(nodes: 2, cpusPerNode: 16, isolatedCPUs: [2, 3, 18, 19])

    @Test func topologyIsTheConfiguredOne() {
        let host = SimHost(Self.colo)
        let t = host.topology()
        #expect(t.nodes.map(\.id) == [0, 1])
        #expect(t.onlineCPUs.count == 32 && t.isolatedCPUs == [2, 3, 18, 19])
        #expect(t.node(ofCPU: 18) == 1)
    }

    @Test func aNodeThatDoesNotExistIsRefused() {
        let host = SimHost(Self.colo)
        do {
            _ = try host.mapLaneMemory(bytes: 1 << 20, pageSize: .twoMiB, node: 2, lock: false, allowFallback: true)
            Issue.record("node 2 does not exist on a two-node host")
        } catch {
            #expect(error.kind == .invalid)
            #expect(error.operation == "place lane memory on NUMA node 2")
            #expect(error.reason == "no such node; this host has node(s) 0, 1")
        }
        #expect(host.mappings.isEmpty)
    }

    @Test func noReservedHugepagesFallsBackToTransparentHugepagesWithLinuxHostsReason() throws {
        let host = SimHost(Self.colo)
        let memory = try host.mapLaneMemory(bytes: 4 << 20, pageSize: .twoMiB, node: 1, lock: true, allowFallback: true)
        #expect(memory.byteCount >= 4 << 20)
        let plan = try #require(host.mappings.first)
        #expect(plan.backing == .transparentHugePages)
        #expect(plan.fallbackReason == "MAP_HUGETLB failed: Cannot allocate memory (no hugepages reserved: see vm.nr_hugepages)")
        #expect(plan.node == 1 && plan.locked)
        // The memory itself says what the simulated host would have given, not this machine.
        let backing = memory.backing, reason = memory.fallbackReason, node = memory.node
        #expect(backing == .transparentHugePages && reason == plan.fallbackReason && node == 1)
    }

    @Test func reservedHugepagesOnASimulatedNodeAreReportedAsHugetlbOnThatNode() throws {
        var config = Self.colo
        config.hugePages2MiB = 16
        let host = SimHost(config)
        let memory = try host.mapLaneMemory(bytes: 4 << 20, pageSize: .twoMiB, node: 1, lock: false, allowFallback: false)
        let backing = memory.backing, reason = memory.fallbackReason, node = memory.node
        #expect(backing == .hugetlb && reason == nil && node == 1)
        memory.base.storeBytes(of: 42, toByteOffset: (4 << 20) - 8, as: UInt64.self)   // usable memory
    }

    @Test func withoutFallbackTheMappingFailsAsMapHugetlbDoes() {
        let host = SimHost(Self.colo)
        do {
            _ = try host.plan(bytes: 4 << 20, pageSize: .twoMiB, node: nil, lock: false, allowFallback: false)
            Issue.record("no hugepages reserved and no fallback must fail")
        } catch {
            #expect(error.kind == .system(errno: ENOMEM))
            #expect(error.operation == "map 4194304 bytes of 2M hugepages")
        }
    }

    @Test func enoughReservedPagesGiveHugetlbAndTooFewFallBack() throws {
        var c = Self.colo
        c.hugePages2MiB = 4
        c.transparentHugePages = false
        let host = SimHost(c)
        #expect(try host.plan(bytes: 8 << 20, pageSize: .twoMiB, node: 0, lock: false, allowFallback: false).backing == .hugetlb)
        let over = try host.plan(bytes: (8 << 20) + 1, pageSize: .twoMiB, node: 0, lock: false, allowFallback: true)
        #expect(over.backing == .basePages && over.fallbackReason != nil)
        #expect(try host.plan(bytes: 1 << 20, pageSize: .oneGiB, node: nil, lock: false, allowFallback: true).backing
            == .basePages)
    }

    @Test func lockingBeyondTheMemlockLimitIsRefusedWithTheFix() {
        var c = Self.colo
        c.memlockLimitBytes = 64 << 10
        let host = SimHost(c)
        #expect(throws: HardwareSetupError.self) {
            try host.plan(bytes: 1 << 20, pageSize: .twoMiB, node: nil, lock: true, allowFallback: true)
        }
        #expect((try? host.plan(bytes: 1 << 20, pageSize: .twoMiB, node: nil, lock: false, allowFallback: true)) != nil)
    }

    @Test func pinningRefusesMissingCPUsAndRecordsSimulatedOnesWithoutPinning() throws {
        let host = SimHost(Self.colo)
        #expect(throws: HardwareSetupError.self) { try host.pinCurrentThread(toCPU: 64) }
        let simulatedOnly = try #require(Self.colo.topology.onlineCPUs.last { !host.machineCPUs.contains($0) })
        try host.pinCurrentThread(toCPU: simulatedOnly)
        let r = try #require(host.pinRequests.first)
        #expect(r.cpu == simulatedOnly)
        guard case .notPinned(let reason) = r.outcome else {
            Issue.record("CPU \(simulatedOnly) is not on this machine; it must not be reported pinned")
            return
        }
        #expect(reason.contains("exists only in the simulated topology"))
    }

    /// Real pinning changes the calling thread's affinity, so it runs in a child process.
    @Test func aCPUThatExistsHereIsReallyPinned() async {
        await #expect(processExitsWith: .success) {
            let host = SimHost(.uniform(nodes: 1, cpusPerNode: 64))
            try host.pinCurrentThread(toCPU: 0)
            guard host.pinRequests == [.init(cpu: 0, outcome: .pinned)], vega_cpu_current() == 0 else { exit(2) }
        }
    }
}
