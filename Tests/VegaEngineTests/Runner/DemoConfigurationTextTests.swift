import Foundation
import Testing
import VegaEngine

@Suite("The demo's built-in configuration text")
struct DemoConfigurationTextTests {
    @Test("EngineConfiguration.demoText is Config/demo.toml byte for byte, and parses to EngineConfiguration.demo")
    func textFileAndValueAgree() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let file = try String(contentsOf: root.appendingPathComponent("Config/demo.toml"), encoding: .utf8)
        #expect(EngineConfiguration.demoText == file, "regenerate Sources/VegaEngine/Runner/EngineConfiguration-demoText.swift from Config/demo.toml")
        let parsed = try EngineConfiguration.parse(toml: EngineConfiguration.demoText, file: "demoText",
                                                   host: ConfigurationHost(environment: [:], onlineCPUs: 2))
        #expect(parsed == EngineConfiguration.demo)
        // And the engine can plan it (two simulated venues, one lane with three strategies).
        let plan = try EnginePlan(configuration: parsed, text: EngineConfiguration.demoText,
                                  host: ConfigurationHost(environment: [:], onlineCPUs: 2))
        #expect(plan.venues.count == 2)
        #expect(plan.lanes.count == 1)
        #expect(plan.lanes[0].setup.marketMakers.count == 2 && plan.lanes[0].setup.arbitrages.count == 1)
        #expect(plan.venues[1].wireLatencyNanoseconds == 120_000)
    }
}
