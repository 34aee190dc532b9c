/// Finds FIX message boundaries in a byte stream: where a message starts (`8=FIX`), where
/// BodyLength says it ends, and what to skip when the bytes are garbage or garbled.
///
/// Stateless: call ``next(in:maxMessageSize:)`` on the unconsumed bytes, act on the result,
/// drop the consumed prefix, repeat. The framer does not verify CheckSum; ``FIXFieldIndex``
/// does when it parses the frame. No allocation, no lock.
public enum FIXFramer {
    /// What the front of the buffer holds.
    @frozen
    public enum Frame: Sendable, Hashable, BitwiseCopyable {
        /// A complete message candidate of `length` bytes at the front.
        case message(length: Int)
        /// `count` bytes at the front are not a message (garbage before `8=FIX`, or a frame
        /// whose BodyLength/trailer is wrong): drop them and look again.
        case skip(count: Int, reason: FIXGarbledReason)
        /// The front is (possibly) the beginning of a message: wait for more bytes.
        case needMore
    }

    /// Classifies the front of `buffer`. `maxMessageSize` caps BodyLength so that a corrupt
    /// length cannot make the caller wait for (and buffer) gigabytes.
    @inlinable @_noLocks
    public static func next(in buffer: UnsafeRawBufferPointer, maxMessageSize: Int) -> Frame {
        let n = buffer.count
        guard let p = buffer.baseAddress, n > 0 else { return .needMore }
        // Resynchronise on "8=FIX".
        var start = 0
        while start < n {
            if p.load(fromByteOffset: start, as: UInt8.self) == UInt8(ascii: "8") {
                let avail = n - start
                if avail < 5 {
                    if matchesPrefix(p + start, avail) { break }
                } else if matchesPrefix(p + start, 5) {
                    break
                }
            }
            start += 1
        }
        if start > 0 { return .skip(count: start, reason: .missingBeginString) }
        // "8=<begin><SOH>"
        var i = 2
        while i < n && i < 32 && p.load(fromByteOffset: i, as: UInt8.self) != 0x01 { i += 1 }
        if i >= n { return n < 32 ? .needMore : .skip(count: 1, reason: .missingBeginString) }
        if i >= 32 { return .skip(count: 1, reason: .missingBeginString) }
        i += 1
        // "9=<digits><SOH>"
        if n - i < 3 { return .needMore }
        if p.load(fromByteOffset: i, as: UInt8.self) != UInt8(ascii: "9")
            || p.load(fromByteOffset: i + 1, as: UInt8.self) != UInt8(ascii: "=")
        {
            return .skip(count: 1, reason: .badBodyLength)
        }
        i += 2
        var bodyLength = 0
        var digits = 0
        while true {
            if i >= n { return .needMore }
            let c = p.load(fromByteOffset: i, as: UInt8.self)
            if c == 0x01 { break }
            let d = c &- 0x30
            if d > 9 || digits >= 9 { return .skip(count: 1, reason: .badBodyLength) }
            bodyLength = bodyLength * 10 + Int(d)
            digits += 1
            i += 1
        }
        if digits == 0 { return .skip(count: 1, reason: .badBodyLength) }
        if bodyLength > maxMessageSize { return .skip(count: 1, reason: .tooLarge) }
        let trailer = i + 1 + bodyLength
        let total = trailer + 7
        if n < total { return .needMore }
        if p.load(fromByteOffset: trailer, as: UInt8.self) != UInt8(ascii: "1")
            || p.load(fromByteOffset: trailer + 1, as: UInt8.self) != UInt8(ascii: "0")
            || p.load(fromByteOffset: trailer + 2, as: UInt8.self) != UInt8(ascii: "=")
            || p.load(fromByteOffset: trailer - 1, as: UInt8.self) != 0x01
            || p.load(fromByteOffset: total - 1, as: UInt8.self) != 0x01
        {
            return .skip(count: 1, reason: .bodyLengthMismatch)
        }
        return .message(length: total)
    }

    @inlinable @inline(__always)
    static func matchesPrefix(_ p: UnsafeRawPointer, _ count: Int) -> Bool {
        // "8=FIX"
        var k = 0
        while k < count {
            let expected: UInt8
            switch k {
            case 0: expected = 0x38
            case 1: expected = 0x3D
            case 2: expected = 0x46
            case 3: expected = 0x49
            default: expected = 0x58
            }
            if p.load(fromByteOffset: k, as: UInt8.self) != expected { return false }
            k += 1
        }
        return true
    }
}
