import VegaCore
import VegaJournal
import VegaStrategy
import VegaTrading
import VegaVenue

/// What one run of the engine starts: its lanes, the simulated venues (HardwareSim backend) or
/// the addresses of the live ones (live backend), the journal and the profiler. Made from an
/// ``EngineConfiguration`` (``init(configuration:)``) or by hand in tests.
public struct EnginePlan: Sendable {
    public struct LanePlan: Sendable {
        public var setup: LaneSetup
        /// CPU to pin the lane thread to; `nil`: not pinned.
        public var core: Int?
        /// Busy-poll (`nil`) or sleep this long when a round found nothing.
        public var idleSleepNanoseconds: UInt64?
        public init(setup: LaneSetup, core: Int? = nil, idleSleepNanoseconds: UInt64? = nil) {
            self.setup = setup
            self.core = core
            self.idleSleepNanoseconds = idleSleepNanoseconds
        }
    }

    /// A simulated venue: a VenueNode on its own thread behind HardwareSim rings.
    public struct SimulatedVenue: Sendable {
        public var node: VenueNodeConfiguration
        public var wireLatencyNanoseconds: UInt64
        public init(node: VenueNodeConfiguration, wireLatencyNanoseconds: UInt64) {
            self.node = node
            self.wireLatencyNanoseconds = wireLatencyNanoseconds
        }
    }

    /// Where the lanes' packets come from and go to.
    public enum Backend: Sendable, Equatable {
        /// HardwareSim: every venue simulated in process (``venues``).
        case sim
        /// Kernel sockets to external venues (``liveVenues``); nothing is simulated.
        case live
    }

    public var name: String
    public var lanes: [LanePlan]
    public var backend: Backend = .sim
    /// One per lane venue, in venue order (the lane's venue `i` is `venues[i]`); HardwareSim only.
    public var venues: [SimulatedVenue]
    /// One per lane venue, in venue order; the live backend only (``LiveVenue``).
    public var liveVenues: [LiveVenue] = []
    public var journal: JournalConfiguration?
    /// The configuration text the run was made from, recorded first in the journal so replay
    /// rebuilds the same lanes.
    public var configurationText: String?
    public var profiling: LaneProfiling
    public var profileFile: String?
    public var outlierNanoseconds: UInt64?
    /// Cancel working orders at stop.
    public var cancelOnStop: Bool
    /// The Prometheus endpoint to serve (`nil`: none): host, port (0: any free one) and the
    /// bearer token scrapers must present (`nil`: none; bind to loopback then).
    public var metrics: (host: String, port: Int, token: String?)?
    /// Where the HardwareSim rings live (a fresh temporary directory when `nil`).
    public var ringDirectory: String?
    /// Client FIX sessions and drop copy (`[clients]`); `nil`: none.
    public var clients: ClientFlowPlan? = nil

    public init(name: String, lanes: [LanePlan], venues: [SimulatedVenue], journal: JournalConfiguration? = nil,
                configurationText: String? = nil, profiling: LaneProfiling = .full, profileFile: String? = nil,
                outlierNanoseconds: UInt64? = nil, cancelOnStop: Bool = true, ringDirectory: String? = nil) {
        self.name = name
        self.lanes = lanes
        self.venues = venues
        self.journal = journal
        self.configurationText = configurationText
        self.profiling = profiling
        self.profileFile = profileFile
        self.outlierNanoseconds = outlierNanoseconds
        self.cancelOnStop = cancelOnStop
        self.ringDirectory = ringDirectory
    }
}
