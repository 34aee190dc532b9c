// Spelled-out equality for the lane's identifiers: the synthesized `==` of a public struct is not
// inlinable, so calling it from another module is an opaque call that `@_noLocks` lane code
// (a strategy's, or risk's) cannot prove. These compile to one integer compare.

extension AccountID {
    @inlinable @inline(__always)
    public static func == (lhs: AccountID, rhs: AccountID) -> Bool { lhs.rawValue == rhs.rawValue }
}

extension StrategyID {
    @inlinable @inline(__always)
    public static func == (lhs: StrategyID, rhs: StrategyID) -> Bool { lhs.rawValue == rhs.rawValue }
}

extension VenueID {
    @inlinable @inline(__always)
    public static func == (lhs: VenueID, rhs: VenueID) -> Bool { lhs.rawValue == rhs.rawValue }
}
