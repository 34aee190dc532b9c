/// The sizes an ``OrderBooks`` allocates for, once, in `init`.
///
/// Everything the books will ever hold is sized here: nothing on an event path allocates, so
/// a configuration that is too small shows up as counted rejects (`orderCapacity`,
/// `levelCapacity`, `unknownInstrument`), never as a reallocation pause.
public struct BookConfiguration: Sendable, Equatable {
    /// Instruments that can be defined at once (stock locates are 0…65535; a NASDAQ day has
    /// ~8,000–12,000). At most 65,536.
    public var maxInstruments: Int
    /// Live orders across all instruments.
    public var maxOrders: Int
    /// Live price levels across all instruments and both sides.
    public var maxLevels: Int
    /// Live price levels on one side of one instrument: the length of that side's sorted
    /// level array (8 bytes per entry, reserved for every instrument and side — the biggest
    /// term of ``estimatedBytes`` when instruments are many).
    public var maxLevelsPerSide: Int
    /// Entries of the order index's direct window (a power of two, or 0 for none: hash map
    /// only), 4 bytes each. Live references that fall within this many of each other are
    /// indexed without hashing; the others go to the hash map (correct either way, slower).
    /// Default: 4 × `maxOrders` rounded up to a power of two for books of 65,536 orders or
    /// more, none below (a small book's hash map stays in cache).
    public var orderIndexWindow: Int

    /// Defaults size a full NASDAQ day: 8,192 instruments, 1 Mi live orders, 1 Mi levels,
    /// 1,024 levels per side (about 242 MiB; see ``estimatedBytes``).
    public init(maxInstruments: Int = 8_192, maxOrders: Int = 1 << 20, maxLevels: Int = 1 << 20,
                maxLevelsPerSide: Int = 1_024, orderIndexWindow: Int? = nil) {
        self.maxInstruments = maxInstruments
        self.maxOrders = maxOrders
        self.maxLevels = maxLevels
        self.maxLevelsPerSide = maxLevelsPerSide
        self.orderIndexWindow = orderIndexWindow ?? Self.defaultWindow(maxOrders: maxOrders)
    }

    /// 4 × `maxOrders` as a power of two from 65,536 orders up (capped at 2^30 entries), else 0.
    static func defaultWindow(maxOrders: Int) -> Int {
        guard maxOrders >= 1 << 16 else { return 0 }
        var slots = 1 << 16
        while slots < maxOrders * 4 && slots < 1 << 30 { slots <<= 1 }
        return slots
    }

    /// Why a configuration cannot be built, with the field and the value at fault.
    public struct Invalid: Error, Equatable, CustomStringConvertible {
        public var field: String
        public var value: Int
        public var expected: String
        public init(field: String, value: Int, expected: String) {
            self.field = field
            self.value = value
            self.expected = expected
        }
        public var description: String { "BookConfiguration.\(field) = \(value): expected \(expected)" }
    }

    /// Checks every field's range (off the lane, before `OrderBooks.init`).
    public func validate() throws(Invalid) {
        if maxInstruments < 1 || maxInstruments > 65_536 {
            throw Invalid(field: "maxInstruments", value: maxInstruments, expected: "1...65536")
        }
        // Order and level handles are UInt32 with UInt32.max as "none".
        if maxOrders < 1 || maxOrders >= Int(UInt32.max) {
            throw Invalid(field: "maxOrders", value: maxOrders, expected: "1..<\(UInt32.max)")
        }
        if maxLevels < 1 || maxLevels >= Int(UInt32.max) {
            throw Invalid(field: "maxLevels", value: maxLevels, expected: "1..<\(UInt32.max)")
        }
        if maxLevelsPerSide < 1 || maxLevelsPerSide > Int(UInt16.max) {
            throw Invalid(field: "maxLevelsPerSide", value: maxLevelsPerSide, expected: "1...65535")
        }
        if orderIndexWindow < 0 || orderIndexWindow > 1 << 32 || orderIndexWindow & (orderIndexWindow - 1) != 0 {
            throw Invalid(field: "orderIndexWindow", value: orderIndexWindow, expected: "0 or a power of two ≤ 2^32")
        }
    }

    /// Slots of the order index's hash map (a ``FixedMap``: twice the capacity, rounded up to a
    /// power of two).
    var orderIndexSlots: Int { overflowSlots(capacity: maxOrders) }

    /// Bytes `OrderBooks.init` allocates for this configuration, exactly: the sum of every
    /// array's element stride × count. (`OrderBooks.allocatedBytes` reports the same figure
    /// from the arrays it really allocated; a test holds the two equal.)
    ///
    /// For 1 Mi orders, 1 Mi levels, 8,192 instruments × 2 sides × 1,024 levels:
    /// orders 32 MiB + index 32 MiB (hash) + 16 MiB (window) + levels 32 MiB + ladders 128 MiB
    /// + instruments and the locate table < 2 MiB ≈ 242 MiB.
    public var estimatedBytes: Int {
        maxOrders * OrderBookStorage.orderStride
            + orderIndexSlots * OrderBookStorage.indexEntryStride
            + orderIndexWindow * MemoryLayout<UInt32>.stride
            + maxLevels * OrderBookStorage.levelStride
            + maxInstruments * 2 * maxLevelsPerSide * MemoryLayout<UInt64>.stride
            + maxInstruments * OrderBookStorage.instrumentStride
            + 65_536 * MemoryLayout<UInt32>.stride
    }
}
