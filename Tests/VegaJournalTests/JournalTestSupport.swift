import Glibc
import VegaJournal

/// A fresh empty directory under /tmp, removed by `remove()`.
struct TempDirectory {
    let path: String

    init(_ label: String = "journal") {
        var template = Array("/tmp/vega-\(label)-XXXXXX".utf8CString)
        let p = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(p != nil, "mkdtemp failed")
        path = String(cString: p!)
    }

    func remove() {
        _ = system("rm -rf '\(path)'")
    }

    func files(withSuffix suffix: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let e = readdir(dir) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
            if name.hasSuffix(suffix) { names.append(name) }
        }
        return names.sorted()
    }
}

/// A deterministic payload for record `i`: its length and bytes are a function of `i`.
func payload(for i: UInt64, maxLength: Int = 300) -> [UInt8] {
    var x = i &* 0x9E37_79B9_7F4A_7C15 &+ 1
    let length = Int(x % UInt64(maxLength + 1))
    var bytes = [UInt8](repeating: 0, count: length)
    for k in 0..<length {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17
        bytes[k] = UInt8(truncatingIfNeeded: x)
    }
    return bytes
}

func fileSize(_ path: String) -> Int {
    var st = stat()
    return stat(path, &st) == 0 ? Int(st.st_size) : -1
}

/// Overwrites `bytes` at `offset` of the file at `path`.
func patch(_ path: String, at offset: Int, bytes: [UInt8]) {
    let fd = open(path, O_RDWR)
    precondition(fd >= 0)
    _ = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, off_t(offset)) }
    close(fd)
}

func readBytes(_ path: String, at offset: Int, count: Int) -> [UInt8] {
    let fd = open(path, O_RDONLY)
    precondition(fd >= 0)
    defer { close(fd) }
    var out = [UInt8](repeating: 0, count: count)
    let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, off_t(offset)) }
    return Array(out.prefix(max(0, n)))
}

/// Writes `count` records (payload(for: seq)) through a journal without a writer thread.
@discardableResult
func writeJournal(_ configuration: JournalConfiguration, count: Int, firstIndex: UInt64 = 1, timestampBase: UInt64 = 1_000) throws -> Journal {
    let journal = try Journal.open(configuration)
    for i in firstIndex..<(firstIndex + UInt64(count)) {
        let bytes = payload(for: i)
        let ok = bytes.withUnsafeBytes { journal.ring.tryAppend(type: .annotation, timestamp: timestampBase + i * 10, bytes: $0) }
        if !ok {
            journal.flush()
            let again = bytes.withUnsafeBytes { journal.ring.tryAppend(type: .annotation, timestamp: timestampBase + i * 10, bytes: $0) }
            precondition(again)
        }
    }
    try journal.close()
    return journal
}
