import ArgumentParser
import Foundation
import VegaTelemetry

/// `vega profile`: the percentiles of a latency profile file, and its distribution as an SVG plot.
struct ProfileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Print the latency percentiles of a profile file and plot its distribution as SVG.",
        discussion: """
            A profile file (written by the engine's latency profiler, LatencyProfiler.write(to:)) holds HDR histograms of every tick-to-trade path the lane recorded:

              stage series   time from the previous stamped stage to this one:
                             nicRx kernelRx laneReceive bookUpdated
                             strategyDecided riskPassed orderEncoded
                             txHanded txTimestamp
              end to end     FROM->TO: laneReceive->txHanded (the lane's own),
                             kernelRx->txHanded, kernelRx->txTimestamp, ...

            The table gives count, min, p50, p90, p99, p99.9 and max in nanoseconds, exact to the histograms' precision (3 significant digits), then the samples the lane dropped (ring full), deltas that came out negative (clocks disagreeing) and outliers logged. The worst samples follow with the event that caused each (venue, locate, MoldUDP64 sequence, order ID).

            The plot is HdrHistogram's: latency against percentile on a log scale of 1/(1-p), so 90%, 99%, 99.9% ... are evenly spaced and the tail shows. One line per series: the end-to-end series by default, or those named with --stage.

            Examples:
              vega profile run.vlp                                   # the table
              vega profile run.vlp --svg run.svg                     # table and plot
              vega profile run.vlp --svg lane.svg --stage laneReceive->txHanded
              vega profile run.vlp --stage bookUpdated --stage strategyDecided

            Exits 1 with the file, byte offset and field on a corrupt or truncated file.
            """)

    @Argument(help: "The profile file.")
    var file: String

    @Option(name: .customLong("svg"), help: ArgumentHelp("Write the latency distribution plot to this SVG file.", valueName: "OUT.svg"))
    var svg: String?

    @Option(name: .customLong("stage"), parsing: .singleValue,
            help: ArgumentHelp("Only this series (a stage name or FROM->TO); repeat for several.", valueName: "NAME"))
    var stages: [String] = []

    @Option(help: "How many of the worst samples to list.")
    var worst: Int = 5

    func validate() throws {
        guard worst >= 0 else { throw ValidationError("--worst must be ≥ 0") }
        for name in stages where LatencySeries(name: name) == nil {
            let known = LatencyStage.allCases.map(\.name).joined(separator: ", ")
            throw ValidationError("--stage \(name): not a series; use a stage (\(known)) or FROM->TO, e.g. laneReceive->txHanded")
        }
    }

    func run() throws {
        do {
            print(try execute(), terminator: "")
        } catch {
            FileHandle.standardError.write(Data("vega profile: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }

    /// The command's work: reads the file, returns the text to print, writes the SVG if asked.
    /// - Throws: ``ProfileCommandError`` naming what went wrong.
    func execute() throws(ProfileCommandError) -> String {
        let profile: LatencyProfile
        do {
            profile = try LatencyProfile.read(from: file)
        } catch {
            throw .profile(error)
        }
        let selected = stages.compactMap(LatencySeries.init(name:))
        var out = "\(file): \(profile.samples) samples; \(profile.calibration)\n"
        var report = profile.report()
        if !selected.isEmpty {
            report.rows = report.rows.filter { selected.contains($0.series) }
            let missing = selected.filter { report[$0] == nil }
            if !missing.isEmpty {
                throw .plot(.noData(requested: missing.map(\.name), available: profile.report().rows.map(\.series.name)))
            }
        }
        out += report.description + "\n"
        if worst > 0 && !profile.worst.isEmpty {
            out += "worst samples (\(profile.worst.first!.series.name)):\n"
            for o in profile.worst.prefix(worst) {
                let s = o.sample
                out += "  \(o.nanoseconds) ns  venue=\(s.venue) locate=\(s.locate) sequence=\(s.sequence) order_id=\(s.orderID)\n"
            }
        }
        if let svg {
            let plot: LatencyPlot
            do {
                plot = try LatencyPlot(profile: profile, series: selected.isEmpty ? nil : selected,
                                       title: "Latency by percentile: \(URL(fileURLWithPath: file).lastPathComponent)")
            } catch {
                throw .plot(error)
            }
            do {
                try plot.svg().write(toFile: svg, atomically: true, encoding: .utf8)
            } catch {
                throw .writeFailed(path: svg, reason: error.localizedDescription)
            }
            out += "wrote \(svg): \(plot.series.map(\.name).joined(separator: ", "))\n"
        }
        return out
    }
}

/// Why `vega profile` failed.
enum ProfileCommandError: Error, CustomStringConvertible {
    case profile(LatencyProfileError)
    case plot(LatencyPlotError)
    case writeFailed(path: String, reason: String)

    var description: String {
        switch self {
        case .profile(let e): "\(e)"
        case .plot(let e): "\(e)"
        case .writeFailed(let path, let reason): "cannot write \(path): \(reason)"
        }
    }
}
