#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a file could not be opened for reading. Thrown only at setup, never on the walk.
public struct ITCHFileError: Error, CustomStringConvertible, Sendable {
    /// The file.
    public var path: String
    /// What was being done ("open", "fstat", "mmap").
    public var operation: String
    /// The errno it failed with.
    public var errno: Int32

    public var description: String {
        "cannot \(operation) ITCH file \(path): \(String(cString: strerror(errno))) (errno \(errno))"
    }
}

/// One step of a walk over NASDAQ's file framing.
@frozen
public enum ITCHFrameStep: BitwiseCopyable {
    /// The next message's bytes (the length prefix excluded). Valid while the reader lives.
    case message(UnsafeRawBufferPointer)
    /// The file ended exactly at a frame boundary.
    case end
    /// The last frame's 2-byte length (or the length itself) runs past the end of the file; the
    /// walk stops here (``ITCHReject/truncatedFrame``). Nothing after it can be framed.
    case truncatedFrame(offset: Int)
}

/// Walks an ITCH 5.0 file in NASDAQ's file framing (each message preceded by its length as a
/// 2-byte big-endian integer), over a read-only memory mapping.
///
/// Opening maps the whole file (setup: allocates, makes syscalls, may throw). The walk itself
/// (`next`, `decodeNext`) is a bounds check and two loads per message: no allocation, no
/// syscalls (page faults aside: the mapping is advised sequential so the kernel reads ahead).
/// A message the decoder refuses is skipped by its frame length, so the walk never loses sync;
/// only a truncated final frame ends it early.
public struct ITCHFileReader: ~Copyable {
    @usableFromInline let start: UnsafeRawPointer?
    @usableFromInline let count: Int
    @usableFromInline var _offset: Int
    /// Byte offset of the next frame's length prefix.
    public var offset: Int { _offset }
    @usableFromInline let mapping: UnsafeMutableRawPointer?
    @usableFromInline let mappedLength: Int
    /// `count − fastPathMargin`: ``decodeNext(_:)`` takes its fast path at offsets below this
    /// (one compare per message against a field, rather than a subtract and a compare).
    @usableFromInline let _fastEnd: Int

