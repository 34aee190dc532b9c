import VegaCore

extension OrderManager {
    /// Writes a cancel intent for every working order under `scope` into `buffer` (orders
    /// already PendingCancel, or PendingNew / PendingReplace — not cancelable until the venue
    /// answers; ``TradingCore`` cancels them then if the switch still covers them — are skipped) and
    /// returns how many it wrote; stops when `buffer` is full (call again after sending them).
    ///
    /// This is what a kill switch sends. The intents still go through the OMS
    /// (``requestCancel(_:now:)``) as they are sent.
    /// - Cost: O(open-order capacity); no allocation.
    @inlinable
    public func cancelIntents(for scope: KillScope, into buffer: UnsafeMutableBufferPointer<OrderIntent>) -> Int {
        var n = 0
        for slot in 0..<capacity.openOrders where inUse[slot] && n < buffer.count {
            let o = orders[slot]
            guard o.isCancelable,
                  scope.covers(account: o.account, strategy: o.strategy, instrument: o.instrument)
            else { continue }
            buffer[n] = o.cancelIntent
            n &+= 1
        }
        return n
    }
}
