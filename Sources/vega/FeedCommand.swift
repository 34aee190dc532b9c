import ArgumentParser

/// `vega feed`: market-data files — generate ITCH 5.0 sessions, build books from them.
struct FeedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feed",
        abstract: "Work with NASDAQ TotalView-ITCH 5.0 files: generate sessions, build order books from them.",
        subcommands: [FeedGenerateCommand.self, FeedBookCommand.self])
}
