import FoundationEssentials
import VegaHardware

extension HostTopology.Node {
    /// Builds a node from outside VegaHardware.
    ///
    /// `HostTopology.Node` has no public memberwise initialiser (Swift's synthesised one is
    /// internal); its public `Decodable` conformance is the only way to make one from another
    /// module, so this goes through it. Start-up only. Remove once VegaHardware gains
    /// `public init(id:cpus:memoryBytes:freeBytes:)` (requested).
    static func simulated(id: Int, cpus: [Int], memoryBytes: UInt64, freeBytes: UInt64) -> Self {
        struct Fields: Encodable {
            var id: Int
            var cpus: [Int]
            var memoryBytes: UInt64
            var freeBytes: UInt64
        }
        do {
            let data = try JSONEncoder().encode(Fields(id: id, cpus: cpus, memoryBytes: memoryBytes, freeBytes: freeBytes))
            return try JSONDecoder().decode(Self.self, from: data)
        } catch {
            // Both sides are Codable over the same four stored properties: this cannot fail unless
            // the type changed shape, which is a programming error to fix here.
            preconditionFailure("HostTopology.Node no longer decodes from {id, cpus, memoryBytes, freeBytes}: \(error)")
        }
    }
}
