#if canImport(Glibc)
import Glibc
#endif

/// A client's `SoupBinTCPCheckpoint` on disk, so a restarted process rejoins the session where it
/// stopped.
///
/// One 32-byte record rewritten in place: session (10, as in Login Accepted), a space, the next
/// sequence number (20, ASCII, left-padded), a newline — readable with `cat`. `save` is one
/// `pwrite` (plus `fdatasync` when `durable`), no allocation: cheap enough after each message off the
/// lane; a lane hands checkpoints to a side thread instead.
public final class SoupBinTCPCheckpointFile {
    public let path: String
    public let durable: Bool
    let fd: Int32
    var record = [UInt8](repeating: 0x20, count: 32)

    /// Opens (creating if needed) `path`.
    public init(path: String, durable: Bool = false) throws(SoupBinTCPSocketError) {
        self.path = path
        self.durable = durable
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw SoupBinTCPSocketError(call: "open(\(path))", errno: errno) }
    }

    deinit { close(fd) }

    /// The saved checkpoint; `nil` if the file is empty or not a checkpoint record.
    public func load() -> SoupBinTCPCheckpoint? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 32, 0) }
        guard n == 32, buffer[10] == 0x20, buffer[31] == 0x0A else { return nil }
        return buffer.withUnsafeBytes { b -> SoupBinTCPCheckpoint? in
            guard let s = SoupBinTCPSessionID(wire: b.baseAddress!), let q = SoupBinTCPNumeric.parse(b.baseAddress! + 11), q >= 1
            else { return nil }
            return SoupBinTCPCheckpoint(session: s, nextSequence: q)
        }
    }

    /// Writes `checkpoint` over the record.
    public func save(_ checkpoint: SoupBinTCPCheckpoint) throws(SoupBinTCPSocketError) {
        let n = record.withUnsafeMutableBytes { b -> Int in
            checkpoint.session.write(to: b.baseAddress!)
            b[10] = 0x20
            SoupBinTCPNumeric.write(checkpoint.nextSequence, to: b.baseAddress! + 11)
            b[31] = 0x0A
            return pwrite(fd, b.baseAddress, 32, 0)
        }
        guard n == 32 else { throw SoupBinTCPSocketError(call: "pwrite(\(path))", errno: errno) }
        if durable && fdatasync(fd) != 0 { throw SoupBinTCPSocketError(call: "fdatasync(\(path))", errno: errno) }
    }
}
