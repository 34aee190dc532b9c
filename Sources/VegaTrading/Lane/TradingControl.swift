import VegaCore

/// An operator's command for the lane: throw or reset a kill switch.
@frozen
public struct TradingCommand: Sendable, Equatable, BitwiseCopyable {
    @frozen
    public enum Action: UInt8, Sendable, BitwiseCopyable {
        /// Throw the switch (cause `.manual`) and cancel what works under it.
        case kill
        /// Reset the switch: trading under it may resume.
        case reset
    }

    public var action: Action
    public var scope: KillScope

    @inlinable
    public init(_ action: Action, _ scope: KillScope) {
        self.action = action
        self.scope = scope
    }
}

/// Carries operator commands (kill switches) from a control thread to the lane: an SPSC ring the
/// lane drains between events with ``TradingCore/pollControl(_:now:cancels:)``. The control side
/// never blocks the lane; a full ring is reported to the sender.
public final class TradingControl: @unchecked Sendable {
    @usableFromInline let ring: SPSCRing<TradingCommand>

    /// Room for `capacity` undrained commands (rounded up to a power of two).
    public init(capacity: Int = 64) {
        ring = SPSCRing(capacity: capacity)
    }

    /// Control side: queues a command. Returns false when the ring is full (retry).
    public func send(_ command: TradingCommand) -> Bool { ring.tryPush(command) }
}

extension TradingCore {
    /// Applies queued operator commands: kills throw their switch and write cancel intents into
    /// `cancels` (as many as fit; the rest stay queued for the next poll); resets clear it.
    /// Returns how many cancel intents were written.
    ///
    /// - Cost: one acquire load when nothing is queued; no allocation, no lock.
    @inlinable
    public mutating func pollControl(_ control: borrowing Unmanaged<TradingControl>, now: UInt64,
                                     cancels: UnsafeMutableBufferPointer<OrderIntent>) -> Int {
        var n = 0
        while n < cancels.count {
            guard case .some(let command) = control._withUnsafeGuaranteedRef({ $0.ring.tryPop() }) else { break }
            switch command.action {
            case .kill:
                n &+= kill(command.scope, now: now, into: UnsafeMutableBufferPointer(rebasing: cancels[n...]))
            case .reset:
                reset(command.scope)
            }
        }
        return n
    }
}
