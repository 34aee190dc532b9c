import Glibc
import Logging
import Synchronization
import VegaCore
import VegaHardware
import VegaHardwareSim

/// Runs a VenueNode on its own thread over HardwareSim shared-memory frame rings (files in a
/// directory it owns): one market-data ring (its RX side carries MoldUDP64 packets to the engine;
/// what the engine transmits on it are re-requests, answered on it) and one order-entry ring per
/// configured firm (engine transmits SoupBinTCP client bytes, receives the server's). The engine
/// opens them with `SharedMemoryFrameQueue(path:)`. Wire latency (configured, e.g. 120 µs) applies
/// both ways: frames to the engine via the writer's SimImpairments delay with the writer's SimClock
/// following real CLOCK_MONOTONIC time; frames from the engine are held until their arrival time.
///
/// Time: the rings' simulated clock reads CLOCK_MONOTONIC nanoseconds (labelled UTC, as
/// `SimClock` is), so the software RX stamps the engine sees are monotonic times comparable with
/// its own `Timestamp<Monotonic>.now()`. The node's `now` is the same clock.
///
/// Order entry over a ring: each ring is one SoupBinTCP connection at a time. When the venue ends
/// it (login refused, logout, end of session…) the host opens a new connection on the same ring,
/// so the engine can log in again. The SoupBinTCP byte stream is cut into frames of at most the
/// ring's slot size; the engine concatenates what it receives.
///
/// The venue thread busy-polls and sleeps 20 µs when a turn found nothing to do. Off the lane;
/// it allocates (held frames, the node's own work).
public final class VenueSimHost {
    public let configuration: VenueNodeConfiguration
    public let directory: String
    public let wireLatencyNanoseconds: UInt64
    public var marketDataPath: String { "\(directory)/marketdata.ring" }

    /// The `now` at which the venue opened (set by ``start()``); with
    /// `VenueNode.timeOfDay(_:)`'s rule it maps ITCH/OUCH timestamps back to monotonic time.
    public private(set) var openedAt: UInt64?

    /// Monotonic nanoseconds of an ITCH/OUCH timestamp this venue sent (after ``start()``).
    public func monotonicTime(ofTimeOfDay timeOfDay: UInt64) -> UInt64? {
        guard let openedAt else { return nil }
        let day: UInt64 = 86_400_000_000_000
        let elapsed = (timeOfDay &+ day &- configuration.timeOfDayAtOpen) % day
        return openedAt &+ elapsed
    }

    /// One ring's writer (a class: writers are `~Copyable` and live in an array).
    final class Ring {
        var writer: SharedMemoryFrameWriter
        init(_ writer: consuming SharedMemoryFrameWriter) { self.writer = writer }
    }

    final class Rings {
        let clock: SimClock
        let marketData: Ring
        var orderEntry: [Ring] = []
        init(clock: SimClock, marketData: Ring) {
            self.clock = clock
            self.marketData = marketData
        }
    }

    /// A frame the engine transmitted, waiting for its arrival at the venue.
    struct Held {
        var arrival: UInt64
        /// Index of the order-entry ring, or -1 for the market-data ring (a re-request).
        var ring: Int
        var bytes: [UInt8]
    }

    private let node: VenueNode
    private let rings: Rings
    private let slotSize: Int
    private var connections: [VenueConnectionID?]
    private var held: [Held] = []
    private var heldHead = 0
    private let stopRequested = Atomic<Bool>(false)
    private var thread: pthread_t?
    private var finalStatistics: VenueNodeStatistics?
    private let logger: Logger

    /// Creates `directory` if needed and the rings in it (`marketdata.ring`,
    /// `orderentry-<username>.ring`, replacing files of those names), and the node.
    /// - Throws: `VenueNodeError` naming the bad configuration field, or the ring that could not
    ///   be made and why.
    public init(configuration: VenueNodeConfiguration, directory: String, wireLatencyNanoseconds: UInt64) throws {
        self.configuration = configuration
        self.directory = directory
        self.wireLatencyNanoseconds = wireLatencyNanoseconds
        logger = Logger(label: "vega.venue.\(configuration.name).host")
        node = try VenueNode(configuration: configuration)
        if mkdir(directory, 0o755) != 0 && errno != EEXIST {
            throw VenueNodeError.host(operation: "create directory", path: directory, reason: String(cString: strerror(errno)))
        }
        let clock = SimClock(start: Timestamp(nanoseconds: Timestamp<Monotonic>.now().nanoseconds))
        slotSize = 2048
        func writer(_ path: String, slots: Int) throws -> Ring {
            var c = SharedMemoryFrameWriter.Configuration(slotCount: slots, slotSize: 2048, wireCapacity: 8192)
            c.impairments = SimImpairments(delayNanoseconds: wireLatencyNanoseconds)
            do throws(HardwareSetupError) {
                return Ring(try SharedMemoryFrameWriter(path: path, clock: clock, c))
            } catch {
                throw VenueNodeError.host(operation: "create frame ring", path: path, reason: "\(error)")
            }
        }
        rings = Rings(clock: clock, marketData: try writer("\(directory)/marketdata.ring", slots: 4096))
        for firm in configuration.firms {
            rings.orderEntry.append(try writer("\(directory)/orderentry-\(firm.username).ring", slots: 1024))
        }
        connections = Array(repeating: nil, count: configuration.firms.count)
    }

    /// The order-entry ring of the firm with `username` (case-insensitive), or nil.
    public func orderEntryPath(firm username: String) -> String? {
        guard let firm = configuration.firms.first(where: { $0.username.uppercased() == username.uppercased() }) else {
            return nil
        }
        return "\(directory)/orderentry-\(firm.username).ring"
    }

