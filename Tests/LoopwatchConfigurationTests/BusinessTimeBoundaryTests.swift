import PropertyBased
import Testing

@testable import LoopwatchConfiguration
@testable import LoopwatchCore

/// The edges of business time: starting exactly at an opening or a closing, zero spans, spans of
/// weeks, New Year, whole DST days, and 24×7 policies without a calendar.
@Suite struct BusinessTimeBoundaryTests {
    static func t(_ s: String) -> Timestamp { RFC3339.parse(s)! }
    static func iso(_ t: Timestamp) -> String { RFC3339.format(t) }
    static let doha = BusinessCalendarTests.doha
    static let nyOffice = BusinessCalendarTests.calendar(
        "America/New_York", ["mon-fri": ["09:00-17:00"]], holidays: ["2027-01-01"])
    static let london24 = BusinessCalendarTests.calendar("Europe/London", ["mon-sun": ["00:00-24:00"]])

    /// `add(span, to: start)` in Doha (UTC+3; Sun–Thu 08:00-13:00, 14:00-18:00).
    @Test(
        arguments: [
            // start (UTC)            minutes  due (UTC)                    why
            ("2026-11-29T05:00:00Z", 60, "2026-11-29T06:00:00.000Z"),  // start == opening 08:00
            ("2026-11-29T10:00:00Z", 0, "2026-11-29T11:00:00.000Z"),  // zero span at the 13:00 closing → 14:00 opening
            ("2026-11-29T10:00:00Z", 1, "2026-11-29T11:01:00.000Z"),  // start == closing: the clock waits for 14:00
            ("2026-11-29T09:59:00Z", 1, "2026-11-29T10:00:00.000Z"),  // target reached at closing: due then
            ("2026-11-26T15:00:00Z", 0, "2026-11-29T05:00:00.000Z"),  // zero span at Thu 18:00 → Sunday
            ("2026-11-29T05:00:00Z", 45 * 60, "2026-12-03T15:00:00.000Z"),  // a business week: Thu closing
            ("2026-11-29T05:00:00Z", 2 * 45 * 60 + 1, "2026-12-13T05:01:00.000Z"),  // two weeks and a minute
        ] as [(String, Int64, String)])
    func dohaBoundaries(start: String, minutes: Int64, due: String) {
        let s = Self.t(start)
        let d = Self.doha.add(.minutes(minutes), to: s)
        #expect(Self.iso(d) == due)
        #expect(Self.doha.businessTime(from: s, to: d) == .minutes(minutes))
    }

