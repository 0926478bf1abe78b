import PropertyBased
import Testing

@testable import LoopwatchConfiguration
@testable import LoopwatchCore

/// Business-time arithmetic in real zones: Qatar's Sun–Thu week with a lunch break and holidays,
/// New York and London across both DST changes of 2026.
@Suite struct BusinessCalendarTests {
    static func t(_ s: String) -> Timestamp { RFC3339.parse(s)! }
    static func iso(_ t: Timestamp) -> String { RFC3339.format(t) }

    static func calendar(_ tz: String, _ weekly: [String: [String]], holidays: [String] = []) -> BusinessCalendar {
        var days = Array(repeating: [BusinessCalendar.Interval](), count: 7)
        for (spec, intervals) in weekly {
            for d in ConfigReader.days(spec)! { for i in intervals { days[d].append(ConfigReader.interval(i)!) } }
        }
        return BusinessCalendar(
            name: "test", timeZone: tz, weekly: days, holidays: Set(holidays.map { ConfigReader.date($0)! }))!
    }

    static let doha = calendar(
        "Asia/Qatar", ["sun-thu": ["08:00-13:00", "14:00-18:00"]], holidays: ["2026-12-18", "2026-12-16"])
    static let newYork = calendar("America/New_York", ["mon-sun": ["00:00-24:00"]])
    static let nyNight = calendar("America/New_York", ["mon-sun": ["01:00-03:00"]])
    static let london = calendar("Europe/London", ["mon-fri": ["09:00-17:00"]])

    // Asia/Qatar is UTC+3 all year.
    @Test(
        arguments: [
            // start (UTC)                  span      due (UTC)                     why
            ("2026-11-29T06:00:00Z", 15, "2026-11-29T06:15:00.000Z"),  // Sunday 09:00 local, inside hours
            ("2026-11-29T09:55:00Z", 15, "2026-11-29T11:10:00.000Z"),  // 12:55 local: lunch break skipped
            ("2026-11-26T14:50:00Z", 30, "2026-11-29T05:20:00.000Z"),  // Thursday 17:50 local → Sunday 08:20
            ("2026-11-27T10:00:00Z", 5, "2026-11-29T05:05:00.000Z"),  // Friday (weekend) → Sunday opening
            ("2026-12-15T14:55:00Z", 10, "2026-12-17T05:05:00.000Z"),  // Tuesday 17:55 → Wednesday holiday → Thursday
            ("2026-11-29T05:00:00Z", 0, "2026-11-29T05:00:00.000Z"),  // exactly at opening, zero span
            ("2026-11-29T04:00:00Z", 0, "2026-11-29T05:00:00.000Z"),  // zero span before opening → opening
            ("2026-11-29T10:00:00Z", 240, "2026-11-29T15:00:00.000Z"),  // 13:00 (lunch) + 4 h → 18:00
            ("2026-11-29T10:00:00Z", 300, "2026-11-30T06:00:00.000Z"),  // + 5 h → the last hour on Monday, 09:00
        ] as [(String, Int64, String)])
    func qatar(start: String, minutes: Int64, due: String) {
        let s = Self.t(start)
        let d = Self.doha.add(.minutes(minutes), to: s)
        #expect(Self.iso(d) == due)
        #expect(Self.doha.businessTime(from: s, to: d) == .minutes(minutes))
    }

    @Test func qatarWeekHasFortyFiveBusinessHours() {
        let week = Self.doha.businessTime(from: Self.t("2026-11-28T21:00:00Z"), to: Self.t("2026-12-05T21:00:00Z"))
        #expect(week == .hours(45))
        // Holiday week: Wednesday 16 December is off (and Friday 18th falls on the weekend anyway).
        let holidayWeek = Self.doha.businessTime(
            from: Self.t("2026-12-12T21:00:00Z"), to: Self.t("2026-12-19T21:00:00Z"))
        #expect(holidayWeek == .hours(36))
    }