    /// Opens the venue (start of day at the present monotonic time) and starts the venue thread
    /// (busy loop with a short sleep when idle). Call once.
    public func start() {
        precondition(thread == nil && finalStatistics == nil, "VenueSimHost.start() called twice")
        let now = advanceClock()
        let rings = self.rings
        node.marketDataOutput = { bytes in _ = rings.marketData.writer.inject(bytes) }
        node.open(now: now)
        // After open: a connection's login timer starts at the node's present.
        for i in configuration.firms.indices { connect(i) }
        openedAt = now
        rings.marketData.writer.pump()
        let box = Unmanaged.passRetained(self)
        var t = pthread_t()
        let rc = pthread_create(&t, nil, { raw in
            let host = Unmanaged<VenueSimHost>.fromOpaque(raw!).takeRetainedValue()
            host.run()
            return nil
        }, box.toOpaque())
        if rc != 0 {
            box.release()
            logger.error("venue \(configuration.name): cannot start the venue thread (pthread_create: \(rc)); running nothing")
            return
        }
        thread = t
    }

    /// Ends the session (the node's close: end-of-day cancels and system events, MoldUDP64 end of
    /// session, SoupBinTCP end of session), lets the rings deliver what is still on the wire (up
    /// to 100 ms), joins the thread and returns the node's statistics.
    public func stop() -> VenueNodeStatistics {
        if let finalStatistics { return finalStatistics }
        if let t = thread {
            stopRequested.store(true, ordering: .releasing)
            pthread_join(t, nil)
            thread = nil
        } else {
            shutDown()
        }
        let s = node.statistics
        finalStatistics = s
        return s
    }

    deinit {
        if let t = thread {
            stopRequested.store(true, ordering: .releasing)
            pthread_join(t, nil)
        }
    }

    // MARK: The venue thread

    private func advanceClock() -> UInt64 {
        let now = Timestamp<Monotonic>.now().nanoseconds
        rings.clock.advance(to: Timestamp(nanoseconds: now))
        return rings.clock.now.nanoseconds
    }

    private func connect(_ ring: Int) {
        let rings = self.rings
        let slot = slotSize
        connections[ring] = node.connect(send: { bytes in
            var offset = 0
            while offset < bytes.count {
                let n = min(slot, bytes.count - offset)
                rings.orderEntry[ring].writer.inject(UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + n)]))
                offset += n
            }
        }, closed: { [unowned self] _ in
            // The venue ended this connection: the next bytes on the ring are a new one.
            self.connections[ring] = nil
        })
    }

    private func run() {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: slotSize, alignment: 16)
        defer { buffer.deallocate() }
        while !stopRequested.load(ordering: .acquiring) {
            if turn(buffer) == 0 {
                var ts = timespec(tv_sec: 0, tv_nsec: 20_000)
                nanosleep(&ts, nil)
            }
        }
        shutDown()
    }

    /// One loop turn: read what the engine sent, deliver what has arrived, step the node, pump
    /// the rings. Returns how much happened (0 = idle).
    private func turn(_ buffer: UnsafeMutableRawBufferPointer) -> Int {
        let now = advanceClock()
        var work = 0
        for ring in 0..<rings.orderEntry.count {
            while let n = rings.orderEntry[ring].writer.readOutbound(into: buffer) {
                held.append(Held(arrival: now + wireLatencyNanoseconds, ring: ring, bytes: Array(buffer[0..<min(n, buffer.count)])))
                work += 1
            }
        }
        while let n = rings.marketData.writer.readOutbound(into: buffer) {
            held.append(Held(arrival: now + wireLatencyNanoseconds, ring: -1, bytes: Array(buffer[0..<min(n, buffer.count)])))
            work += 1
        }
        // Every frame has the same latency, so arrival order is read order.
        while heldHead < held.count && held[heldHead].arrival <= now {
            let h = held[heldHead]
            heldHead += 1
            work += 1
            if h.ring < 0 {
                let rings = self.rings
                h.bytes.withUnsafeBytes { node.answerRequest($0) { _ = rings.marketData.writer.inject($0) } }
            } else {
                if connections[h.ring] == nil { connect(h.ring) }
                h.bytes.withUnsafeBytes { node.receive($0, on: connections[h.ring]!, now: now) }
            }
        }
        if heldHead == held.count {
            held.removeAll(keepingCapacity: true)
            heldHead = 0
        } else if heldHead > 4096 {
            held.removeFirst(heldHead)
            heldHead = 0
        }
        node.step(now: now)
        work += rings.marketData.writer.pump()
        for ring in 0..<rings.orderEntry.count { work += rings.orderEntry[ring].writer.pump() }
        return work
    }

    /// Closes the node and pumps the rings until the wire is empty (at most 100 ms).
    private func shutDown() {
        let now = advanceClock()
        node.close(now: now)
        let deadline = now + 100_000_000
        while true {
            let t = advanceClock()
            rings.marketData.writer.pump()
            var inFlight = rings.marketData.writer.inFlight
            for ring in 0..<rings.orderEntry.count {
                rings.orderEntry[ring].writer.pump()
                inFlight += rings.orderEntry[ring].writer.inFlight
            }
            if inFlight == 0 || t >= deadline { break }
            var ts = timespec(tv_sec: 0, tv_nsec: 20_000)
            nanosleep(&ts, nil)
        }
        logger.info("venue \(configuration.name): host stopped")
    }
}
