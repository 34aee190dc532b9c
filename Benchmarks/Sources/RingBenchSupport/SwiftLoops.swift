import CSPSCBaseline
import Synchronization
import VegaCore

// The Swift side's loops. Each mirrors its C twin in vega_spsc_baseline.c statement for
// statement, so the only difference measured is the ring implementation and the language.
// `@_noLocks` makes the compiler prove the specialised ring operations and the clock read
// allocation-, lock- and ARC-free.

public typealias BenchMessage = vega_bench_msg
public typealias BenchRing = SPSCRing<vega_bench_msg>

/// CLOCK_MONOTONIC through VegaCore. The `_unsafePerformance` is needed at the call site:
/// VegaCore exempts its `clock_gettime` call, but once `now()` is inlined into another module
/// the checker sees the C call again (a vDSO read: no allocation, no lock).
@inline(__always)
func monotonicNow() -> UInt64 {
    _unsafePerformance { Timestamp<Monotonic>.now().nanoseconds }
}

@inline(__always)
func stopped(_ stop: UnsafeMutablePointer<Atomic<UInt64>>) -> Bool {
    stop.pointee.load(ordering: .acquiring) != 0
}

/// Peer: pop from `input`, stamp `received_ns`, push back on `output`, until `stop` is set.
@_noLocks
public func swiftEchoLoop(
    input: borrowing BenchRing, output: borrowing BenchRing, stop: UnsafeMutablePointer<Atomic<UInt64>>
) {
    while true {
        if var msg = input.tryPop() {
            msg.received_ns = monotonicNow()
            while !output.tryPush(msg) {
                if stopped(stop) { return }
            }
        } else if stopped(stop) {
            return
        }
    }
}

/// Peer: pop from `input` and publish the running count to `consumed`, until `stop` is set.
@_noLocks
public func swiftSinkLoop(
    input: borrowing BenchRing, stop: UnsafeMutablePointer<Atomic<UInt64>>,
    consumed: UnsafeMutablePointer<Atomic<UInt64>>
) -> UInt64 {
    var count = consumed.pointee.load(ordering: .relaxed)
    var checksum: UInt64 = 0
    while true {
        if let msg = input.tryPop() {
            checksum &+= msg.seq
            count &+= 1
            consumed.pointee.store(count, ordering: .releasing)
        } else if stopped(stop) {
            return checksum
        }
    }
}

/// Producer: `count` round trips through an echo peer, writing one-way (send → peer
/// receive) and round-trip ns per trip. Returns a checksum of the echoed sequence numbers.
@_noLocks
public func swiftPing(
    output: borrowing BenchRing, input: borrowing BenchRing, firstSequence: UInt64, count: Int,
    oneWay: UnsafeMutablePointer<UInt64>, roundTrip: UnsafeMutablePointer<UInt64>
) -> UInt64 {
    var checksum: UInt64 = 0
    var msg = vega_bench_msg()
    for i in 0..<count {
        msg.seq = firstSequence &+ UInt64(i)
        msg.sent_ns = monotonicNow()
        while !output.tryPush(msg) {}
        var reply: vega_bench_msg
        while true {
            if let r = input.tryPop() {
                reply = r
                break
            }
        }
        let back = monotonicNow()
        oneWay[i] = reply.received_ns &- reply.sent_ns
        roundTrip[i] = back &- reply.sent_ns
        checksum &+= reply.seq
    }
    return checksum
}

/// Producer: push `count` messages as fast as the ring accepts them.
@_noLocks
public func swiftProduce(output: borrowing BenchRing, firstSequence: UInt64, count: Int) {
    var msg = vega_bench_msg()
    for i in 0..<count {
        msg.seq = firstSequence &+ UInt64(i)
        while !output.tryPush(msg) {}
    }
}
