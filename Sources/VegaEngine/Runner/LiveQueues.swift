import CVegaNet
import Glibc
import VegaHardware
import VegaMarketData

/// A lane's market-data queue to one live venue: the feed's multicast group (a
/// ``VegaHardware/UDPSocketQueue`` joined on the venue's interface, with SO_TIMESTAMPING) and a
/// second, unicast UDP socket that sends the lane's MoldUDP64 re-requests to the venue's
/// re-request server and receives its answers (the server answers the sender's address; a
/// socket of its own keeps those answers from landing on another lane's multicast socket).
///
/// `receive` reads the group; it reads the re-request socket first on every call for a while
/// after a re-request was sent or answered, and otherwise every 64th call (so a quiet round costs
/// one `recvmmsg` in steady state, and answers are read as soon as they come). `transmit` sends a
/// re-request (throws `EDESTADDRREQ` when the venue has no re-request server). No allocation,
/// no locks: one `recvmmsg` per socket read, one `sendto` per re-request.
///
/// ## Late join
/// A lane that starts after the venue has published (the usual case: `vega venue` runs all day)
/// has missed the session's start — its stock directory above all, without which no book is
/// built — and more messages than the session's reorder window can wait for. So, with a
/// re-request server, the queue first fetches the session from sequence 1 (512 messages per
/// request, one request outstanding), handing each answer to the lane as a packet, until it
/// reaches the first packet waiting on the group socket (peeked) — or, on a quiet group, until
/// the server stops answering (it refuses a request past its last message; a request is sent
/// again after 100 ms, five times). While a later packet already waits on the group, the server
/// holds what is asked for and silence only means it is slow (a starved venue process): the
/// request is then sent again for up to 10 s before the catch-up ends (``catchUpOutcome`` says
/// which way it ended). Meanwhile the group's packets wait in the socket's 16 MiB receive
/// buffer; those the catch-up already delivered are dropped by the session as copies.
/// A server that no longer retains sequence 1 leaves the start missing: the session then
/// reports the gap and gives it up, as it would any loss.
public struct LiveFeedQueue: PacketQueue, ~Copyable {
    var multicast: UDPSocketQueue
    var recovery: UDPSocketQueue
    let hasRecovery: Bool
    let session: MoldUDP64SessionID
    let requestBuffer: UnsafeMutableRawBufferPointer
    /// Late join: the session's messages from sequence 1 are being fetched from the re-request
    /// server before the group is read (see the type's documentation).
    public private(set) var isCatchingUp: Bool
    /// The next sequence number the catch-up asks for (where it ended, once over).
    public private(set) var catchUpNext: UInt64 = 1
    /// Why the catch-up ended (nil while it runs, or when the venue has no re-request server).
    public private(set) var catchUpOutcome: CatchUpOutcome?

    /// Why a late join's catch-up ended: logged with where it ended.
    public enum CatchUpOutcome: String, Sendable {
        /// It reached the first packet waiting on the group.
        case reachedGroup = "reached the group's first waiting packet"
        /// The server stayed silent and nothing waits on the group: nothing more was published.
        case serverQuiet = "the server had nothing more and the group was quiet"
        /// The server stayed silent for 10 s though later packets wait on the group.
        case serverSilentBehindGroup = "the server stopped answering with later packets waiting on the group"
        /// An answer came that moved nothing forward (another session's, or only old messages).
        case answerWithoutProgress = "an answer did not move the catch-up forward"
        /// Sending a request failed.
        case requestFailed = "a request could not be sent"
    }

    mutating func endCatchUp(_ outcome: CatchUpOutcome) {
        isCatchingUp = false
        catchUpOutcome = outcome
    }
    /// When the outstanding catch-up request was sent (lane clock), 0: none outstanding.
    var catchUpSentAt: UInt64 = 0
    var catchUpRetries = 0
    let peekBuffer: UnsafeMutableRawPointer
    /// How long a catch-up request may stay unanswered before it is sent again, and how many
    /// times; then the catch-up is over (the server refuses requests past its last message, so
    /// lasting silence means "nothing more").
    static var catchUpSilenceNanoseconds: UInt64 { 100_000_000 }
    static var catchUpRetries: Int { 5 }
    /// Re-sends before giving up while the group already shows later packets (10 s at 100 ms;
    /// the lane's own catch-up bound, 20 s, is above it).
    static var catchUpRetriesBehindGroup: Int { 100 }
    var calls: UInt32 = 0
    /// Reads of the re-request socket still to make on every call: set after a request or an
    /// answer, counted down by empty reads (a request's answers are read at once, not every
    /// 64th call; the session re-sends after 2 ms and gives a range up after 3 tries).
    var answersExpected: UInt32 = 0
    static var answerWindow: UInt32 { 100_000 }

