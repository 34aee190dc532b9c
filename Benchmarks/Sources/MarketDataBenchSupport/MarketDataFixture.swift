// The shared input of the market-data benchmarks: one generated ITCH 5.0 file, mapped once,
// pre-faulted, and walked by every benchmark of the run (same bytes, same mapping, warm cache).
// A library so `itch-profile` (perf/callgrind runs) executes exactly the benchmarks' loops.
#if canImport(Glibc)
import Glibc
#endif
import CITCHFraming
import VegaMarketData

/// The generated input: 20 M messages, 8,000 symbols, seed 1 (`vega feed generate --seed 1
/// --messages 20000000 --symbols 8000`). Override with VEGA_ITCH_FILE (any NASDAQ-framed file).
public let itchSeed: UInt64 = 1
public let itchMessages: UInt64 = 20_000_000
public let itchSymbols = 8_000

/// Benchmarks/.data/ (gitignored), found from this source file's path so it does not depend on
/// the directory the runner starts in.
public let dataDirectory: String = {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)  // MarketDataFixture.swift, MarketDataBenchSupport, Sources
    return parts.joined(separator: "/") + "/.data"
}()

public let itchPath: String = {
    if let p = getenv("VEGA_ITCH_FILE") { return String(cString: p) }
    return dataDirectory + "/itch-20m-seed1.itch"
}()

public func log(_ s: String) {
    let line = s + "\n"
    _ = line.withCString { write(2, $0, strlen($0)) }
}

/// Generates the input once (about a minute) if it is not cached yet.
public func ensureInputFile() throws {
    if access(itchPath, R_OK) == 0 { return }
    _ = mkdir(dataDirectory, 0o755)
    log("market data: generating \(itchPath) (seed \(itchSeed), \(itchMessages) messages, \(itchSymbols) symbols)…")
    let tmp = itchPath + ".tmp"
    let generator = try ITCHGenerator(ITCHGeneratorConfiguration(seed: itchSeed, messages: itchMessages, symbols: itchSymbols))
    let stats = try generator.writeFiles(itchPath: tmp)
    guard rename(tmp, itchPath) == 0 else { fatalError("rename \(tmp) failed: errno \(errno)") }
    log("market data: \(stats.messages) messages, \(stats.messageBytes) bytes, peak live orders \(stats.peakLiveOrders)")
}

/// A read-only, pre-faulted mapping of the whole file, shared by every benchmark of the run.
public final class MappedITCHFile: @unchecked Sendable {
    public let base: UnsafeRawPointer
    public let count: Int
    /// Messages framed by the C walk at load (every benchmark checks it saw exactly these).
    public let messages: UInt64

    public init(path: String) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        precondition(fd >= 0, "cannot open \(path): errno \(errno)")
        defer { close(fd) }
        var st = stat()
        precondition(fstat(fd, &st) == 0 && st.st_size > 0, "cannot stat \(path)")
        count = Int(st.st_size)
        guard let m = mmap(nil, count, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0), m != MAP_FAILED else {
            fatalError("mmap \(path): errno \(errno)")
        }
        base = UnsafeRawPointer(m)
        // Touch every page so no benchmark pays a first-touch fault or a disk read.
        var sum: UInt8 = 0
        var off = 0
        while off < count { sum &+= base.load(fromByteOffset: off, as: UInt8.self); off += 4096 }
        blackHoleByte(sum)
        let w = vega_itch_walk_framing(base.assumingMemoryBound(to: UInt8.self), count)
        precondition(w.truncated == 0, "\(path) ends inside a frame")
        messages = w.messages
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: base), count) }

    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }
}

@inline(never) func blackHoleByte(_ b: UInt8) { if b == 0xFF && getpid() == 0 { log("") } }

nonisolated(unsafe) public var sharedFile: MappedITCHFile?

public func loadSharedFile() throws -> MappedITCHFile {
    if let f = sharedFile { return f }
    try ensureInputFile()
    let f = MappedITCHFile(path: itchPath)
    log("market data: \(itchPath): \(f.messages) messages, \(f.count) bytes, mapped and pre-faulted")
    sharedFile = f
    return f
}

// MARK: - Clocks

@inlinable @inline(__always) public func monotonicNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}

/// CPU time of the calling thread (the benchmark thread runs the whole pass).
@inlinable @inline(__always) public func threadCPUNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}

/// TSC ticks per ns, against CLOCK_MONOTONIC over 200 ms; and the median cost in ticks of an
/// empty `vega_tsc_start`/`vega_tsc_end` pair (subtracted from every latency sample).
public struct TSCCalibration: Sendable {
    public let ticksPerNanosecond: Double
    public let emptyPairTicks: UInt64

    public static func measure() -> TSCCalibration {
        let n0 = monotonicNanoseconds(), t0 = vega_tsc_start()
        while monotonicNanoseconds() - n0 < 200_000_000 {}
        let n1 = monotonicNanoseconds(), t1 = vega_tsc_end()
        var pairs = [UInt64](repeating: 0, count: 10_001)
        for i in pairs.indices { let a = vega_tsc_start(); let b = vega_tsc_end(); pairs[i] = b &- a }
        pairs.sort()
        return TSCCalibration(ticksPerNanosecond: Double(t1 &- t0) / Double(n1 - n0), emptyPairTicks: pairs[pairs.count / 2])
    }
}

/// `key` from /proc/self/status in KiB (VmRSS, VmHWM).
public func procStatusKiB(_ key: String) -> Int {
    guard let f = fopen("/proc/self/status", "r") else { return -1 }
    defer { fclose(f) }
    var line = [CChar](repeating: 0, count: 512)
    while fgets(&line, Int32(line.count), f) != nil {
        let s = String(cString: line)
        if s.hasPrefix(key + ":") {
            // "VmRSS:\t  123456 kB"
            let fields = s.dropFirst(key.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
            return Int(fields.first ?? "") ?? -1
        }
    }
    return -1
}

/// Resets VmHWM to the current RSS (Linux ≥ 4.0: write "5" to clear_refs).
public func resetPeakRSS() {
    let fd = open("/proc/self/clear_refs", O_WRONLY)
    if fd >= 0 { _ = write(fd, "5", 1); close(fd) }
}
