import VegaCore
import VegaHardware

/// A MoldUDP64 feed on packet queues: line A and optionally line B (two copies of one session),
/// and a recovery queue to the re-request server whose answers come back on it.
///
/// `poll(now:)` is one round of a lane: receive what each queue has (one batch each), run every
/// datagram through the session (A/B arbitration, reorder, gap detection), hand in-order messages
/// to `Consumer` with the frame's NIC / kernel stamps, run the session's timers, and send at most
/// one request packet. No threads, no clock reads (`now` is the lane's monotonic ns), no
/// allocation, no locks, no existentials: the queues and the consumer are generic parameters, so
/// each backend's `receive` and the consumer's `consume` specialise and inline.
///
/// Queue failures (a `receive` or `transmit` that throws) are counted, not thrown: a lane keeps
/// polling, and a failed request is retried by the session's timeout like a lost one.
public struct FeedHandler<
    Line: PacketQueue & ~Copyable, Recovery: PacketQueue & ~Copyable, Consumer: MarketDataMessageConsumer & ~Copyable
>: ~Copyable {
    public struct Counters: Sendable, Equatable {
        public var polls: UInt64 = 0
        public var framesA: UInt64 = 0
        public var framesB: UInt64 = 0
        public var framesRecovery: UInt64 = 0
        public var requestsSent: UInt64 = 0
        /// Requests the session wanted but there was no recovery queue, or its transmit failed.
        public var requestsUnsent: UInt64 = 0
        public var receiveErrors: UInt64 = 0
        public init() {}
    }

    public var session: MoldUDP64Session
    public var output: FeedHandlerOutput<Consumer>
    public var lineA: Line
    public var lineB: Line?
    public var recovery: Recovery?
    public var counters: Counters { _counters }
    @usableFromInline var _counters: Counters = Counters()
    @usableFromInline var batch: RxBatch
    // Flags rather than `!= nil`: comparing a noncopyable optional with nil is a generic call.
    @usableFromInline let hasLineB: Bool
    @usableFromInline let hasRecovery: Bool
    @usableFromInline let requestBuffer: UnsafeMutableRawBufferPointer

    /// Takes ownership of the queues and the consumer; allocates the receive batch
    /// (`batchCapacity` frames of `slotSize` bytes), the session's reorder buffer and the event ring.
    public init(
        session configuration: MoldUDP64SessionConfiguration, lineA: consuming Line, lineB: consuming Line?,
        recovery: consuming Recovery?, consumer: consuming Consumer, batchCapacity: Int = 32, slotSize: Int = 2048,
        eventCapacity: Int = 256
    ) throws(HardwareSetupError) {
        batch = try RxBatch(capacity: batchCapacity, slotSize: slotSize)
        session = MoldUDP64Session(configuration)
        output = FeedHandlerOutput(consumer: consumer, eventCapacity: eventCapacity)
        self.lineA = lineA
        hasLineB = lineB != nil
        hasRecovery = recovery != nil
        self.lineB = lineB
        self.recovery = recovery
        requestBuffer = .allocate(byteCount: MoldUDP64.requestLength, alignment: 8)
    }

    deinit { requestBuffer.deallocate() }

    /// The stamps of a received frame, in the form every book event carries.
    @inlinable
    public static func times(of frame: RxFrame) -> EventTimes { EventTimes(frame: frame) }

    /// One round: each queue's waiting frames (up to one batch per queue), the session's timers,
    /// and the request they call for. `now`: the lane's monotonic ns. Returns the frames received.
    @inlinable
    public mutating func poll(now: UInt64) -> Int {
        _counters.polls &+= 1
        var frames = 0
        do {
            let n = try lineA.receive(into: &batch)
            _counters.framesA &+= UInt64(n)
            frames &+= n
            process(n, line: .a, now: now)
        } catch { _counters.receiveErrors &+= 1 }
        if hasLineB {
            do {
                let n = try lineB!.receive(into: &batch)
                _counters.framesB &+= UInt64(n)
                frames &+= n
                process(n, line: .b, now: now)
            } catch { _counters.receiveErrors &+= 1 }
        }
        if hasRecovery {
            do {
                let n = try recovery!.receive(into: &batch)
                _counters.framesRecovery &+= UInt64(n)
                frames &+= n
                process(n, line: .retransmission, now: now)
            } catch { _counters.receiveErrors &+= 1 }
        }
        session.poll(now: now, output: &output)
        sendPendingRequest()
        return frames
    }

    @inlinable
    mutating func process(_ n: Int, line: MoldUDP64Line, now: UInt64) {
        for i in 0..<n {
            let frame = batch[i]
            session.receive(datagram: frame.bytes, truncated: frame.isTruncated, line: line,
                            frameTimes: Self.times(of: frame), now: now, output: &output)
        }
    }

    @inlinable
    mutating func sendPendingRequest() {
        guard output.hasPendingRequest else { return }
        output.hasPendingRequest = false
        let length = MoldUDP64Encoder.request(into: requestBuffer, session: output.pendingSession,
                                              sequence: output.pendingSequence, count: output.pendingCount)
        guard hasRecovery else {
            _counters.requestsUnsent &+= 1
            return
        }
        do {
            _ = try recovery!.transmit(UnsafeRawBufferPointer(rebasing: requestBuffer[0..<length]))
            _counters.requestsSent &+= 1
        } catch {
            _counters.requestsUnsent &+= 1
        }
    }
}

