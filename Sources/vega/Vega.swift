import ArgumentParser

/// The `vega` command-line tool. Each subcommand lives in its own file; keep this root small.
@main
struct Vega: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vega",
        abstract: "Vega: a low-latency trading stack for Linux.",
        subcommands: [DiagCommand.self, DemoCommand.self, SimCommand.self, FeedCommand.self, CaptureCommand.self, ReplayCommand.self,
                      JournalCommand.self, FixCommand.self, RunCommand.self, VenueCommand.self, ProfileCommand.self])
}
