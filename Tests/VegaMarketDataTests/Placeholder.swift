import Testing

// Replaced as the market-data suites land.
@Test func marketDataModuleBuilds() {}