    /// Opens and joins (off the lane).
    /// - Throws: `HardwareSetupError` naming the socket call that failed and errno's text.
    public init(_ venue: EnginePlan.LiveVenue, session: MoldUDP64SessionID) throws(HardwareSetupError) {
        // A large receive buffer: the group's packets wait in it while a late join catches up.
        let group = try UDPSocketQueue(.init(bind: venue.lineA, multicastGroup: venue.lineA, interface: venue.interface,
                                             timestamping: venue.timestamping, receiveBufferBytes: 16 << 20))
        let requests = try UDPSocketQueue(.init(bind: .any, destination: venue.recovery,
                                                timestamping: venue.timestamping == .none ? .none : .software))
        multicast = group
        recovery = requests
        hasRecovery = venue.recovery != nil
        isCatchingUp = hasRecovery
        self.session = session
        requestBuffer = .allocate(byteCount: MoldUDP64.requestLength, alignment: 8)
        peekBuffer = .allocate(byteCount: 64, alignment: 8)
    }

    deinit {
        requestBuffer.deallocate()
        peekBuffer.deallocate()
    }

    public mutating func receive(into batch: inout RxBatch) throws(HardwareError) -> Int {
        if isCatchingUp { return try catchUp(into: &batch) }
        calls &+= 1
        if hasRecovery && (answersExpected > 0 || calls & 63 == 0) {
            let r = try recovery.receive(into: &batch)
            if r > 0 {
                answersExpected = Self.answerWindow
                return r
            }
            if answersExpected > 0 { answersExpected &-= 1 }
        }
        return try multicast.receive(into: &batch)
    }

    public mutating func transmit(_ frame: UnsafeRawBufferPointer) throws(HardwareError) -> UInt32 {
        guard hasRecovery else { throw HardwareError("sendto", code: EDESTADDRREQ) }
        answersExpected = Self.answerWindow
        return try recovery.transmit(frame)
    }

    /// One step of the late join: ask for the next messages if nothing is outstanding, hand
    /// over an answer when one came (the lane's MoldUDP64 session takes it like any packet, in
    /// order from sequence 1), end the catch-up when the server stays silent. Off the steady
    /// state: only before the first group packet is read.
    mutating func catchUp(into batch: inout RxBatch) throws(HardwareError) -> Int {
        let now = engineMonotonicNanoseconds()
        if catchUpSentAt == 0 {
            let n = MoldUDP64Encoder.request(into: requestBuffer, session: session, sequence: catchUpNext,
                                             count: Self.catchUpMessagesPerRequest)
            do throws(HardwareError) {
                _ = try recovery.transmit(UnsafeRawBufferPointer(rebasing: requestBuffer[0..<n]))
            } catch {
                endCatchUp(.requestFailed)
                throw error
            }
            catchUpSentAt = now
        }
        let n = try recovery.receive(into: &batch)
        guard n > 0 else {
            if now &- catchUpSentAt > Self.catchUpSilenceNanoseconds {
                // Unanswered: ask again (a loaded venue may be slow), then take silence as the end
                // — soon on a quiet group, but much later when a packet beyond what was fetched
                // already waits on the group: the server then holds the messages asked for and
                // is only slow (a starved venue process), and ending here would leave the
                // session's start, its stock directory, to the session's millisecond re-requests.
                catchUpRetries &+= 1
                catchUpSentAt = 0
                let waiting = groupSequence()
                if let waiting, catchUpNext >= waiting {
                    endCatchUp(.reachedGroup)
                } else if catchUpRetries > (waiting == nil ? Self.catchUpRetries : Self.catchUpRetriesBehindGroup) {
                    endCatchUp(waiting == nil ? .serverQuiet : .serverSilentBehindGroup)
                }
            }
            return 0
        }
        var advanced = false
        for i in 0..<n {
            let bytes = batch[i].bytes
            guard bytes.count >= MoldUDP64.headerLength, let p = bytes.baseAddress,
                  MoldUDP64SessionID(readingFrom: p) == session else { continue }
            let sequence = UInt64(bigEndian: p.loadUnaligned(fromByteOffset: 10, as: UInt64.self))
            let count = UInt16(bigEndian: p.loadUnaligned(fromByteOffset: 18, as: UInt16.self))
            guard count != MoldUDP64.heartbeatCount, count != MoldUDP64.endOfSessionCount else { continue }
            if sequence &+ UInt64(count) > catchUpNext {
                catchUpNext = sequence &+ UInt64(count)
                advanced = true
            }
        }
        if advanced {
            catchUpSentAt = 0
            catchUpRetries = 0
            if reachedGroup() { endCatchUp(.reachedGroup) }
        } else {
            endCatchUp(.answerWithoutProgress)
        }
        return n
    }

