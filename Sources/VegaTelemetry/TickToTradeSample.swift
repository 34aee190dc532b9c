/// The stamps of one tick-to-trade path and the market data event that caused it.
///
/// The lane fills one per event it handles (``stamp(_:)`` at each stage it reaches), then hands
/// it to ``LatencyRecorder/record(_:)``. A stage not reached keeps 0 ("not taken").
///
/// ## Clocks
/// - Lane stages (``LatencyStage/isLaneStage``): TSC ticks from ``laneTicks()``.
/// - ``nicRxNanoseconds``: the NIC's hardware stamp in PHC time (TAI when ptp4l disciplines it);
///   without a PHC in the calibration it is taken to be in `CLOCK_REALTIME`'s timescale.
/// - ``kernelRxNanoseconds``: the kernel's software stamp, `CLOCK_REALTIME` (UTC) nanoseconds.
/// - ``txTimestampNanoseconds``: `CLOCK_REALTIME` for a software TX stamp, PHC time when
///   ``txTimestampIsHardware`` is set.
/// 0 means absent for all of them (a missing kernel stamp is "none", never time zero).
///
/// 96 bytes, `BitwiseCopyable`: copied into the recorder's ring by value.
@frozen
public struct TickToTradeSample: BitwiseCopyable, Sendable, Equatable {
    /// TSC ticks at ``LatencyStage/laneReceive``, 0 = not taken.
    public var laneReceiveTicks: UInt64
    /// TSC ticks at ``LatencyStage/bookUpdated``, 0 = not taken.
    public var bookUpdatedTicks: UInt64
    /// TSC ticks at ``LatencyStage/strategyDecided``, 0 = not taken.
    public var strategyDecidedTicks: UInt64
    /// TSC ticks at ``LatencyStage/riskPassed``, 0 = not taken.
    public var riskPassedTicks: UInt64
    /// TSC ticks at ``LatencyStage/orderEncoded``, 0 = not taken.
    public var orderEncodedTicks: UInt64
    /// TSC ticks at ``LatencyStage/txHanded``, 0 = not taken.
    public var txHandedTicks: UInt64
    /// NIC hardware RX stamp, PHC nanoseconds; 0 = absent.
    public var nicRxNanoseconds: UInt64
    /// Kernel software RX stamp, `CLOCK_REALTIME` nanoseconds; 0 = absent.
    public var kernelRxNanoseconds: UInt64
    /// TX stamp reported by the backend; 0 = absent. See ``txTimestampIsHardware``.
    public var txTimestampNanoseconds: UInt64
    /// MoldUDP64 sequence number of the message that caused the path.
    public var sequence: UInt64
    /// The order sent on this path (0 when none was sent).
    public var orderID: UInt64
    /// ITCH stock locate of the instrument.
    public var locate: UInt16
    /// The venue's index in the engine's configuration.
    public var venue: UInt8
    /// Bit 0: ``txTimestampNanoseconds`` is a hardware (PHC) stamp. Other bits reserved (0).
    public var flags: UInt8

    /// A sample for the event (`venue`, `locate`, `sequence`) with no stage stamped yet.
    /// No allocation.
    @inlinable
    public init(venue: UInt8 = 0, locate: UInt16 = 0, sequence: UInt64 = 0, orderID: UInt64 = 0) {
        laneReceiveTicks = 0
        bookUpdatedTicks = 0
        strategyDecidedTicks = 0
        riskPassedTicks = 0
        orderEncodedTicks = 0
        txHandedTicks = 0
        nicRxNanoseconds = 0
        kernelRxNanoseconds = 0
        txTimestampNanoseconds = 0
        self.sequence = sequence
        self.orderID = orderID
        self.locate = locate
        self.venue = venue
        flags = 0
    }

    /// The raw stamp at `stage`: TSC ticks for lane stages, nanoseconds for the others; 0 = not
    /// taken. Setting it is the general form of ``stamp(_:)``. No allocation, a switch.
    @inlinable
    public subscript(stage: LatencyStage) -> UInt64 {
        get {
            switch stage {
            case .nicRx: nicRxNanoseconds
            case .kernelRx: kernelRxNanoseconds
            case .laneReceive: laneReceiveTicks
            case .bookUpdated: bookUpdatedTicks
            case .strategyDecided: strategyDecidedTicks
            case .riskPassed: riskPassedTicks
            case .orderEncoded: orderEncodedTicks
            case .txHanded: txHandedTicks
            case .txTimestamp: txTimestampNanoseconds
            }
        }
        set {
            switch stage {
            case .nicRx: nicRxNanoseconds = newValue
            case .kernelRx: kernelRxNanoseconds = newValue
            case .laneReceive: laneReceiveTicks = newValue
            case .bookUpdated: bookUpdatedTicks = newValue
            case .strategyDecided: strategyDecidedTicks = newValue
            case .riskPassed: riskPassedTicks = newValue
            case .orderEncoded: orderEncodedTicks = newValue
            case .txHanded: txHandedTicks = newValue
            case .txTimestamp: txTimestampNanoseconds = newValue
            }
        }
    }

    /// Stamps a lane stage with ``laneTicks()`` now.
    ///
    /// - Cost: one `rdtsc` (13–51 ns on the project's VMs, see ``laneTicks()``) and a store; no
    ///   allocation, no lock.
    /// - Precondition: `stage.isLaneStage` (a NIC/kernel stamp comes from the backend: use the
    ///   subscript). Checked in debug builds only.
    @inlinable @inline(__always)
    public mutating func stamp(_ stage: LatencyStage) {
        assert(stage.isLaneStage, "stamp(_:) takes a lane stage; set NIC and kernel stamps with the subscript")
        self[stage] = laneTicks()
    }

    /// Sets the event that caused the path. No allocation.
    @inlinable
    public mutating func setEvent(venue: UInt8, locate: UInt16, sequence: UInt64) {
        self.venue = venue
        self.locate = locate
        self.sequence = sequence
    }

    /// Sets the order sent on this path. No allocation.
    @inlinable
    public mutating func setOrderID(_ orderID: UInt64) { self.orderID = orderID }

    /// Sets the receive stamps the backend delivered with the frame (0 = absent). No allocation.
    @inlinable
    public mutating func setReceiveStamps(nicRxNanoseconds: UInt64, kernelRxNanoseconds: UInt64) {
        self.nicRxNanoseconds = nicRxNanoseconds
        self.kernelRxNanoseconds = kernelRxNanoseconds
    }

    /// Sets the TX stamp the backend reported (0 = absent); `hardware` when it is PHC time.
    /// No allocation.
    @inlinable
    public mutating func setTXTimestamp(_ nanoseconds: UInt64, hardware: Bool) {
        txTimestampNanoseconds = nanoseconds
        flags = hardware ? (flags | 1) : (flags & ~1)
    }

    /// Whether ``txTimestampNanoseconds`` is a hardware (PHC) stamp.
    @inlinable
    public var txTimestampIsHardware: Bool { flags & 1 != 0 }
}
