import Testing
import VegaCore

@Suite("Price")
struct PriceTests {
    @Test func scalesCarryTheirDecimalsAndUnit() {
        #expect(PriceScale4.decimals == 4 && PriceScale4.unit == 10_000)
        #expect(PriceScale8.decimals == 8 && PriceScale8.unit == 100_000_000)
        #expect(Price4(units: 12)?.rawValue == 120_000)
        #expect(Price8(units: Int64.max / 10) == nil)
    }

    @Test func additionAndSubtractionAreExact() {
        let a = Price4(rawValue: 1_234_500)  // 123.45
        let b = Price4(rawValue: 1)  // 0.0001
        #expect((a + b).rawValue == 1_234_501)
        #expect((a - b).rawValue == 1_234_499)
        #expect((b - a).rawValue == -1_234_499)
        #expect(-a == Price4(rawValue: -1_234_500))
        var c = a
        c += b
        c -= a
        #expect(c == b)
    }

    @Test func overflowIsReportedNotWrappedSilently() {
        let max = Price4(rawValue: .max)
        let r = max.addingReportingOverflow(Price4(rawValue: 1))
        #expect(r.overflow && r.partialValue.rawValue == .min)
        #expect(!max.addingReportingOverflow(.zero).overflow)
        let s = Price4(rawValue: .min).subtractingReportingOverflow(Price4(rawValue: 1))
        #expect(s.overflow)
        #expect(!Price4(rawValue: -5).subtractingReportingOverflow(Price4(rawValue: 5)).overflow)
    }

    static let notionalCases: [(Int64, UInt64, Int64?)] = [
        // (raw price, quantity, expected raw notional or nil on overflow)
        (1_234_500, 100, 123_450_000),
        (-2_500, 4, -10_000),
        (0, UInt64.max, 0),
        (1, UInt64(Int64.max), Int64.max),
        (2, UInt64(Int64.max), nil),
        (1, UInt64(Int64.max) + 1, nil),
        (Int64.max / 3 + 1, 3, nil),
        (-1, UInt64(Int64.max), -Int64.max),
    ]

    @Test(arguments: notionalCases)
    func notionalReportsOverflow(raw: Int64, quantity: UInt64, expected: Int64?) {
        let n = Price4(rawValue: raw).notional(quantity: Quantity(quantity))
        #expect(n?.rawValue == expected)
        #expect(Price4(rawValue: raw).notionalReportingOverflow(quantity: Quantity(quantity)).overflow == (expected == nil))
    }

    @Test func wideningConversionIsExactOrReportsOverflow() {
        let p = Price4(rawValue: 1_234_500)
        #expect(Price8(exactly: p)?.rawValue == 12_345_000_000)
        let r = p.converted(to: PriceScale8.self)
        #expect(!r.inexact && !r.overflow && r.partialValue.rawValue == 12_345_000_000)
        let huge = Price4(rawValue: Int64.max / 1_000)
        #expect(huge.converted(to: PriceScale8.self).overflow)
        #expect(Price8(exactly: huge) == nil)
    }

    @Test func narrowingConversionIsExactOnlyWhenNoDigitsAreDropped() {
        #expect(Price4(exactly: Price8(rawValue: 12_345_000_000))?.rawValue == 1_234_500)
        #expect(Price4(exactly: Price8(rawValue: 12_345_000_001)) == nil)
        #expect(Price4(exactly: Price8(rawValue: -1)) == nil)
        #expect(Price<PriceScale0>(exactly: Price4(rawValue: -70_000))?.rawValue == -7)
    }

