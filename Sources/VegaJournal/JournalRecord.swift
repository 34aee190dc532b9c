/// One record read back from a journal. The payload points into the reader's mapping of the
/// segment and is valid while the reader that produced it is alive.
public struct JournalRecord: @unchecked Sendable {
    // @unchecked: `payload` points into a read-only mapping owned by the reader.
    public let sequence: UInt64
    public let type: JournalRecordType
    public let flags: UInt16
    public let timestamp: UInt64
    public let payload: UnsafeRawBufferPointer
    /// Where it is: the segment file and the record's byte offset in it.
    public let segment: UInt64
    public let offset: Int

    /// The frame header of a ``JournalRecordType/marketDataFrame`` record and the frame's bytes,
    /// or `nil` when the record is not one or is too short.
    public var frame: (header: JournalFrameHeader, bytes: UnsafeRawBufferPointer)? {
        guard type == .marketDataFrame, payload.count >= JournalFrameHeader.size, let base = payload.baseAddress else { return nil }
        let h = base.loadUnaligned(as: JournalFrameHeader.self)
        guard Int(h.length) == payload.count - JournalFrameHeader.size else { return nil }
        return (h, UnsafeRawBufferPointer(start: base + JournalFrameHeader.size, count: Int(h.length)))
    }

    /// The message header and bytes of an order-entry record, or `nil`.
    public var message: (header: JournalMessageHeader, bytes: UnsafeRawBufferPointer)? {
        guard type == .orderEntryInbound || type == .orderEntryOutbound,
              payload.count >= JournalMessageHeader.size, let base = payload.baseAddress else { return nil }
        let h = base.loadUnaligned(as: JournalMessageHeader.self)
        guard Int(h.length) == payload.count - JournalMessageHeader.size else { return nil }
        return (h, UnsafeRawBufferPointer(start: base + JournalMessageHeader.size, count: Int(h.length)))
    }
}

/// Something wrong found while reading a journal, with where it is.
public struct JournalProblem: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The last record(s) of the newest segment are incomplete: a crash while writing.
        case tornTail(bytes: Int)
        /// A record that does not check, with valid data after it.
        case corruptRecord(reason: String)
        /// A record's sequence number is not the previous one plus one.
        case sequenceGap(expected: UInt64, found: UInt64)
        /// The segment file's header is unreadable.
        case badSegmentHeader(JournalFileProblem)
        /// Segment numbers are not consecutive: a file is missing.
        case missingSegment(expected: UInt64, found: UInt64)
        /// An index entry disagrees with the record it points at.
        case badIndexEntry(sequence: UInt64)
    }

    public var file: String
    public var offset: Int
    public var kind: Kind

    public var description: String {
        let at = "\(file) at byte \(offset)"
        switch kind {
        case .tornTail(let n): return "\(at): torn tail, \(n) bytes of an incomplete record (a crash while writing)"
        case .corruptRecord(let r): return "\(at): corrupt record: \(r)"
        case .sequenceGap(let e, let f): return "\(at): sequence gap: expected \(e), found \(f)"
        case .badSegmentHeader(let p): return "\(at): bad segment header: \(p)"
        case .missingSegment(let e, let f): return "\(at): segment \(e) is missing (next present is \(f))"
        case .badIndexEntry(let s): return "\(at): index entry for sequence \(s) does not point at that record"
        }
    }
}

/// Walks the records of one mapped segment, checking each.
struct SegmentScanner {
    let base: UnsafeRawPointer
    let size: Int
    var offset: Int = JournalFormat.fileHeaderSize
    var expectedSequence: UInt64

    init(base: UnsafeRawPointer, size: Int, firstSequence: UInt64) {
        self.base = base
        self.size = size
        self.expectedSequence = firstSequence
    }

    enum Step {
        case record(sequence: UInt64, type: UInt16, flags: UInt16, timestamp: UInt64, payload: UnsafeRawBufferPointer, offset: Int)
        case end
        case problem(JournalProblem.Kind, offset: Int)
    }

    /// The next record, the clean end of the data, or the first problem (after which scanning stops).
    mutating func next() -> Step {
        guard offset + 4 <= size else { return .end }
        let p = base + offset
        let length = Int(UInt32(littleEndian: p.loadUnaligned(as: UInt32.self)))
        if length == 0 {
            // Zero length: end of data, unless a torn record left bytes behind (power loss).
            let tail = nonZeroTail(from: offset)
            return tail == 0 ? .end : classify("record length 0 with data after it")
        }
        guard length >= JournalFormat.recordHeaderSize, length % 8 == 0, offset + length <= size else {
            return classify("record length \(length) is out of range (file has \(size - offset) bytes left)")
        }
        let payloadLength = Int(UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 12, as: UInt32.self)))
        guard JournalFormat.recordLength(payloadLength: payloadLength) == length else {
            return classify("payload length \(payloadLength) disagrees with record length \(length)")
        }
        let crc = UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
        let computed = JournalFormat.recordCRC(header: p, payload: p + JournalFormat.recordHeaderSize, payloadLength: payloadLength)
        guard crc == computed else {
            return classify("CRC32C 0x\(String(crc, radix: 16)) != computed 0x\(String(computed, radix: 16))")
        }
        let sequence = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
        guard sequence == expectedSequence else {
            return .problem(.sequenceGap(expected: expectedSequence, found: sequence), offset: offset)
        }
        let step = Step.record(
            sequence: sequence,
            type: UInt16(littleEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt16.self)),
            flags: UInt16(littleEndian: p.loadUnaligned(fromByteOffset: 10, as: UInt16.self)),
            timestamp: UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 24, as: UInt64.self)),
            payload: UnsafeRawBufferPointer(start: p + JournalFormat.recordHeaderSize, count: payloadLength),
            offset: offset)
        offset += length
        expectedSequence += 1
        return step
    }

    /// A bad record whose damage stays within its own extent at the end of the data is a torn
    /// tail (a crash while it was written); anything else is corruption.
    private func classify(_ reason: String) -> Step {
        let lastNonZero = lastNonZeroByte()
        if lastNonZero < offset + recordExtent() {
            return .problem(.tornTail(bytes: max(0, lastNonZero - offset + 1)), offset: offset)
        }
        return .problem(.corruptRecord(reason: reason), offset: offset)
    }

    /// How many bytes the record at `offset` can span: its stated length, else the length its
    /// payload-length field implies, else one header.
    private func recordExtent() -> Int {
        let p = base + offset
        let rest = size - offset
        let length = offset + 4 <= size ? Int(UInt32(littleEndian: p.loadUnaligned(as: UInt32.self))) : 0
        if length >= JournalFormat.recordHeaderSize && length <= rest { return length }
        if offset + 16 <= size {
            let implied = JournalFormat.recordLength(payloadLength: Int(UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 12, as: UInt32.self))))
            if implied <= rest { return implied }
        }
        return min(JournalFormat.recordHeaderSize, rest)
    }

    private func nonZeroTail(from start: Int) -> Int {
        let last = lastNonZeroByte()
        return last >= start ? last - start + 1 : 0
    }

    private func lastNonZeroByte() -> Int {
        var i = size - 1
        // Word at a time from the end.
        while i >= offset + 7 && (i + 1) % 8 == 0 {
            if (base + i - 7).loadUnaligned(as: UInt64.self) != 0 { break }
            i -= 8
        }
        while i >= offset && base.load(fromByteOffset: i, as: UInt8.self) == 0 { i -= 1 }
        return i
    }
}
