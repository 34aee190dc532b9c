// The latency profiler and metrics; see Package.swift.
import VegaCore