    /// Whether the catch-up has reached the first packet waiting on the group socket (peeked,
    /// not read): from there on the group itself carries the session.
    func reachedGroup() -> Bool {
        guard let sequence = groupSequence() else { return false }
        return catchUpNext >= sequence
    }

    /// The sequence number of the first packet waiting on the group socket (peeked, not read);
    /// nil when none is waiting or it is not this session's.
    func groupSequence() -> UInt64? {
        let got = recv(multicast.fd, peekBuffer, 20, Int32(MSG_PEEK | MSG_DONTWAIT))
        guard got >= 20, MoldUDP64SessionID(readingFrom: peekBuffer) == session else { return nil }
        return UInt64(bigEndian: peekBuffer.loadUnaligned(fromByteOffset: 10, as: UInt64.self))
    }

    static var catchUpMessagesPerRequest: UInt16 { 512 }

    /// The re-request socket's TX stamps (the group socket never sends).
    public mutating func drainTxTimestamps(into stamps: UnsafeMutableBufferPointer<TxTimestamp>) throws(HardwareError) -> Int {
        try recovery.drainTxTimestamps(into: stamps)
    }

    /// The multicast socket's: what stamps the feed gets.
    public var info: PacketQueueInfo { multicast.info }
    /// Why hardware RX stamps are off when they were asked for (`nil`: on, or not asked for).
    public var hardwareUnavailableReason: String? { multicast.timestamping.hardwareUnavailableReason }
    /// Whether the kernel is stamping what the feed receives.
    public var softwareStamps: Bool { multicast.timestamping.software }
}

/// A lane's order-entry queue to one live venue: a ``VegaHardware/TCPSocketQueue`` (software TX
/// stamps on, OPT_ID counting bytes) that notices when the connection is lost and can be
/// reconnected without blocking the lane.
///
/// While connected it is the TCP queue, plus a note in the lane's ``LiveTxSendLog`` on every
/// send (for ``LiveLaneTap``'s TX stamps). A receive or send that fails with anything but "would
/// block" marks it disconnected (``isConnected``, ``lastError``) and rethrows (the lane counts
/// it); while disconnected, `receive` returns nothing and `transmit` throws `ENOTCONN` (the lane
/// keeps the bytes in its outbox, and the session refuses new orders). ``reconnectStep()``
/// drives a non-blocking connect, one step per call. No allocation, no locks on the lane path.
public struct LiveOrderEntryQueue: PacketQueue, ~Copyable {
    var socket: TCPSocketQueue
    /// Whether the connection is up.
    public private(set) var isConnected = true
    /// The failure that took it down.
    public private(set) var lastError: HardwareError?
    public let remote: IPv4Endpoint
    let venue: Int
    let sendLog: UnsafeMutablePointer<LiveTxSendLog>
    /// A non-blocking connect in progress (-1: none).
    var connecting: Int32 = -1
    /// While true, `transmit` sends nothing and throws `EAGAIN` (the lane keeps the bytes): the
    /// SoupBinTCP login waits until the lane's feeds have caught up (a late join), so no
    /// strategy trades on the replayed start of the day.
    public var holdTransmits: Bool

