import Testing
@testable import VegaEngine
@Suite struct EnginePlaceholderTests { @Test func builds() { #expect(Bool(true)) } }
