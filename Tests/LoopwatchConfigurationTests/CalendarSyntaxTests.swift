import Testing

@testable import LoopwatchConfiguration
@testable import LoopwatchCore

/// Day specs and intervals of `calendars.<name>.weekly` (weekday 0 = Sunday).
@Suite struct CalendarSyntaxTests {
    @Test(arguments: [
        ("mon", [1]), ("sun-thu", [0, 1, 2, 3, 4]), ("fri-mon", [5, 6, 0, 1]), ("sat,sun", [6, 0]),
        ("mon-wed,fri", [1, 2, 3, 5]), ("Monday-Friday", [1, 2, 3, 4, 5]), ("sat, sun", [6, 0]),
        ("mon - fri", [1, 2, 3, 4, 5]),
        ("mon-sun", [1, 2, 3, 4, 5, 6, 0]),
    ])
    func daySpecs(spec: String, days: [Int]) {
        #expect(ConfigReader.days(spec) == days)
    }

    @Test(arguments: ["mnd", "mondo", "mon-", "-fri", "mon-tue-wed", "", ",", "mon,,fri", "7"])
    func badDaySpecs(spec: String) {
        #expect(ConfigReader.days(spec) == nil)
    }

    @Test(arguments: [
        ("08:00-13:00", 480, 780), ("8:00-13:00", 480, 780), ("00:00-24:00", 0, 1440), ("09:00 - 17:30", 540, 1050),
    ])
    func intervals(text: String, start: Int, end: Int) {
        #expect(ConfigReader.interval(text) == BusinessCalendar.Interval(start: start, end: end))
    }

    @Test(arguments: [
        "17:00-09:00", "09:00-09:00", "09:00-24:01", "09:60-10:00", "9-17", "09:00", "25:00-26:00", "09:00-17:00-18:00",
    ])
    func badIntervals(text: String) {
        #expect(ConfigReader.interval(text) == nil)
    }

    @Test(arguments: [
        ("2026-12-18", true), ("2028-02-29", true), ("2026-02-29", false), ("2026-13-01", false), ("2026-1-01", false),
        ("18.12.2026", false),
    ])
    func holidayDates(text: String, valid: Bool) {
        #expect((ConfigReader.date(text) != nil) == valid)
    }
}