    /// What one ``reconnectStep()`` achieved.
    public enum ReconnectStep: Equatable {
        case connected
        case inProgress
        /// The attempt failed with this errno (the next call starts a new one).
        case failed(Int32)
    }

    /// Connects (blocking, off the lane) to `remote`.
    /// - Throws: `HardwareSetupError` ("connect 127.0.0.1:15001: Connection refused").
    public init(venue: Int, remote: IPv4Endpoint, sendLog: UnsafeMutablePointer<LiveTxSendLog>, holdTransmits: Bool = false)
        throws(HardwareSetupError)
    {
        socket = try TCPSocketQueue(connectTo: remote, timestamping: .software)
        self.holdTransmits = holdTransmits
        self.remote = remote
        self.venue = venue
        self.sendLog = sendLog
    }

    deinit { if connecting >= 0 { close(connecting) } }

    public mutating func receive(into batch: inout RxBatch) throws(HardwareError) -> Int {
        guard isConnected else {
            batch.setCount(0)
            return 0
        }
        do throws(HardwareError) {
            return try socket.receive(into: &batch)
        } catch {
            lost(error)
            throw error
        }
    }

    public mutating func transmit(_ frame: UnsafeRawBufferPointer) throws(HardwareError) -> UInt32 {
        guard isConnected else { throw HardwareError("send", code: ENOTCONN) }
        guard !holdTransmits else { throw HardwareError("send", code: EAGAIN) }
        do throws(HardwareError) {
            let id = try socket.transmit(frame)
            sendLog.pointee = LiveTxSendLog(venue: venue, id: id, sends: sendLog.pointee.sends &+ 1)
            return id
        } catch {
            if error.code != EAGAIN && error.code != EWOULDBLOCK && error.code != EINTR { lost(error) }
            throw error
        }
    }

    public mutating func drainTxTimestamps(into stamps: UnsafeMutableBufferPointer<TxTimestamp>) throws(HardwareError) -> Int {
        guard isConnected else { return 0 }
        return try socket.drainTxTimestamps(into: stamps)
    }

    public var info: PacketQueueInfo { socket.info }

    mutating func lost(_ error: HardwareError) {
        guard isConnected else { return }
        isConnected = false
        lastError = error
        // Nothing more is read or sent on it; the descriptor closes when it is replaced.
        shutdown(socket.fd, Int32(SHUT_RDWR))
    }

    /// Takes the connection down from our side (the session above it ended while the socket
    /// was still up: a protocol violation, the venue gone silent).
    public mutating func drop(reason: HardwareError) { lost(reason) }

    /// One step of reconnecting (call while ``isConnected`` is false): starts a non-blocking
    /// connect, or checks the one in progress. On `.connected` the queue is a fresh TCP queue
    /// (TX stamps on, the OPT_ID byte count from 0) and ``isConnected`` is true. Off the tick
    /// path (a socket, a connect, a poll); never blocks.
    public mutating func reconnectStep() -> ReconnectStep {
        if connecting < 0 {
            let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { return .failed(errno) }
            var addr = remote.sockaddr
            let rc = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            if rc != 0 && errno != EINPROGRESS {
                let e = errno
                close(fd)
                return .failed(e)
            }
            connecting = fd
            if rc != 0 { return .inProgress }
        } else {
            var p = pollfd(fd: connecting, events: Int16(POLLOUT), revents: 0)
            guard poll(&p, 1, 0) == 1 else { return .inProgress }
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(connecting, SOL_SOCKET, SO_ERROR, &error, &length)
            if error != 0 {
                close(connecting)
                connecting = -1
                return .failed(error)
            }
        }
        let fd = connecting
        connecting = -1
        do throws(HardwareSetupError) {
            socket = try TCPSocketQueue(adopting: fd, peer: remote.description, timestamping: .software)
        } catch {
            if case .system(let code) = error.kind { return .failed(code) }
            return .failed(EINVAL)
        }
        isConnected = true
        lastError = nil
        return .connected
    }
}
