import Foundation
import Glibc

/// Test hosts in network namespaces this test run creates and removes: a veth pair between two
/// namespaces, addressed from the RFC 2544 benchmarking range (198.18.0.0/15) so nothing here can
/// ever be mistaken for a real network.
final class VethPair: @unchecked Sendable {
    let nsA: String
    let nsB: String
    let addressA = "198.18.0.1"
    let addressB = "198.18.0.2"
    let ifA = "vega-va"
    let ifB = "vega-vb"

    /// nil with the reason when the host cannot do it (not root, no iproute2).
    static func make() -> (VethPair?, String) {
        guard geteuid() == 0 else { return (nil, "not root: network namespaces need CAP_SYS_ADMIN") }
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip") || FileManager.default.isExecutableFile(atPath: "/sbin/ip")
        else { return (nil, "iproute2's ip is not installed") }
        let tag = String(getpid(), radix: 36)
        let pair = VethPair(nsA: "vega-a-\(tag)", nsB: "vega-b-\(tag)")
        do {
            try pair.setUp()
            return (pair, "")
        } catch {
            pair.tearDown()
            return (nil, "could not create namespaces: \(error)")
        }
    }

    private init(nsA: String, nsB: String) {
        self.nsA = nsA
        self.nsB = nsB
    }

    deinit { tearDown() }

    private func setUp() throws {
        try ip("netns", "add", nsA)
        try ip("netns", "add", nsB)
        try ip("-n", nsA, "link", "add", ifA, "type", "veth", "peer", "name", ifB, "netns", nsB)
        try ip("-n", nsA, "addr", "add", "\(addressA)/30", "dev", ifA)
        try ip("-n", nsB, "addr", "add", "\(addressB)/30", "dev", ifB)
        try ip("-n", nsA, "link", "set", ifA, "up")
        try ip("-n", nsB, "link", "set", ifB, "up")
        try ip("-n", nsA, "link", "set", "lo", "up")
        try ip("-n", nsB, "link", "set", "lo", "up")
        // Multicast out of the veth from A: a route for the class-D range.
        try ip("-n", nsA, "route", "add", "224.0.0.0/4", "dev", ifA)
        try ip("-n", nsB, "route", "add", "224.0.0.0/4", "dev", ifB)
    }

    func tearDown() {
        _ = try? ip("netns", "del", nsA)
        _ = try? ip("netns", "del", nsB)
    }

    @discardableResult
    func ip(_ args: String...) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip") ? "/usr/sbin/ip" : "/sbin/ip")
        p.arguments = args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        p.waitUntilExit()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        guard p.terminationStatus == 0 else {
            throw NSError(domain: "ip", code: Int(p.terminationStatus), userInfo: [NSLocalizedDescriptionKey: "ip \(args.joined(separator: " ")): \(text)"])
        }
        return text
    }
}

// glibc declares setns only under _GNU_SOURCE, which the Glibc module map does not set.
@_silgen_name("setns") private func c_setns(_ fd: Int32, _ nstype: Int32) -> Int32
private let CLONE_NEWNET: Int32 = 0x4000_0000

struct NamespaceError: Error, CustomStringConvertible {
    let description: String
}

/// Runs `body` with the calling thread inside network namespace `name`, then returns the thread
/// to the namespace it was in. Sockets created in `body` stay in `name` for their whole life.
/// `body` is synchronous, so no other task can run on this thread while it is switched.
func inNamespace<T: ~Copyable>(_ name: String, _ body: () throws -> T) throws -> T {
    let home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)
    guard home >= 0 else { throw NamespaceError(description: "open own netns: errno \(errno)") }
    defer { close(home) }
    let target = open("/run/netns/\(name)", O_RDONLY | O_CLOEXEC)
    guard target >= 0 else { throw NamespaceError(description: "open netns \(name): errno \(errno)") }
    defer { close(target) }
    guard c_setns(target, CLONE_NEWNET) == 0 else { throw NamespaceError(description: "setns \(name): errno \(errno)") }
    defer { precondition(c_setns(home, CLONE_NEWNET) == 0, "could not return to the original network namespace") }
    return try body()
}
