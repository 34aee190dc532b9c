import Glibc

/// Small readers for /sys and /proc files: off the lane only (they allocate).
public enum Sysfs {
    /// The file's contents with trailing whitespace removed, or nil when it cannot be read.
    public static func read(_ path: String, limit: Int = 1 << 20) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while out.count < limit {
            let n = buf.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue } else { return out.isEmpty ? nil : decode(out) } }
            if n == 0 { break }
            out.append(contentsOf: buf[0..<n])
        }
        return decode(out)
    }

    private static func decode(_ bytes: [UInt8]) -> String {
        var s = String(decoding: bytes, as: UTF8.self)
        while let last = s.last, last.isWhitespace { s.removeLast() }
        return s
    }

    /// Entry names of a directory (no "." or ".."), or [] when it cannot be read.
    public static func list(_ path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// Where a symlink points (the last path component when `basename`), or nil.
    public static func link(_ path: String, basename: Bool = false) -> String? {
        var buf = [CChar](repeating: 0, count: 4096)
        let n = readlink(path, &buf, buf.count - 1)
        guard n > 0 else { return nil }
        let target = String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return basename ? target.split(separator: "/").last.map(String.init) : target
    }

    public static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// Parses a kernel CPU list such as "2-5,8,10-11".
    public static func parseCPUList(_ text: String) -> [Int] {
        var cpus: [Int] = []
        for part in text.split(separator: ",") {
            let bounds = part.split(separator: "-").compactMap { Int($0.filter { !$0.isWhitespace }) }
            if bounds.count == 1 { cpus.append(bounds[0]) }
            else if bounds.count == 2, bounds[0] <= bounds[1] { cpus.append(contentsOf: bounds[0]...bounds[1]) }
        }
        return cpus
    }
}

