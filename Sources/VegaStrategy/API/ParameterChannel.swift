import Logging
import Synchronization

/// Publishes a strategy's parameters from a control thread to a lane, without locks: a
/// sequence lock over atomic words.
///
/// ## Protocol
/// `sequence` is even when the words are stable and odd while a writer is copying; the
/// version is `sequence / 2`. A writer makes it odd (a compare-exchange, which also keeps two
/// writers apart), stores the words, and makes it even again with release ordering. A reader
/// loads `sequence` (acquire), the words, fences (acquire) and loads `sequence` again: equal
/// and even means the copy is whole. The words are `Atomic<UInt64>` loaded and stored relaxed,
/// so a reader racing a writer reads stale or mixed words — which the second load detects —
/// never undefined behaviour.
///
/// ## Who calls what
/// - Control thread(s): ``publish(_:)`` validates and stores; it never blocks the lane (a
///   second concurrent writer spins on the compare-exchange, off the lane).
/// - The lane: a ``ParameterSubscription`` polls between events. Wait-free: if a write is in
///   progress it reports nothing new and the lane picks the value up at a later event.
///
/// A class because both threads share it. The atomics live in one raw allocation (the
/// sequence, then the words) that the subscription reads through a pointer, so the lane never
/// touches the object itself and never retains or releases it.
public final class ParameterChannel<P: StrategyParameters>: @unchecked Sendable {
    // @unchecked: `cells` is a raw allocation of atomics owned by this object; every access
    // goes through the atomics, which is what makes sharing it sound.
    /// `cells[0]` is the sequence, `cells[1...wordCount]` the value's words.
    @usableFromInline let cells: UnsafeMutablePointer<Atomic<UInt64>>
    /// `P`'s size in 8-byte words.
    public let wordCount: Int
    /// Where publications and refusals are logged (control side only).
    public let logger: Logger

    /// A channel holding `initial` as version 1.
    /// - Throws: `initial`'s validation error.
    public init(_ initial: P, logger: Logger = Logger(label: "vega.strategy.parameters")) throws(ParameterError) {
        self.logger = logger
        do { try initial.validate() } catch {
            logger.error("initial parameters refused", metadata: ["reason": "\(error)", "type": "\(P.self)"])
            throw error
        }
        wordCount = Swift.max(1, (MemoryLayout<P>.size + 7) / 8)
        cells = .allocate(capacity: wordCount + 1)
        for i in 0...wordCount { (cells + i).initialize(to: Atomic<UInt64>(0)) }
        store(initial)
    }

    deinit {
        cells.deinitialize(count: wordCount + 1)
        cells.deallocate()
    }

    /// The version of the latest published value (1 for the initial one).
    public var version: UInt64 { cells[0].load(ordering: .acquiring) / 2 }

    /// Validates `parameters` and, if valid, makes them the current value. Off the lane.
    /// - Throws: the validation error; the current value is then unchanged.
    /// - Returns: the new version.
    @discardableResult
    public func publish(_ parameters: P) throws(ParameterError) -> UInt64 {
        do { try parameters.validate() } catch {
            logger.error("parameters refused; the lane keeps the current ones",
                         metadata: ["reason": "\(error)", "type": "\(P.self)", "version": "\(version)"])
            throw error
        }
        let v = store(parameters)
        logger.info("parameters published", metadata: ["type": "\(P.self)", "version": "\(v)"])
        return v
    }

    @discardableResult
    func store(_ parameters: P) -> UInt64 {
        var padded = [UInt64](repeating: 0, count: wordCount)
        withUnsafeBytes(of: parameters) { source in
            padded.withUnsafeMutableBytes { $0.copyMemory(from: source) }
        }
        let sequence = cells
        // Take the odd state; a concurrent writer waits here (control threads only).
        var s = sequence[0].load(ordering: .relaxed)
        while true {
            if s & 1 == 0 {
                let (exchanged, original) = sequence[0].compareExchange(
                    expected: s, desired: s &+ 1, ordering: .relaxed)
                if exchanged { break }
                s = original
            } else {
                s = sequence[0].load(ordering: .relaxed)
            }
        }
        // Orders the odd sequence before the word stores below, for a reader that sees any of them.
        atomicMemoryFence(ordering: .releasing)
        for i in 0..<wordCount { cells[1 + i].store(padded[i], ordering: .relaxed) }
        sequence[0].store(s &+ 2, ordering: .releasing)
        return (s &+ 2) / 2
    }

    /// The current value (spins while a write is in progress). Off the lane.
    public func current() -> P {
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: wordCount * 8, alignment: 16)
        defer { scratch.deallocate() }
        while true {
            if let r = Self.tryRead(cells: cells, wordCount: wordCount, into: scratch, newerThan: 0) {
                return r.parameters
            }
        }
    }

    /// One attempt at a consistent copy newer than `version`: `nil` when there is nothing newer
    /// or a write is in progress. `scratch` holds `wordCount × 8` bytes. Wait-free.
    @inlinable
    static func tryRead(cells: UnsafeMutablePointer<Atomic<UInt64>>, wordCount: Int,
                        into scratch: UnsafeMutableRawPointer, newerThan version: UInt64)
        -> (parameters: P, version: UInt64)?
    {
        let s1 = cells[0].load(ordering: .acquiring)
        if s1 & 1 != 0 || s1 / 2 <= version { return nil }
        for i in 0..<wordCount {
            scratch.storeBytes(of: cells[1 &+ i].load(ordering: .relaxed), toByteOffset: i &* 8, as: UInt64.self)
        }
        atomicMemoryFence(ordering: .acquiring)
        let s2 = cells[0].load(ordering: .relaxed)
        if s1 != s2 { return nil }
        return (scratch.load(as: P.self), s1 / 2)
    }
}

/// The lane's end of a ``ParameterChannel``: remembers the version it has and owns the scratch
/// words a read goes through, so polling never allocates; it reads the channel's atomics
/// through a pointer and keeps the channel alive without touching it.
public struct ParameterSubscription<P: StrategyParameters>: ~Copyable {
    public let channel: ParameterChannel<P>
    @usableFromInline let cells: UnsafeMutablePointer<Atomic<UInt64>>
    @usableFromInline let wordCount: Int
    @usableFromInline let scratch: UnsafeMutableRawPointer
    @usableFromInline var _version: UInt64

    /// The version last returned by ``poll()`` (0 before the first).
    @inlinable public var version: UInt64 { _version }

    public init(_ channel: ParameterChannel<P>) {
        self.channel = channel
        cells = channel.cells
        wordCount = channel.wordCount
        scratch = .allocate(byteCount: channel.wordCount * 8, alignment: 16)
        _version = 0
    }

    deinit { scratch.deallocate() }

    /// Parameters published since the last poll, or `nil` (nothing new, or a write in progress:
    /// poll again at the next event). Wait-free, no allocation, no lock, no reference counting.
    @inlinable
    public mutating func poll() -> P? {
        guard let r = ParameterChannel<P>.tryRead(cells: cells, wordCount: wordCount, into: scratch,
                                                  newerThan: _version) else { return nil }
        _version = r.version
        return r.parameters
    }
}
