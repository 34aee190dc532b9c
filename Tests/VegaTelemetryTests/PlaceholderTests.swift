import Testing
@testable import VegaTelemetry
@Suite struct TelemetryPlaceholderTests { @Test func builds() { #expect(Bool(true)) } }