    /// Maps `path` read-only. Throws if it cannot be opened or mapped; an empty file is fine (the
    /// walk ends at once).
    public init(path: String) throws(ITCHFileError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ITCHFileError(path: path, operation: "open", errno: errno) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw ITCHFileError(path: path, operation: "fstat", errno: errno) }
        let size = Int(st.st_size)
        if size == 0 {
            start = nil; count = 0; _offset = 0; mapping = nil; mappedLength = 0; _fastEnd = -Self.fastPathMargin
            return
        }
        guard let m = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), m != MAP_FAILED else {
            throw ITCHFileError(path: path, operation: "mmap", errno: errno)
        }
        _ = madvise(m, size, MADV_SEQUENTIAL)
        start = UnsafeRawPointer(m); count = size; _offset = 0; mapping = m; mappedLength = size
        _fastEnd = size &- Self.fastPathMargin
    }

    /// Walks `bytes` in place (no copy, no mapping). The caller keeps them alive and unchanged for
    /// the reader's lifetime: for tests and for captures already in memory.
    public init(unsafeBytes bytes: UnsafeRawBufferPointer) {
        start = bytes.count > 0 ? bytes.baseAddress : nil
        count = bytes.count
        _offset = 0
        mapping = nil
        mappedLength = 0
        _fastEnd = bytes.count &- Self.fastPathMargin
    }

    deinit {
        if let mapping { munmap(mapping, mappedLength) }
    }

    /// Total bytes in the file.
    public var byteCount: Int { count }

    /// The next frame. O(1), no allocation, never traps.
    @inlinable
    public mutating func next() -> ITCHFrameStep {
        let here = _offset
        // One test for "a whole frame is there"; the end and a truncated frame are told apart
        // off the common path. Wrapping arithmetic: 0 ≤ here ≤ count and length ≤ 65,535, so
        // nothing overflows, and the checked forms cost three overflow branches per message.
        let remaining = count &- here
        if remaining >= 2, let start {
            let length = Int(start._itchU16(here))
            if remaining &- 2 >= length {
                _offset = here &+ 2 &+ length
                return .message(UnsafeRawBufferPointer(start: start + (here &+ 2), count: length))
            }
        }
        if remaining <= 0 { return .end }
        _offset = count
        return .truncatedFrame(offset: here)
    }

    /// The message framed at byte `offset` (`nil` at the end or a truncated frame) and the
    /// offset of the frame after it: how the look-ahead's cursors (``ITCHLookAhead``) walk the
    /// frames ahead of ``offset``. Reads the framing only; changes nothing.
    @inlinable @inline(__always)
    public func peek(at offset: Int) -> (message: UnsafeRawBufferPointer, following: Int)? {
        guard let start, offset >= 0, count &- offset >= 2 else { return nil }
        let length = Int(start._itchU16(offset))
        guard count &- offset &- 2 >= length else { return nil }
        return (UnsafeRawBufferPointer(start: start + (offset &+ 2), count: length), offset &+ 2 &+ length)
    }

    /// Decodes the next frame's message with `decoder` (counting it there); a truncated final frame
    /// is counted as ``ITCHReject/truncatedFrame`` and returned as a rejection. Nil at the end.
    ///
    /// The file input's fast path: more than ``fastPathMargin`` bytes from the end, the frame's
    /// length and the type byte are read as one load and checked against the type's rule with
    /// one compare (``ITCHDecodeRules/acceptFramed(_:key:)``), which also stands for "the frame
    /// fits": no fast-path message is longer than 255 bytes. Anything it does not accept, and
    /// the last ``fastPathMargin`` bytes, take `next()` and ``ITCHDecoder/decode(_:)``, so both
    /// ways give the same results and counts (tested on random files). O(1), no allocation.
    @inlinable @inline(__always)
    public mutating func decodeNext(_ decoder: inout ITCHDecoder) -> ITCHDecoded? {
        let here = _offset
        if here < _fastEnd {  // count − here > fastPathMargin
            // A margin > 0 implies a non-empty file, so `start` is there.
            let frame = start.unsafelyUnwrapped + here
            let key = frame._itchU32(0) &>> 8  // length (2 bytes) << 8 | type byte
            if let m = decoder._rules.acceptFramed(frame + 2, key: key) {
                _offset = here &+ 2 &+ Int(truncatingIfNeeded: key &>> 8)
                decoder.counters.countType(byte: UInt8(truncatingIfNeeded: key))
                return .message(m)
            }
        }
        // `_fastEnd`, not `count`: the loop then keeps one of the two in a register, not both
        // (with both, the rules pointer was spilled and reloaded four times per message).
        let (decoded, following) = Self.decodeFrame(start: start, fastEnd: _fastEnd, at: here, &decoder)
        _offset = following
        return decoded
    }

    /// `decodeNext` off its fast path: `next()`'s framing and the decoder's own checks, on the
    /// frame at `here`; returns the result and the offset after it. Out of line so the fast path
    /// stays small enough to inline into the caller's loop, and static (the reader's fields by
    /// value) so the reader never has its address taken: its offset stays in a register. Takes
    /// the file's size as `fastEnd` (`count − fastPathMargin`), the field the fast path reads.
    @inlinable @inline(never)
    static func decodeFrame(start: UnsafeRawPointer?, fastEnd: Int, at here: Int, _ decoder: inout ITCHDecoder)
        -> (ITCHDecoded?, Int)
    {
        let count = fastEnd &+ fastPathMargin
        let remaining = count &- here
        if remaining >= 2, let start {
            let length = Int(start._itchU16(here))
            if remaining &- 2 >= length {
                return (decoder.decode(UnsafeRawBufferPointer(start: start + (here &+ 2), count: length)), here &+ 2 &+ length)
            }
        }
        if remaining <= 0 { return (nil, here) }
        decoder.countFramingReject(.truncatedFrame)
        return (.rejected(.truncatedFrame), count)
    }

    /// How far from the end ``decodeNext(_:)`` takes its fast path: the 2-byte length and a
    /// 255-byte message (the longest the fast path accepts) always fit beyond it, and so does
    /// its 4-byte read of length and type.
    @inlinable @inline(__always)
    public static var fastPathMargin: Int { 257 }
}
