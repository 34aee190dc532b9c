// The engine; see Package.swift.
import VegaCore
