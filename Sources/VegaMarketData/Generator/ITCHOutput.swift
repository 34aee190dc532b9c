#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why generating or writing a feed failed, with what a user needs to fix it.
public enum ITCHGeneratorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A configuration value is out of range: which, the value, and what is accepted.
    case invalidConfiguration(field: String, value: String, expected: String)
    /// A file operation failed: the path, the operation and the errno.
    case io(path: String, operation: String, errno: Int32)

    public var description: String {
        switch self {
        case let .invalidConfiguration(field, value, expected):
            "invalid \(field) \(value): expected \(expected)"
        case let .io(path, operation, errno):
            "\(operation) \(path) failed: \(String(cString: strerror(errno))) (errno \(errno))"
        }
    }
}

/// Receives the generated messages one at a time, in order.
///
/// `message` is valid only during the call (the generator reuses one scratch buffer), holds one
/// complete ITCH 5.0 message without framing. The generator calls `finish()` once after the last
/// message so buffered outputs can flush and MoldUDP64 can close its session.
public protocol ITCHMessageSink {
    mutating func write(message: UnsafeRawBufferPointer) throws(ITCHGeneratorError)
    mutating func finish() throws(ITCHGeneratorError)
}

/// Receives MoldUDP64 downstream packets (header included), e.g. to send them or store them.
/// `packet` is valid only during the call.
public protocol MoldUDP64PacketSink {
    mutating func write(packet: UnsafeRawBufferPointer, sequence: UInt64, count: UInt16) throws(ITCHGeneratorError)
    mutating func finish() throws(ITCHGeneratorError)
}

/// Sends every message to two sinks, so one generation pass writes the file and the packets.
public struct ITCHTeeSink<First: ITCHMessageSink, Second: ITCHMessageSink>: ITCHMessageSink {
    public var first: First
    public var second: Second
    public init(_ first: First, _ second: Second) {
        self.first = first
        self.second = second
    }
    public mutating func write(message: UnsafeRawBufferPointer) throws(ITCHGeneratorError) {
        try first.write(message: message)
        try second.write(message: message)
    }
    public mutating func finish() throws(ITCHGeneratorError) {
        try first.finish()
        try second.finish()
    }
}

/// Keeps the messages in memory in NASDAQ's file framing (2-byte big-endian length, then the
/// message): for tests and small feeds. Grows without bound — not for 20 M-message runs.
public struct ITCHMemorySink: ITCHMessageSink {
    public private(set) var bytes: [UInt8] = []
    public private(set) var messageCount = 0
    public init() {}
    public mutating func write(message: UnsafeRawBufferPointer) throws(ITCHGeneratorError) {
        bytes.append(UInt8(truncatingIfNeeded: message.count >> 8))
        bytes.append(UInt8(truncatingIfNeeded: message.count))
        bytes.append(contentsOf: message)
        messageCount += 1
    }
    public mutating func finish() throws(ITCHGeneratorError) {}
}

/// Counts and discards: measures the generator itself.
public struct ITCHDiscardingSink: ITCHMessageSink {
    public private(set) var messageCount: UInt64 = 0
    public private(set) var byteCount: UInt64 = 0
    public init() {}
    public mutating func write(message: UnsafeRawBufferPointer) throws(ITCHGeneratorError) {
        messageCount &+= 1
        byteCount &+= UInt64(message.count)
    }
    public mutating func finish() throws(ITCHGeneratorError) {}
}

/// An append-only file written through a 1 MiB buffer with plain `write(2)`: the generator
/// produces hundreds of MB, and one syscall per message would dominate its cost.
final class BufferedFile {
    let path: String
    private var fd: Int32
    private let buffer: UnsafeMutableRawPointer
    private let capacity = 1 << 20
    private var used = 0
    private(set) var bytesWritten: UInt64 = 0

