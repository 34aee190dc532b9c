import Foundation

/// A scratch directory for one test (configs, scripts, message stores, captures):
/// `$TMPDIR/vega-<name>-<UUID>`. The test removes it with `defer { dir.remove() }` — explicitly:
/// a deinit could run before the processes using it end.
public struct ScratchDirectory: Sendable {
    /// The directory's absolute path.
    public let path: String

    /// Creates the directory; throws FileManager's error when it cannot.
    public init(_ name: String) throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("vega-\(name)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Removes the directory and everything in it (errors ignored: it is scratch).
    public func remove() { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `text` (UTF-8) to `name` in the directory and returns the file's path.
    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String {
        let file = path + "/" + name
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }
}