    @Test func startingOutsideHoursCountsFromTheNextOpening() {
        // Friday (weekend) 10:00 local to Sunday 08:30 local: half an hour of business time.
        #expect(
            Self.doha.businessTime(from: Self.t("2026-11-27T07:00:00Z"), to: Self.t("2026-11-29T05:30:00Z"))
                == .minutes(30))
        // The lunch break alone is worth nothing.
        #expect(
            Self.doha.businessTime(from: Self.t("2026-11-29T10:00:00Z"), to: Self.t("2026-11-29T11:00:00Z")) == .zero)
        // A weekday holiday: Wednesday 16 December is off, Thursday 17th is a normal day.
        #expect(
            Self.doha.businessTime(from: Self.t("2026-12-15T21:00:00Z"), to: Self.t("2026-12-16T21:00:00Z")) == .zero)
        #expect(
            Self.doha.businessTime(from: Self.t("2026-12-16T21:00:00Z"), to: Self.t("2026-12-17T21:00:00Z"))
                == .hours(9))
    }

    @Test func newYearInNewYork() {
        // Thursday 31 Dec 2026 16:00 EST; 1 Jan 2027 is a holiday; the next opening is Monday 4 Jan.
        let s = Self.t("2026-12-31T21:00:00Z")
        #expect(Self.iso(Self.nyOffice.add(.hours(1), to: s)) == "2026-12-31T22:00:00.000Z")
        #expect(Self.iso(Self.nyOffice.add(.hours(2), to: s)) == "2027-01-04T15:00:00.000Z")
        #expect(Self.nyOffice.businessTime(from: s, to: Self.t("2027-01-05T00:00:00Z")) == .hours(9))
        // 40 business hours from the last minute of 2026 lands in the second week of January.
        #expect(Self.iso(Self.nyOffice.add(.hours(40), to: s)) == "2027-01-08T21:00:00.000Z")
    }

    @Test func londonDaysAcrossBothChanges() {
        // 29 March 2026 has 23 hours, 25 October 2026 has 25 (local midnight to local midnight).
        #expect(
            Self.london24.businessTime(from: Self.t("2026-03-29T00:00:00Z"), to: Self.t("2026-03-29T23:00:00Z"))
                == .hours(23))
        #expect(
            Self.london24.businessTime(from: Self.t("2026-10-24T23:00:00Z"), to: Self.t("2026-10-26T00:00:00Z"))
                == .hours(25))
        // 24×7 in London is just elapsed time, whatever the clocks do.
        let s = Self.t("2026-03-28T12:00:00Z")
        #expect(Self.iso(Self.london24.add(.hours(48), to: s)) == "2026-03-30T12:00:00.000Z")
    }

    @Test func newYorkOfficeHoursMoveWithDST() {
        // 09:00 New York: 14:00Z in winter, 13:00Z in summer (8 March and 1 November 2026).
        #expect(Self.iso(Self.nyOffice.add(.zero, to: Self.t("2026-03-06T12:00:00Z"))) == "2026-03-06T14:00:00.000Z")
        #expect(Self.iso(Self.nyOffice.add(.zero, to: Self.t("2026-03-09T12:00:00Z"))) == "2026-03-09T13:00:00.000Z")
        #expect(Self.iso(Self.nyOffice.add(.zero, to: Self.t("2026-10-30T12:00:00Z"))) == "2026-10-30T13:00:00.000Z")
        #expect(Self.iso(Self.nyOffice.add(.zero, to: Self.t("2026-11-02T12:00:00Z"))) == "2026-11-02T14:00:00.000Z")
        // Friday 16:00 EST + 2 h → Monday 10:00 EDT, across the spring change.
        #expect(
            Self.iso(Self.nyOffice.add(.hours(2), to: Self.t("2026-03-06T21:00:00Z"))) == "2026-03-09T14:00:00.000Z")
    }

    @Test func withoutACalendarTimeIs24x7() {
        let p = Policy(name: "p", firstResponse: .hours(4))
        let s = Self.t("2026-12-31T22:00:00Z")
        #expect(Self.iso(p.add(.hours(4), to: s)) == "2027-01-01T02:00:00.000Z")
        #expect(p.add(.zero, to: s) == s)
        #expect(p.businessTime(from: s, to: Self.t("2027-01-08T22:00:00Z")) == .days(8))
        #expect(p.businessTime(from: Self.t("2027-01-08T22:00:00Z"), to: s) == .zero)
    }

    /// Santiago changes its clocks at midnight: 00:00 does not exist on the spring day.
    static let santiagoMidnight = BusinessCalendarTests.calendar(
        "America/Santiago", ["mon-sun": ["00:00-02:00", "22:00-24:00"]])
    static let calendars = [
        BusinessCalendarTests.doha, BusinessCalendarTests.nyNight, BusinessCalendarTests.london, nyOffice, london24,
        santiagoMidnight,
    ]
    /// 2025-01-01T00:00Z and four years of seconds.
    static let base: Int64 = 1_735_689_600_000
    static let fourYears = 126_230_400

    @Test func businessTimeNeverExceedsElapsedTimeAndIsAdditive() async {
        await propertyCheck(
            count: 300, input: Gen.int(in: 0...5), Gen.int(in: 0...Self.fourYears), Gen.int(in: 0...3_000_000),
            Gen.int(in: 0...3_000_000)
        ) { c, offset, x, y in
            let cal = Self.calendars[c]
            let a = Timestamp(millis: Self.base + Int64(offset) * 1000)
            let m = a + .seconds(Int64(min(x, y)))
            let b = a + .seconds(Int64(max(x, y)))
            #expect(cal.businessTime(from: a, to: b) <= b - a)
            #expect(
                cal.businessTime(from: a, to: b) == cal.businessTime(from: a, to: m) + cal.businessTime(from: m, to: b))
        }
    }

    @Test func addIsMonotonicAndMeasuresBack() async {
        await propertyCheck(
            count: 300, input: Gen.int(in: 0...5), Gen.int(in: 0...Self.fourYears), Gen.int(in: 0...40_000),
            Gen.int(in: 0...40_000)
        ) { c, offset, x, y in
            let cal = Self.calendars[c]
            let s = Timestamp(millis: Self.base + Int64(offset) * 1000)
            let small = TimeSpan.minutes(Int64(min(x, y)))
            let large = TimeSpan.minutes(Int64(max(x, y)))
            #expect(cal.add(small, to: s) <= cal.add(large, to: s))
            #expect(cal.businessTime(from: s, to: cal.add(large, to: s)) == large)
            #expect(cal.add(.zero, to: s) >= s)
        }
    }
}
