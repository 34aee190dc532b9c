/// What a venue sends, held until the moment it leaves: the configured wire latency without ever
/// blocking the venue's thread. The venue loop pushes each output with `now + latency` and, every
/// turn, sends what ``popDue(now:)`` returns; it sleeps at most until ``nextRelease``.
///
/// Time-ordered: items leave in release-time order, and items with the same release time in the
/// order they were pushed (so bytes of one connection never overtake each other). With one
/// latency per venue and a monotonic `now`, pushes arrive in time order and the queue is a FIFO;
/// an earlier release time pushed later still leaves no earlier than the item ahead of it
/// (release times are clamped to be non-decreasing), which keeps every stream's order.
///
/// Off the lane: an array that grows to the largest backlog and is reused.
public struct VenueReleaseQueue<Item> {
    private var items: [(at: UInt64, item: Item)] = []
    private var head = 0
    private var last: UInt64 = 0

    public init() {}

    /// Items waiting.
    public var count: Int { items.count - head }
    public var isEmpty: Bool { head == items.count }

    /// When the first waiting item is due, or `nil` when none waits.
    public var nextRelease: UInt64? { head < items.count ? items[head].at : nil }

    /// Holds `item` until `at` (monotonic ns).
    public mutating func push(_ item: Item, at: UInt64) {
        let t = max(at, last)
        last = t
        items.append((t, item))
    }

    /// The first item due at `now`, or `nil`.
    public mutating func popDue(now: UInt64) -> Item? {
        guard head < items.count, items[head].at <= now else { return nil }
        let item = items[head].item
        head += 1
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 4_096 && head * 2 >= items.count {
            items.removeFirst(head)
            head = 0
        }
        return item
    }
}
