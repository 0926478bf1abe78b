import LoopwatchTestSupport
import PropertyBased
import Testing

@testable import LoopwatchCore

@Suite struct RFC3339Tests {
    /// Milliseconds of a UTC civil time, computed independently of the parser.
    static func utc(_ y: Int64, _ mo: Int64, _ d: Int64, _ h: Int64 = 0, _ mi: Int64 = 0, _ s: Int64 = 0, ms: Int64 = 0)
        -> Int64
    {
        ((RFC3339.days(year: y, month: mo, day: d) * 24 + h) * 60 + mi) * 60_000 + s * 1000 + ms
    }

    static let valid: [(String, Int64)] = [
        ("1970-01-01T00:00:00Z", 0),
        ("2026-11-02T09:30:00Z", utc(2026, 11, 2, 9, 30)),
        ("2026-11-02t09:30:00z", utc(2026, 11, 2, 9, 30)),
        ("2026-11-02 09:30:00Z", utc(2026, 11, 2, 9, 30)),
        ("2026-11-02T09:30:00.5Z", utc(2026, 11, 2, 9, 30, ms: 500)),
        ("2026-11-02T09:30:00.12Z", utc(2026, 11, 2, 9, 30, ms: 120)),
        ("2026-11-02T09:30:00.123Z", utc(2026, 11, 2, 9, 30, ms: 123)),
        ("2026-11-02T09:30:00.123999999Z", utc(2026, 11, 2, 9, 30, ms: 123)),
        ("2026-11-02T12:30:00+03:00", utc(2026, 11, 2, 9, 30)),
        ("2026-11-02T05:00:00.250-04:30", utc(2026, 11, 2, 9, 30, ms: 250)),
        ("2026-11-02T09:30:00-00:00", utc(2026, 11, 2, 9, 30)),
        ("2026-11-02T23:59:00+23:59", utc(2026, 11, 2, 0, 0)),
        ("2026-11-02T00:00:00-23:59", utc(2026, 11, 2, 23, 59)),
        ("2026-01-01T02:00:00+03:00", utc(2025, 12, 31, 23)),
        ("2024-02-29T00:00:00Z", utc(2024, 2, 29)),
        ("2000-02-29T00:00:00Z", utc(2000, 2, 29)),
        ("2016-12-31T23:59:60Z", utc(2016, 12, 31, 23, 59, 59, ms: 999)),
        ("2016-12-31T23:59:60.5Z", utc(2016, 12, 31, 23, 59, 59, ms: 999)),
        ("1969-12-31T23:59:59.999Z", -1),
        ("1900-03-01T00:00:00Z", utc(1900, 3, 1)),
        ("0000-01-01T00:00:00Z", RFC3339.minFormattable),
        ("9999-12-31T23:59:59.999Z", RFC3339.maxFormattable),
    ]

    @Test(arguments: valid)
    func parsesValidTimestamps(text: String, millis: Int64) {
        #expect(RFC3339.parse(text) == Timestamp(millis: millis))
        #expect(RFC3339.parse(Substring("[\(text)]").dropFirst().dropLast()) == Timestamp(millis: millis))
    }

    static let invalid: [String] = [
        "", "2026-11-02", "2026-11-02T09:30:00", "2026-11-02T09:30Z", "2026-11-02T09:30:00 Z",
        "2026-11-02T09:30:00.Z", "2026-11-02T09:30:00,5Z", "2026-11-02T09:30:00+03", "2026-11-02T09:30:00+0300",
        "2026-11-02T09:30:00+03:00:00", "2026-11-02T09:30:00+24:00", "2026-11-02T09:30:00+03:60",
        "2026-11-02T09:30:00ZZ", "2026-11-02T09:30:00Z ", " 2026-11-02T09:30:00Z", "2026-11-02_09:30:00Z",
        "2026-11-02T09:30:00UTC", "26-11-02T09:30:00Z", "2026-1-02T09:30:00Z", "2026/11/02T09:30:00Z",
        "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z", "2026-01-00T00:00:00Z", "2026-01-32T00:00:00Z",
        "2026-04-31T00:00:00Z", "2026-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2026-11-02T24:00:00Z",
        "2026-11-02T23:60:00Z", "2026-11-02T23:59:61Z", "+2026-11-02T09:30:00Z", "2026-11-02T09:30:00.1a2Z",
        "２０２６-11-02T09:30:00Z", "2026-11-02T09:30:00.123456789012345678901234567890",
    ]

    @Test(arguments: invalid)
    func rejectsInvalidTimestamps(text: String) {
        #expect(RFC3339.parse(text) == nil)
    }

    static let formatted: [(Int64, String)] = [
        (0, "1970-01-01T00:00:00.000Z"),
        (1_798_761_600_123, "2027-01-01T00:00:00.123Z"),
        (-1, "1969-12-31T23:59:59.999Z"),
        (utc(2024, 2, 29, 13, 5, 9, ms: 7), "2024-02-29T13:05:09.007Z"),
        (utc(1066, 10, 14, 9), "1066-10-14T09:00:00.000Z"),
        (RFC3339.minFormattable, "0000-01-01T00:00:00.000Z"),
        (RFC3339.maxFormattable, "9999-12-31T23:59:59.999Z"),
        (Timestamp.distantPast.millis, "0000-01-01T00:00:00.000Z"),
        (Timestamp.distantFuture.millis, "9999-12-31T23:59:59.999Z"),
    ]

    @Test(arguments: formatted)
    func formats(millis: Int64, text: String) {
        #expect(RFC3339.format(Timestamp(millis: millis)) == text)
        var out: [UInt8] = Array("x".utf8)
        RFC3339.format(Timestamp(millis: millis), into: &out)
        #expect(out == Array("x\(text)".utf8))
    }

    /// Property: any instant in years 0000–9999 survives format → parse (on failure the
    /// library prints the seed that reproduces it).
    @Test func roundTripsOverYears0000To9999() async {
        await propertyCheck(count: 2000, input: Gen.int64(in: RFC3339.minFormattable...RFC3339.maxFormattable)) {
            millis in
            let t = Timestamp(millis: millis)
            #expect(RFC3339.parse(RFC3339.format(t)) == t)
        }
    }

    /// The same property over a fixed, seeded sample (deterministic), dense around the epoch.
    @Test func roundTripsSeededSample() {
        var rng = SplitMix(seed: 0x5EED_3339)
        for k in 0..<20_000 {
            let span: Int64 = k.isMultiple(of: 2) ? 10_000_000_000_000 : RFC3339.maxFormattable
            let millis = Int64.random(in: max(-span, RFC3339.minFormattable)...span, using: &rng)
            let t = Timestamp(millis: millis)
            #expect(RFC3339.parse(RFC3339.format(t)) == t, "\(millis)")
        }
    }

    @Test(arguments: [(2024, true), (2000, true), (1900, false), (2026, false), (0, true)] as [(Int64, Bool)])
    func leapYears(year: Int64, leap: Bool) {
        #expect(RFC3339.isLeapYear(year) == leap)
        #expect(RFC3339.daysInMonth(year: year, month: 2) == (leap ? 29 : 28))
    }
}
