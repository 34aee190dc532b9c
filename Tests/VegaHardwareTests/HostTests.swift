import CVegaNUMA
import CVegaSys
import Foundation
import Glibc
import Testing
import VegaHardware

/// Reads and writes vm.nr_hugepages, restoring it afterwards. nil when not root.
private struct HugepageReservation {
    static let path = "/proc/sys/vm/nr_hugepages"
    let original: Int

    init?() {
        guard geteuid() == 0, let text = Sysfs.read(Self.path), let n = Int(text) else { return nil }
        original = n
    }

    /// Asks the kernel for `n` 2 MiB pages; returns how many it actually reserved (memory may be
    /// too fragmented to give them all).
    func reserve(_ n: Int) -> Int {
        let fd = open(Self.path, O_WRONLY)
        guard fd >= 0 else { return -1 }
        defer { close(fd) }
        let text = "\(n)\n"
        _ = text.withCString { write(fd, $0, strlen($0)) }
        return Int(Sysfs.read(Self.path) ?? "") ?? -1
    }

    func restore() { _ = reserve(original) }
}

@Suite("Host: hugepages, NUMA, pinning", .serialized)
struct HostTests {
    let host = LinuxHost()

    @Test("with no hugepages reserved, lane memory falls back to THP-advised memory and says why")
    func hugepageFallback() throws {
        guard let reservation = HugepageReservation() else {
            print("SKIP hugepageFallback: not root, cannot set vm.nr_hugepages to 0")
            return
        }
        defer { reservation.restore() }
        // Free pages may be held by other processes: only proceed when none are free.
        _ = reservation.reserve(0)
        let free = Int(Sysfs.read("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages") ?? "0") ?? 0
        try #require(free == 0, "2 MiB hugepages still free after setting nr_hugepages=0")
        let mem = try host.mapLaneMemory(bytes: 3 << 20, pageSize: .twoMiB, node: nil, lock: false, allowFallback: true)
        #expect(mem.backing != .hugetlb)
        #expect(mem.byteCount == 4 << 20, "rounded up to whole 2 MiB units")
        #expect(Int(bitPattern: mem.base) % (2 << 20) == 0, "fallback memory is 2 MiB aligned so THP can back it")
        let fallback = mem.fallbackReason
        let reason = try #require(fallback)
        #expect(reason.contains("MAP_HUGETLB failed") && reason.contains("no hugepages reserved"), "\(reason)")
        // Writable and prefaulted.
        mem.base.storeBytes(of: 0xABCD_EF01, toByteOffset: mem.byteCount - 8, as: UInt64.self)
        #expect(mem.base.load(fromByteOffset: mem.byteCount - 8, as: UInt64.self) == 0xABCD_EF01)

        // Without the fallback, the same request is an error naming the cause.
        #expect(throws: HardwareSetupError.self) {
            _ = try host.mapLaneMemory(bytes: 2 << 20, pageSize: .twoMiB, node: nil, lock: false, allowFallback: false)
        }
    }

    @Test("with hugepages reserved, lane memory is hugetlb-backed and draws from the pool")
    func hugepagesReserved() throws {
        guard let reservation = HugepageReservation() else {
            print("SKIP hugepagesReserved: not root, cannot reserve hugepages")
            return
        }
        defer { reservation.restore() }
        let got = reservation.reserve(reservation.original + 4)
        guard got >= reservation.original + 2 else {
            print("SKIP hugepagesReserved: the kernel reserved only \(got) pages (memory fragmented)")
            return
        }
        let freePath = "/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages"
        let freeBefore = Int(Sysfs.read(freePath) ?? "0") ?? 0
        let mem = try host.mapLaneMemory(bytes: 4 << 20, pageSize: .twoMiB, node: nil, lock: false, allowFallback: false)
        #expect(mem.backing == .hugetlb)
        #expect(mem.fallbackReason == nil)
        #expect(mem.pageSize == 2 << 20)
        let freeAfter = Int(Sysfs.read(freePath) ?? "0") ?? 0
        #expect(freeBefore - freeAfter == 2, "two 2 MiB pages taken from the pool (prefaulted)")
    }

    @Test("lane memory is placed on an existing NUMA node, and a missing node is refused")
    func numaPlacement() throws {
        let topology = host.topology()
        #expect(!topology.nodes.isEmpty)
        #expect(!topology.onlineCPUs.isEmpty)
        let node = try #require(topology.nodes.first?.id)
        let mem = try host.mapLaneMemory(bytes: 2 << 20, pageSize: .twoMiB, node: node, lock: false, allowFallback: true)
        #expect(mem.node == node)
        if numa_available() >= 0 {
            // Ask the kernel where the first page actually lives.
            var where_: Int32 = -1
            let rc = get_mempolicy(&where_, nil, 0, mem.base, UInt32(MPOL_F_NODE | MPOL_F_ADDR))
            #expect(rc == 0)
            #expect(Int(where_) == node)
        }
        let missing = (topology.nodes.map(\.id).max() ?? 0) + 7
        do {
            _ = try host.mapLaneMemory(bytes: 2 << 20, pageSize: .twoMiB, node: missing, lock: false, allowFallback: true)
            Issue.record("mapped memory on NUMA node \(missing), which does not exist")
        } catch {
            #expect(error.kind == .invalid)
            #expect(error.reason.contains("no such node"), "\(error)")
        }
    }

    @Test("lane memory can be locked, and reports it")
    func lockedMemory() throws {
        var limit: UInt64 = 0
        #expect(vega_mem_memlock_limit(&limit) == 0)
        guard geteuid() == 0 || limit >= 4 << 20 else {
            print("SKIP lockedMemory: memlock limit \(limit) too small and not root")
            return
        }
        let mem = try host.mapLaneMemory(bytes: 2 << 20, pageSize: .twoMiB, node: nil, lock: true, allowFallback: true)
        let locked = mem.isLocked
        #expect(locked)
    }

    @Test("a thread pinned to a CPU runs there")
    func pinning() throws {
        let cpus = host.topology().onlineCPUs
        let target = try #require(cpus.last)
        final class Result: @unchecked Sendable { var cpu: Int32 = -1; var pinError: String? }
        let result = Result()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            do {
                try LinuxHost().pinCurrentThread(toCPU: target)
                // The scheduler moves us at the next opportunity: yield until we are there (bounded).
                for _ in 0..<10_000 where vega_cpu_current() != Int32(target) { sched_yield() }
                result.cpu = vega_cpu_current()
            } catch {
                result.pinError = "\(error)"
            }
            done.signal()
        }
        thread.start()
        done.wait()
        #expect(result.pinError == nil)
        #expect(result.cpu == Int32(target))
        #expect(throws: HardwareSetupError.self) { try LinuxHost().pinCurrentThread(toCPU: 100_000) }
    }

    @Test("CPUID reports a TSC, and TSC reads advance")
    func tscFeatures() {
        var f = vega_tsc_features()
        #expect(vega_cpu_tsc_features(&f) == 0)
        #expect(f.has_tsc == 1)
        let a = vega_rdtsc()
        var aux: UInt32 = 0
        let b = vega_rdtscp(&aux)
        #expect(b > a)
    }
}