    init(path: String) throws(ITCHGeneratorError) {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 { throw .io(path: path, operation: "open", errno: errno) }
        buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 64)
    }

    deinit {
        if fd >= 0 { _ = Glibc.close(fd) }
        buffer.deallocate()
    }

    /// Room for `count` more bytes at the returned pointer (flushing first if needed); the caller
    /// then calls `commit(count)`. `count` must not exceed the buffer (64 KiB covers any packet).
    @inline(__always)
    func reserve(_ count: Int) throws(ITCHGeneratorError) -> UnsafeMutableRawPointer {
        if used + count > capacity { try flush() }
        return buffer + used
    }

    @inline(__always)
    func commit(_ count: Int) { used += count }

    func flush() throws(ITCHGeneratorError) {
        var offset = 0
        while offset < used {
            let n = Glibc.write(fd, buffer + offset, used - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, operation: "write", errno: errno)
            }
            offset += n
        }
        bytesWritten += UInt64(used)
        used = 0
    }

    func close() throws(ITCHGeneratorError) {
        try flush()
        guard fd >= 0 else { return }
        let rc = Glibc.close(fd)
        fd = -1
        if rc != 0 { throw .io(path: path, operation: "close", errno: errno) }
    }
}

/// Writes messages to a file in NASDAQ's file framing: each message preceded by its length as a
/// 2-byte big-endian integer (the layout of NASDAQ's historical TotalView-ITCH files).
/// `finish()` flushes and closes the file.
public struct ITCHFileWriter: ITCHMessageSink {
    let file: BufferedFile
    public var path: String { file.path }
    /// Bytes written so far (flushed), framing included.
    public var bytesWritten: UInt64 { file.bytesWritten }

    /// Creates (or truncates) `path`.
    public init(path: String) throws(ITCHGeneratorError) {
        file = try BufferedFile(path: path)
    }

    public mutating func write(message: UnsafeRawBufferPointer) throws(ITCHGeneratorError) {
        try writeFramed(message)
    }

    func writeFramed(_ message: UnsafeRawBufferPointer) throws(ITCHGeneratorError) {
        let p = try file.reserve(2 + message.count)
        p.storeBytes(of: UInt16(message.count).bigEndian, as: UInt16.self)
        (p + 2).copyMemory(from: message.baseAddress!, byteCount: message.count)
        file.commit(2 + message.count)
    }

    public mutating func finish() throws(ITCHGeneratorError) { try file.close() }
}

/// Writes MoldUDP64 packets to a file, each preceded by its length as a 2-byte big-endian
/// integer (the same framing as the ITCH file, one level up): a capture-free way to hand a packet
/// stream to a replayer or a test. `finish()` flushes and closes the file.
public struct MoldUDP64PacketFileWriter: MoldUDP64PacketSink {
    let file: BufferedFile
    public private(set) var packetCount: UInt64 = 0
    public var path: String { file.path }

    public init(path: String) throws(ITCHGeneratorError) {
        file = try BufferedFile(path: path)
    }

    public mutating func write(packet: UnsafeRawBufferPointer, sequence: UInt64, count: UInt16)
        throws(ITCHGeneratorError) {
        let p = try file.reserve(2 + packet.count)
        p.storeBytes(of: UInt16(packet.count).bigEndian, as: UInt16.self)
        (p + 2).copyMemory(from: packet.baseAddress!, byteCount: packet.count)
        file.commit(2 + packet.count)
        packetCount += 1
    }

    public mutating func finish() throws(ITCHGeneratorError) { try file.close() }
}

/// Keeps MoldUDP64 packets in memory (tests, small feeds).
public struct MoldUDP64MemorySink: MoldUDP64PacketSink {
    public private(set) var packets: [[UInt8]] = []
    public private(set) var finished = false
    public init() {}
    public mutating func write(packet: UnsafeRawBufferPointer, sequence: UInt64, count: UInt16)
        throws(ITCHGeneratorError) {
        packets.append(Array(packet))
    }
    public mutating func finish() throws(ITCHGeneratorError) { finished = true }
}
