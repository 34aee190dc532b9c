import CVegaFPGA
import CVegaSys
import Glibc
import VegaCore
import VegaHardware

/// HardwareSim's FPGA feed handler: writes a stream of plausible L2 events (`FPGAEventSource`)
/// into an FPGA event ring file at a configured rate, with heartbeats, from its own process —
/// what `vega sim fpga --ring PATH --events N --rate R --seed S` runs.
///
/// Time: with `.simulated` stamps (the default) event `n`'s hardware time is a `SimPHC`'s time
/// at `SimClock.defaultStart + n × spacing` (spacing 1/rate, or 1 µs unpaced), so the whole
/// stream — stamps included — is a pure function of the options and a reader can regenerate and
/// check every event. With `.realClock` it is CLOCK_TAI at the moment of writing. Pacing always
/// follows the real monotonic clock; the header heartbeat is always real CLOCK_REALTIME, because
/// readers judge the writer's liveness by it.
public enum FPGASimulator {
    public enum Stamping: String, Sendable, CaseIterable {
        /// SimPHC time on a simulated clock: deterministic.
        case simulated
        /// CLOCK_TAI when written: realistic, not reproducible.
        case realClock
    }

    public struct Options: Sendable, Equatable {
        /// The ring file to create (normally /dev/shm/…).
        public var ringPath: String
        /// Events to write before returning.
        public var events: UInt64
        /// Events per second; 0 writes as fast as possible.
        public var rate: Double
        public var seed: UInt64
        /// Ring slots, a power of two (the hardware's default ring is 64 Ki slots, 4 MiB).
        public var slotCount: UInt64
        public var instruments: Int
        /// Header heartbeat period, real ns.
        public var heartbeatIntervalNanoseconds: UInt64
        public var stamping: Stamping

        public init(ringPath: String, events: UInt64, rate: Double = 0, seed: UInt64 = 1, slotCount: UInt64 = 65_536,
                    instruments: Int = 8, heartbeatIntervalNanoseconds: UInt64 = 100_000_000, stamping: Stamping = .simulated) {
            self.ringPath = ringPath
            self.events = events
            self.rate = rate
            self.seed = seed
            self.slotCount = slotCount
            self.instruments = instruments
            self.heartbeatIntervalNanoseconds = heartbeatIntervalNanoseconds
            self.stamping = stamping
        }

        /// Why these options cannot run, or nil.
        public var problem: String? {
            if ringPath.isEmpty { return "--ring is empty; expected a file path such as /dev/shm/vega-fpga" }
            if !(rate >= 0) || !rate.isFinite { return "--rate is \(rate); expected events per second ≥ 0 (0: unpaced)" }
            if slotCount == 0 || slotCount & (slotCount - 1) != 0 { return "slot count \(slotCount) is not a power of two" }
            if instruments < 1 { return "instruments is \(instruments); expected ≥ 1" }
            return nil
        }

        /// Simulated time between events, ns.
        public var spacingNanoseconds: UInt64 { rate > 0 ? Swift.max(1, UInt64((1e9 / rate).rounded())) : 1_000 }

        public var sourceConfiguration: FPGAEventSource.Configuration {
            .init(seed: seed, instruments: instruments)
        }
    }

    public struct Summary: Sendable, Equatable {
        public var eventsWritten: UInt64
        public var heartbeats: UInt64
        /// Real time spent writing, ns.
        public var elapsedNanoseconds: UInt64
    }

    /// The event stream `run` writes for `options` under `.simulated` stamping, for readers that
    /// verify it: call `next()` once per event number, in order.
    public struct ExpectedEvents {
        var source: FPGAEventSource
        let clock: SimClock
        let phc: SimPHC
        let spacing: UInt64

        public init(_ options: Options) {
            source = FPGAEventSource(options.sourceConfiguration)
            clock = SimClock()
            phc = SimPHC(clock: clock, .init(seed: options.seed))
            spacing = options.spacingNanoseconds
        }

        /// The next event `run` writes.
        public mutating func next() -> FPGAEvent {
            clock.advance(by: spacing)
            return source.next(hardwareTimestamp: phc.time(atSystemTime: clock.now).nanoseconds, wallClock: clock.now.nanoseconds)
        }
    }

    /// Creates the ring and writes `options.events` events, paced and heartbeating, then returns.
    /// Throws when the options are unusable or the file cannot be created. Blocks the calling
    /// thread for the run (events / rate seconds).
    @discardableResult
    public static func run(_ options: Options) throws(HardwareSetupError) -> Summary {
        if let problem = options.problem { throw HardwareSetupError(.invalid, "vega sim fpga", problem) }
        var writer = try FPGARingWriter(path: options.ringPath, slotCount: options.slotCount)
        var expected = ExpectedEvents(options)
        let start = Timestamp<Monotonic>.now().nanoseconds
        var heartbeats: UInt64 = 0
        var nextHeartbeat = start
        let period = options.rate > 0 ? 1e9 / options.rate : 0
        var i: UInt64 = 0
        while i < options.events {
            var now = Timestamp<Monotonic>.now().nanoseconds
            if now >= nextHeartbeat {
                writer.heartbeat(nanoseconds: Timestamp<UTC>.now().nanoseconds)
                heartbeats += 1
                nextHeartbeat = now &+ options.heartbeatIntervalNanoseconds
            }
            if period > 0 {
                let due = start &+ UInt64(Double(i) * period)
                // Sleep while far from the due time, spin the last stretch: a paced feed must not
                // drift, and nanosleep alone overshoots by tens of µs.
                while now < due {
                    let left = due - now
                    if left > 200_000 { sleep(nanoseconds: Swift.min(left - 100_000, options.heartbeatIntervalNanoseconds)) } else { vega_cpu_relax() }
                    now = Timestamp<Monotonic>.now().nanoseconds
                    if now >= nextHeartbeat {
                        writer.heartbeat(nanoseconds: Timestamp<UTC>.now().nanoseconds)
                        heartbeats += 1
                        nextHeartbeat = now &+ options.heartbeatIntervalNanoseconds
                    }
                }
            }
            var event = expected.next()
            if options.stamping == .realClock {
                event.hw_timestamp_ns = SystemClock.read(CLOCK_TAI)
                event.exchange_timestamp_ns = (Timestamp<UTC>.now().nanoseconds &- 20_000) % 86_400_000_000_000
            }
            writer.write(event)
            i += 1
        }
        writer.heartbeat(nanoseconds: Timestamp<UTC>.now().nanoseconds)
        heartbeats += 1
        return Summary(eventsWritten: writer.written, heartbeats: heartbeats, elapsedNanoseconds: Timestamp<Monotonic>.now().nanoseconds - start)
    }

    static func sleep(nanoseconds: UInt64) {
        var ts = timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
        _ = nanosleep(&ts, nil)
    }
}