    @Test func newYorkSpringForwardDayIsTwentyThreeHours() {
        // 8 March 2026: 02:00 EST jumps to 03:00 EDT.
        let day = Self.newYork.businessTime(from: Self.t("2026-03-08T05:00:00Z"), to: Self.t("2026-03-09T04:00:00Z"))
        #expect(day == .hours(23))
        // The 01:00–03:00 local window that night is one hour long.
        let night = Self.nyNight.businessTime(from: Self.t("2026-03-08T00:00:00Z"), to: Self.t("2026-03-09T00:00:00Z"))
        #expect(night == .hours(1))
        #expect(
            Self.iso(Self.nyNight.add(.minutes(30), to: Self.t("2026-03-08T06:00:00Z"))) == "2026-03-08T06:30:00.000Z")
        #expect(
            Self.iso(Self.nyNight.add(.minutes(90), to: Self.t("2026-03-08T06:00:00Z"))) == "2026-03-09T05:30:00.000Z")
    }

    @Test func newYorkFallBackDayIsTwentyFiveHours() {
        // 1 November 2026: 02:00 EDT falls back to 01:00 EST; 01:00–03:00 local spans three hours.
        let day = Self.newYork.businessTime(from: Self.t("2026-11-01T04:00:00Z"), to: Self.t("2026-11-02T05:00:00Z"))
        #expect(day == .hours(25))
        let night = Self.nyNight.businessTime(from: Self.t("2026-11-01T00:00:00Z"), to: Self.t("2026-11-02T00:00:00Z"))
        #expect(night == .hours(3))
    }

    @Test func londonAcrossBothChanges() {
        // 09:00 London is 09:00Z in winter and 08:00Z in summer (29 March / 25 October 2026).
        #expect(Self.iso(Self.london.add(.zero, to: Self.t("2026-03-27T07:00:00Z"))) == "2026-03-27T09:00:00.000Z")
        #expect(Self.iso(Self.london.add(.zero, to: Self.t("2026-03-30T07:00:00Z"))) == "2026-03-30T08:00:00.000Z")
        #expect(Self.iso(Self.london.add(.hours(9), to: Self.t("2026-03-27T09:00:00Z"))) == "2026-03-30T09:00:00.000Z")
        #expect(Self.iso(Self.london.add(.zero, to: Self.t("2026-10-26T07:00:00Z"))) == "2026-10-26T09:00:00.000Z")
        let week = Self.london.businessTime(from: Self.t("2026-10-19T00:00:00Z"), to: Self.t("2026-11-02T00:00:00Z"))
        #expect(week == .hours(80))
    }

    @Test func spansLongerThanAWeekAndAcrossTheYear() {
        let s = Self.t("2026-12-24T10:00:00Z")  // Thursday 13:00 local in Doha
        let d = Self.doha.add(.hours(100), to: s)
        #expect(d > Self.t("2027-01-01T00:00:00Z"))
        #expect(Self.doha.businessTime(from: s, to: d) == .hours(100))
    }

    @Test func addThenMeasureIsTheIdentity() async {
        let calendars = [Self.doha, Self.newYork, Self.nyNight, Self.london]
        await propertyCheck(
            count: 400, input: Gen.int(in: 0...3), Gen.int(in: 0...126_230_400), Gen.int(in: 0...20_000)
        ) { c, offset, minutes in
            let cal = calendars[c]
            let s = Timestamp(millis: 1_735_689_600_000 + Int64(offset) * 1000)  // 2025 … 2028
            let span = TimeSpan.minutes(Int64(minutes))
            let d = cal.add(span, to: s)
            #expect(cal.businessTime(from: s, to: d) == span)
            #expect(cal.add(span + .minutes(1), to: s) > d)  // monotonic
            #expect(cal.businessTime(from: s, to: d) <= d - s)
        }
    }

    @Test func businessTimeIsAdditive() async {
        await propertyCheck(
            count: 300, input: Gen.int(in: 0...60_000_000), Gen.int(in: 0...60_000_000), Gen.int(in: 0...60_000_000)
        ) { a, b, c in
            let xs = [a, b, c].sorted().map { Timestamp(millis: 1_767_225_600_000 + Int64($0) * 1000) }
            let cal = Self.doha
            #expect(
                cal.businessTime(from: xs[0], to: xs[2]) == cal.businessTime(from: xs[0], to: xs[1])
                    + cal.businessTime(from: xs[1], to: xs[2]))
        }
    }
}
