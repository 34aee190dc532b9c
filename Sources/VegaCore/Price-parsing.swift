/// Why a decimal string is not a ``Price``: the input and what was wrong with it.
public struct PriceParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was wrong.
    public enum Reason: Sendable, Hashable {
        /// The string was empty (or only a sign).
        case empty
        /// A character other than a digit, one leading sign or one `.` at `offset` (UTF-8 byte
        /// offset from the start of the input).
        case unexpectedCharacter(Character, offset: Int)
        /// No digits before or after the decimal point (`"."`, `"-."`).
        case noDigits
        /// More fractional digits than the scale holds; the value would need rounding.
        case tooManyFractionDigits(found: Int, scaleDecimals: Int)
        /// The value does not fit in `Int64` at this scale.
        case outOfRange(scaleDecimals: Int)
    }

    /// The text that was parsed.
    public var input: String
    /// What was wrong with it.
    public var reason: Reason

    public init(input: String, reason: Reason) {
        self.input = input
        self.reason = reason
    }

    public var description: String {
        switch reason {
        case .empty:
            return "price \"\(input)\": empty"
        case .unexpectedCharacter(let c, let offset):
            return "price \"\(input)\": unexpected character \"\(c)\" at offset \(offset); expected digits, one leading sign and at most one \".\""
        case .noDigits:
            return "price \"\(input)\": no digits"
        case .tooManyFractionDigits(let found, let decimals):
            return "price \"\(input)\": \(found) fractional digits, the scale holds \(decimals); round explicitly"
        case .outOfRange(let decimals):
            return "price \"\(input)\": out of range for a 64-bit price with \(decimals) decimals (max \(Int64.max) raw units)"
        }
    }
}

extension Price {
    /// Parses a plain decimal string such as `"123.45"`, `"-0.0001"`, `"+7"` or `"7."`.
    ///
    /// Exact: the string must not need rounding at this scale (trailing fractional zeros
    /// beyond the scale are accepted, `"1.23450"` is a `Price4`). No exponent, no grouping
    /// separators, no surrounding spaces.
    ///
    /// Off-lane: for configuration, FIX and command-line input. It allocates only to build an
    /// error.
    public init(parsing text: some StringProtocol) throws(PriceParseError) {
        var negative = false
        var integer: Int64 = 0  // accumulated as a negative number so Int64.min parses
        var fractionDigits = 0
        var sawDot = false
        var sawDigit = false
        var offset = 0
        var excessNonZero = 0
        var excessDigits = 0

        func fail(_ reason: PriceParseError.Reason) -> PriceParseError {
            PriceParseError(input: String(text), reason: reason)
        }

        let utf8 = text.utf8
        if utf8.isEmpty { throw fail(.empty) }
        let decimals = Scale.decimals

        for byte in utf8 {
            defer { offset += 1 }
            switch byte {
            case UInt8(ascii: "-") where offset == 0:
                negative = true
            case UInt8(ascii: "+") where offset == 0:
                break
            case UInt8(ascii: "."):
                if sawDot {
                    throw fail(.unexpectedCharacter(".", offset: offset))
                }
                sawDot = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                sawDigit = true
                let digit = Int64(byte &- UInt8(ascii: "0"))
                if sawDot {
                    if fractionDigits == decimals {
                        excessDigits += 1
                        if digit != 0 { excessNonZero += 1 }
                        continue
                    }
                    fractionDigits += 1
                }
                let (shifted, o1) = integer.multipliedReportingOverflow(by: 10)
                let (next, o2) = shifted.subtractingReportingOverflow(digit)
                if o1 || o2 { throw fail(.outOfRange(scaleDecimals: decimals)) }
                integer = next
            default:
                let scalarText = String(decoding: [byte], as: UTF8.self)
                let character = byte < 0x80 ? Character(scalarText) : Character("\u{FFFD}")
                throw fail(.unexpectedCharacter(character, offset: offset))
            }
        }
        if !sawDigit {
            throw fail(utf8.count == 1 && !sawDot ? .empty : .noDigits)
        }
        if excessNonZero > 0 {
            throw fail(.tooManyFractionDigits(found: decimals + excessDigits, scaleDecimals: decimals))
        }
        let (scaled, overflow) = integer.multipliedReportingOverflow(by: _powerOfTen(decimals - fractionDigits))
        if overflow { throw fail(.outOfRange(scaleDecimals: decimals)) }
        if negative {
            self.init(rawValue: scaled)
        } else {
            if scaled == .min { throw fail(.outOfRange(scaleDecimals: decimals)) }
            self.init(rawValue: -scaled)
        }
    }
}

extension Price: CustomStringConvertible, LosslessStringConvertible {
    /// The exact decimal value with all `Scale.decimals` places: `Price4(rawValue: 1_234_500)`
    /// is `"123.4500"`. Allocates (a `String`): not for the lane.
    public var description: String {
        let decimals = Scale.decimals
        let magnitude = rawValue.magnitude
        let unit = UInt64(Scale.unit)
        let whole = magnitude / unit
        let sign = rawValue < 0 ? "-" : ""
        if decimals == 0 { return sign + String(whole) }
        let fraction = String(magnitude % unit)
        let padding = String(repeating: "0", count: decimals - fraction.count)
        return sign + String(whole) + "." + padding + fraction
    }

    /// Parses like ``init(parsing:)``, returning `nil` instead of the reason.
    public init?(_ description: String) {
        guard let value = try? Self(parsing: description) else { return nil }
        self = value
    }
}
