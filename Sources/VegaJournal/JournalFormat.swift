import CVegaSys

/// The on-disk format of a journal segment file (`YYYYMMDD-NNNNNNNN.vjl`), version 1.
///
/// A segment is a 4 KiB file header followed by records back to back, each 8-byte aligned,
/// all integers little-endian:
///
/// ```
/// file header (4096 bytes)
///   0  u64  magic "VEGAJNL1"
///   8  u32  format version (1)
///  12  u32  header size (4096)
///  16  u64  segment number (1, 2, … across the whole journal)
///  24  u64  sequence number of the segment's first record
///  32  u64  creation time, UTC ns
///  40  u32  session day (days since 1970-01-01 in the journal's session calendar)
///  44  u32  CRC32C of bytes 0..<44
/// record
///   0  u32  record length (header + payload + padding; multiple of 8, ≥ 32)
///   4  u32  CRC32C of bytes 0..<4 and 8..<32 of this header, then the payload
///   8  u16  type (JournalRecordType)
///  10  u16  flags
///  12  u32  payload length
///  16  u64  sequence number (consecutive across segments, from 1)
///  24  u64  timestamp, ns (as the producer stated it)
///  32  …    payload, then zero padding to the record length
/// ```
///
/// The file is preallocated and zero-filled, so the end of the data is the first record length
/// of 0 — or the end of the file, once a closed segment has been trimmed. A record that is
/// non-zero but does not check (length out of range, CRC mismatch, sequence out of order) is
/// *torn* if only zeros follow it (a crash mid-write) and *corrupt* otherwise.
public enum JournalFormat {
    public static let magic: UInt64 = 0x314C_4E4A_4147_4556  // "VEGAJNL1" little-endian
    public static let version: UInt32 = 1
    public static let fileHeaderSize = 4096
    public static let recordHeaderSize = 32
    public static let segmentExtension = "vjl"
    public static let indexExtension = "vjx"
    /// One index entry every this many records (and at every segment's first record).
    public static let indexStride: UInt64 = 1024

    /// A record's length on disk for a payload of `payloadLength` bytes.
    @inlinable
    public static func recordLength(payloadLength: Int) -> Int {
        (recordHeaderSize + payloadLength + 7) & ~7
    }

    /// CRC32C of a record: its header (minus the CRC field) and payload.
    static func recordCRC(header: UnsafeRawPointer, payload: UnsafeRawPointer?, payloadLength: Int) -> UInt32 {
        var crc = vega_crc32c(0, header, 4)
        crc = vega_crc32c(crc, header + 8, recordHeaderSize - 8)
        if let payload, payloadLength > 0 { crc = vega_crc32c(crc, payload, payloadLength) }
        return crc
    }

    /// The same CRC for a record laid out as stored (payload right after its header): one pass
    /// over bytes 0..<4, one over 8..<32 + payload. Identical to
    /// ``recordCRC(header:payload:payloadLength:)`` over those bytes.
    @inline(__always)
    static func recordCRC(record p: UnsafeRawPointer, payloadLength: Int) -> UInt32 {
        vega_crc32c(vega_crc32c(0, p, 4), p + 8, recordHeaderSize - 8 + payloadLength)
    }

    /// The segment file name for `segment` opened on `sessionDay`.
    public static func segmentName(sessionDay: UInt32, segment: UInt64) -> String {
        let (y, m, d) = civilDate(daysSinceEpoch: Int(sessionDay))
        return pad(y, 4) + pad(m, 2) + pad(d, 2) + "-" + pad(Int(segment), 8) + "." + segmentExtension
    }

    static func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    /// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
    public static func civilDate(daysSinceEpoch z0: Int) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}

/// A segment's file header, decoded.
public struct JournalSegmentHeader: Sendable, Equatable {
    public var segment: UInt64
    public var firstSequence: UInt64
    public var createdUTCNanoseconds: UInt64
    public var sessionDay: UInt32

    func write(to p: UnsafeMutableRawPointer) {
        p.initializeMemory(as: UInt8.self, repeating: 0, count: JournalFormat.fileHeaderSize)
        p.storeBytes(of: JournalFormat.magic.littleEndian, as: UInt64.self)
        p.storeBytes(of: JournalFormat.version.littleEndian, toByteOffset: 8, as: UInt32.self)
        p.storeBytes(of: UInt32(JournalFormat.fileHeaderSize).littleEndian, toByteOffset: 12, as: UInt32.self)
        p.storeBytes(of: segment.littleEndian, toByteOffset: 16, as: UInt64.self)
        p.storeBytes(of: firstSequence.littleEndian, toByteOffset: 24, as: UInt64.self)
        p.storeBytes(of: createdUTCNanoseconds.littleEndian, toByteOffset: 32, as: UInt64.self)
        p.storeBytes(of: sessionDay.littleEndian, toByteOffset: 40, as: UInt32.self)
        p.storeBytes(of: vega_crc32c(0, p, 44).littleEndian, toByteOffset: 44, as: UInt32.self)
    }

    static func read(from p: UnsafeRawPointer, count: Int) -> Result<JournalSegmentHeader, JournalFileProblem> {
        guard count >= JournalFormat.fileHeaderSize else { return .failure(.shortHeader(bytes: count)) }
        let magic = UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))
        guard magic == JournalFormat.magic else { return .failure(.badMagic(magic)) }
        let version = UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
        guard version == JournalFormat.version else { return .failure(.unsupportedVersion(version)) }
        let crc = UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 44, as: UInt32.self))
        guard crc == vega_crc32c(0, p, 44) else { return .failure(.headerChecksum) }
        return .success(JournalSegmentHeader(
            segment: UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 16, as: UInt64.self)),
            firstSequence: UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 24, as: UInt64.self)),
            createdUTCNanoseconds: UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 32, as: UInt64.self)),
            sessionDay: UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 40, as: UInt32.self))))
    }
}

/// What is wrong with a segment file's header.
public enum JournalFileProblem: Error, Sendable, Equatable, CustomStringConvertible {
    case shortHeader(bytes: Int)
    case badMagic(UInt64)
    case unsupportedVersion(UInt32)
    case headerChecksum

    public var description: String {
        switch self {
        case .shortHeader(let n): "file header is \(n) bytes, expected \(JournalFormat.fileHeaderSize)"
        case .badMagic(let m): "not a Vega journal segment (magic 0x\(String(m, radix: 16)))"
        case .unsupportedVersion(let v): "format version \(v) is not supported (this build reads version \(JournalFormat.version))"
        case .headerChecksum: "file header CRC32C does not match"
        }
    }
}
