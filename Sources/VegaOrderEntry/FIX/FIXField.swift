/// One `tag=value` field of a received message, located in the receive buffer.
///
/// The value is `length` bytes at `offset` from the start of the message (the `8=` byte); it
/// excludes the `=` and the SOH. Twelve bytes, trivially copyable: a ``FIXFieldIndex`` holds an
/// array of them instead of copying any value.
@frozen
public struct FIXField: Sendable, Hashable, BitwiseCopyable {
    /// The tag number; 0 when the tag text was not a canonical positive number (leading zero).
    public var tag: UInt32
    /// Byte offset of the value from the start of the message.
    public var offset: UInt32
    /// Value length in bytes (0 for `58=` followed directly by SOH).
    public var length: UInt32

    @inlinable @inline(__always)
    public init(tag: UInt32, offset: UInt32, length: UInt32) {
        self.tag = tag
        self.offset = offset
        self.length = length
    }
}

/// The field delimiter, SOH (0x01).
@inlinable @inline(__always)
public var fixSOH: UInt8 { 0x01 }