    @Test(arguments: [
        // Price8 raw → Price4 raw under each rounding rule: 1.23456789 and negatives, halves.
        (Int64(123_456_789), PriceRounding.towardZero, Int64(12_345)),
        (123_456_789, .down, 12_345),
        (123_456_789, .up, 12_346),
        (123_456_789, .toNearestOrAwayFromZero, 12_346),
        (-123_456_789, .towardZero, -12_345),
        (-123_456_789, .down, -12_346),
        (-123_456_789, .up, -12_345),
        (-123_456_789, .toNearestOrAwayFromZero, -12_346),
        (123_455_000, .toNearestOrAwayFromZero, 12_346),  // exact half rounds away
        (-123_455_000, .toNearestOrAwayFromZero, -12_346),
        (123_454_999, .toNearestOrAwayFromZero, 12_345),
        (Int64.min, .down, Int64.min / 10_000 - 1),
        (Int64.max, .up, Int64.max / 10_000 + 1),
    ])
    func lossyConversionRoundsAsAskedAndSaysSo(raw: Int64, rounding: PriceRounding, expected: Int64) {
        let r = Price8(rawValue: raw).converted(to: PriceScale4.self, rounding: rounding)
        #expect(r.partialValue.rawValue == expected)
        #expect(r.inexact)
        #expect(!r.overflow)
    }

    @Test(arguments: [
        ("123.45", Int64(1_234_500)), ("-0.0001", -1), ("+7", 70_000), ("7.", 70_000),
        (".5", 5_000), ("0", 0), ("-0", 0), ("1.23450000", 12_345), ("00012.3", 123_000),
        ("922337203685477.5807", Int64.max), ("-922337203685477.5808", Int64.min),
    ])
    func parsesDecimalStrings(text: String, raw: Int64) throws {
        #expect(try Price4(parsing: text).rawValue == raw)
        #expect(try Price4(parsing: Substring(text)).rawValue == raw)
    }

    @Test(arguments: [
        ("", PriceParseError.Reason.empty),
        ("-", .empty),
        (".", .noDigits),
        ("-.", .noDigits),
        ("1.2.3", .unexpectedCharacter(".", offset: 3)),
        ("12a", .unexpectedCharacter("a", offset: 2)),
        (" 1", .unexpectedCharacter(" ", offset: 0)),
        ("1-", .unexpectedCharacter("-", offset: 1)),
        ("1e5", .unexpectedCharacter("e", offset: 1)),
        ("1.23456", .tooManyFractionDigits(found: 5, scaleDecimals: 4)),
        ("0.000010", .tooManyFractionDigits(found: 6, scaleDecimals: 4)),
        ("922337203685477.5808", .outOfRange(scaleDecimals: 4)),
        ("99999999999999999999", .outOfRange(scaleDecimals: 4)),
    ])
    func rejectsMalformedStringsSayingWhy(text: String, reason: PriceParseError.Reason) {
        #expect(throws: PriceParseError(input: text, reason: reason)) {
            try Price4(parsing: text)
        }
    }

    @Test func parseErrorDescriptionNamesInputAndProblem() {
        let error = PriceParseError(input: "1.23456", reason: .tooManyFractionDigits(found: 5, scaleDecimals: 4))
        #expect(error.description.contains("1.23456"))
        #expect(error.description.contains("5 fractional digits"))
    }

    @Test(arguments: [Int64(1_234_500), -1, 0, 5, -70_000, .max, .min])
    func descriptionIsExactAndRoundTrips(raw: Int64) throws {
        let p = Price4(rawValue: raw)
        #expect(try Price4(parsing: p.description) == p)
        #expect(Price4(p.description) == p)
    }

    @Test func descriptionShowsEveryDecimal() {
        #expect(Price4(rawValue: 1_234_500).description == "123.4500")
        #expect(Price4(rawValue: -1).description == "-0.0001")
        #expect(Price8(rawValue: 5).description == "0.00000005")
        #expect(Price<PriceScale0>(rawValue: -42).description == "-42")
    }

    @Test func ordersByValue() {
        let prices = [Price4(rawValue: 3), Price4(rawValue: -2), Price4(rawValue: 0)]
        #expect(prices.sorted().map(\.rawValue) == [-2, 0, 3])
        #expect(Set(prices + prices).count == 3)
    }
}
