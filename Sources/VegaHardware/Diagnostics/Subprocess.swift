import Glibc

/// Runs a helper program (pmc) with a hard time limit, capturing stdout and stderr together.
///
/// posix_spawn rather than Foundation's Process keeps VegaHardware free of Foundation, and lets
/// us kill the child when it overruns: `pmc` waits for answers from a ptp4l that may be stuck.
enum Subprocess {
    struct Result: Sendable {
        /// Exit status, or nil when killed (timeout) or it could not be started.
        var exitStatus: Int32?
        var output: String
        var timedOut: Bool
        /// Why it could not be started.
        var spawnError: String?
    }

    static func run(_ executable: String, _ arguments: [String], timeoutMilliseconds: Int) -> Result {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else {
            return Result(exitStatus: nil, output: "", timedOut: false, spawnError: "pipe: \(HostProbe.errnoString(errno))")
        }
        let (readEnd, writeEnd) = (fds[0], fds[1])
        // Close-on-exec so no other child (or pmc itself) inherits the pipe; dup2 clears it on 1/2.
        _ = fcntl(readEnd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(writeEnd, F_SETFD, FD_CLOEXEC)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, writeEnd, 1)
        posix_spawn_file_actions_adddup2(&actions, writeEnd, 2)

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        close(writeEnd)
        guard rc == 0 else {
            close(readEnd)
            return Result(exitStatus: nil, output: "", timedOut: false, spawnError: "posix_spawn \(executable): \(HostProbe.errnoString(rc))")
        }

        var output: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        let deadline = HostProbe.monotonicRawNanoseconds() + UInt64(timeoutMilliseconds) * 1_000_000
        var timedOut = false
        while true {
            let now = HostProbe.monotonicRawNanoseconds()
            if now >= deadline { timedOut = true; break }
            var pfd = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
            let wait = Int32(min((deadline - now) / 1_000_000 + 1, 60_000))
            let p = poll(&pfd, 1, wait)
            if p < 0 { if errno == EINTR { continue } else { break } }
            if p == 0 { continue }
            let n = buf.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue } else { break } }
            if n == 0 { break }  // EOF: the child closed its output
            if output.count < 1 << 20 { output.append(contentsOf: buf[0..<n]) }
        }
        close(readEnd)
        if timedOut { kill(pid, SIGKILL) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // WIFEXITED / WEXITSTATUS are macros: decode by hand.
        let exited = (status & 0x7f) == 0
        return Result(
            exitStatus: timedOut || !exited ? nil : (status >> 8) & 0xff,
            output: String(decoding: output, as: UTF8.self), timedOut: timedOut, spawnError: nil)
    }
}
