import VegaCore

/// Where a session keeps its sequence numbers and the application messages it sent, so that a
/// ResendRequest can be answered and a restart resumes where it stopped.
///
/// The session calls it on its own thread only; implementations need no locking. Errors are
/// reported as ``FIXStoreError`` and end the connection (a session that cannot persist must
/// not keep trading).
public protocol FIXMessageStore: AnyObject {
    /// MsgSeqNum of the next message this side sends (starts at 1).
    var nextSenderSeqNum: Int { get }
    /// MsgSeqNum expected on the next message received (starts at 1).
    var nextTargetSeqNum: Int { get }
    /// When the store was created or last reset (the session period it belongs to).
    var creationTime: Timestamp<UTC> { get }
    func setNextSenderSeqNum(_ value: Int) throws(FIXStoreError)
    func setNextTargetSeqNum(_ value: Int) throws(FIXStoreError)
    /// Keeps `bytes` as the message sent with `seqNum`.
    func save(seqNum: Int, bytes: [UInt8]) throws(FIXStoreError)
    /// The stored messages with sequence numbers in `range`, in order (gaps are admin messages
    /// or messages never stored).
    func messages(in range: ClosedRange<Int>) throws(FIXStoreError) -> [(seqNum: Int, bytes: [UInt8])]
    /// Both sequence numbers back to 1, sent messages dropped, `creationTime` = `now`.
    func reset(now: Timestamp<UTC>) throws(FIXStoreError)
}

/// Why a message store operation failed: the path, the operation and the errno text.
public struct FIXStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var operation: String
    public var message: String

    public init(path: String, operation: String, message: String) {
        self.path = path
        self.operation = operation
        self.message = message
    }

    public var description: String { "message store \(path): \(operation) failed: \(message)" }
}

/// A store in memory: for tests and for sessions that need not survive a restart.
public final class FIXMemoryStore: FIXMessageStore {
    public private(set) var nextSenderSeqNum = 1
    public private(set) var nextTargetSeqNum = 1
    public private(set) var creationTime: Timestamp<UTC>
    var sent: [Int: [UInt8]] = [:]

    public init(now: Timestamp<UTC> = .now()) { creationTime = now }

    public func setNextSenderSeqNum(_ value: Int) { nextSenderSeqNum = value }
    public func setNextTargetSeqNum(_ value: Int) { nextTargetSeqNum = value }
    public func save(seqNum: Int, bytes: [UInt8]) { sent[seqNum] = bytes }
    public func messages(in range: ClosedRange<Int>) -> [(seqNum: Int, bytes: [UInt8])] {
        sent.filter { range.contains($0.key) }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
    public func reset(now: Timestamp<UTC>) {
        nextSenderSeqNum = 1
        nextTargetSeqNum = 1
        sent = [:]
        creationTime = now
    }
}
