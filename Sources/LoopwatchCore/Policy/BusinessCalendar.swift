import Foundation
import Synchronization

/// Business hours in an IANA time zone, with holidays (SPEC §3, §7). Immutable; a class so
/// that policies share one calendar (and its cache) instead of copying it.
///
/// Weekly intervals are local wall-clock times, so DST is respected: on a spring-forward day a
/// 01:00-03:00 interval in New York lasts one hour, on a fall-back day two. Holidays remove whole
/// local days. Arithmetic runs on precomputed UTC intervals with prefix sums, built lazily one
/// local year at a time and cached, so `add` and `businessTime` are binary searches — Foundation
/// is only consulted when a year is first needed.
public final class BusinessCalendar: Sendable {
    /// A local time of day, minutes since midnight (0…1440).
    public struct Interval: Sendable, Hashable {
        public var start: Int
        public var end: Int
        public init(start: Int, end: Int) {
            self.start = start
            self.end = end
        }
    }

    /// The calendar's name in the configuration.
    public let name: String
    /// IANA time zone identifier.
    public let timeZone: String
    /// Business intervals per weekday, index 0 = Sunday … 6 = Saturday; sorted, merged.
    public let weekly: [[Interval]]
    /// Local dates (days since 1970-01-01) that are holidays.
    public let holidays: Set<Int64>

    let cache: YearCache

    /// A 24×7 calendar named `name` (mostly for tests); the time zone must exist.
    public convenience init(name: String, timeZone: String) {
        self.init(
            name: name, timeZone: timeZone, weekly: Array(repeating: [Interval(start: 0, end: 1440)], count: 7),
            holidays: [])!
    }

    /// A calendar; nil when the time zone is unknown.
    public init?(name: String, timeZone: String, weekly: [[Interval]], holidays: Set<Int64>) {
        guard let tz = TimeZone(identifier: timeZone) else { return nil }
        self.name = name
        self.timeZone = timeZone
        self.weekly = weekly.map(Self.merge)
        self.holidays = holidays
        cache = YearCache(timeZone: tz, weekly: self.weekly, holidays: holidays)
    }

    /// Whether the calendar has any business time at all in a normal week.
    public var hasBusinessHours: Bool { weekly.contains { !$0.isEmpty } }

    /// The earliest instant `t >= start` such that the business time in `[start, t)` is `span`.
    /// With `span == 0` that is `start` itself when inside business hours, else the next opening.
    public func add(_ span: TimeSpan, to start: Timestamp) -> Timestamp {
        guard hasBusinessHours else { return .distantFuture }
        var remaining = max(0, span.millis)
        var t = start.millis
        var year = cache.yearOf(t)
        for _ in 0..<400 {
            let y = cache.year(year)
            let before = y.prefix(t)
            let target = before + remaining
            if remaining == 0 {
                if let next = y.nextBusinessInstant(atOrAfter: t) { return Timestamp(millis: next) }
            } else if target <= y.total {
                return Timestamp(millis: y.instant(reaching: target))
            }
            remaining = target - y.total
            if remaining < 0 { remaining = 0 }
            year += 1
            t = cache.year(year).begin
        }
        return .distantFuture
    }

    /// Business milliseconds in `[from, to)`.
    public func businessTime(from: Timestamp, to: Timestamp) -> TimeSpan {
        guard to > from, hasBusinessHours else { return .zero }
        let ya = cache.yearOf(from.millis)
        let yb = cache.yearOf(to.millis)
        if ya == yb {
            let y = cache.year(ya)
            return TimeSpan(millis: y.prefix(to.millis) - y.prefix(from.millis))
        }
        var total = cache.year(ya).total - cache.year(ya).prefix(from.millis)
        var y = ya + 1
        while y < yb {
            total += cache.year(y).total
            y += 1
        }
        total += cache.year(yb).prefix(to.millis)
        return TimeSpan(millis: total)
    }

    /// `start` moved by `span` of business time under `calendar`, or 24×7 when there is none —
    /// the one place that rule lives (policies and the engine both use it).
    @inlinable public static func add(_ span: TimeSpan, to start: Timestamp, in calendar: BusinessCalendar?)
        -> Timestamp
    {
        if let calendar { return calendar.add(span, to: start) }
        return start + span
    }

    /// Business time in `[from, to)` under `calendar`, or wall time when there is none; zero
    /// when `to <= from`.
    @inlinable public static func businessTime(from: Timestamp, to: Timestamp, in calendar: BusinessCalendar?)
        -> TimeSpan
    {
        if to <= from { return .zero }
        if let calendar { return calendar.businessTime(from: from, to: to) }
        return to - from
    }

    /// A canonical description for hashing (`policy_version`).
    public var canonicalDescription: String {
        let days = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
        var s = "tz=\(timeZone);"
        for (d, intervals) in weekly.enumerated() {
            s += days[d] + "=" + intervals.map { "\($0.start)-\($0.end)" }.joined(separator: ",") + ";"
        }
        s += "holidays=" + holidays.sorted().map(String.init).joined(separator: ",")
        return s
    }

    static func merge(_ intervals: [Interval]) -> [Interval] {
        var out: [Interval] = []
        for i in intervals.sorted(by: { $0.start < $1.start }) where i.end > i.start {
            if let last = out.last, i.start <= last.end {
                out[out.count - 1].end = max(last.end, i.end)
            } else {
                out.append(i)
            }
        }
        return out
    }
}

/// Business intervals of one local year as UTC milliseconds with prefix sums. A class: the
/// cache hands out one reference instead of copying four arrays per lookup.
final class CalendarYear: Sendable {
    /// UTC instant of local Jan 1 00:00 of this year and of the next.
    let begin: Int64
    let end: Int64
    let starts: [Int64]
    let ends: [Int64]
    /// Business ms before interval i (within this year).
    let cumulative: [Int64]
    let total: Int64

    init(begin: Int64, end: Int64, starts: [Int64], ends: [Int64], cumulative: [Int64], total: Int64) {
        self.begin = begin
        self.end = end
        self.starts = starts
        self.ends = ends
        self.cumulative = cumulative
        self.total = total
    }

    /// Business ms in [begin, t), t clamped to this year.
    func prefix(_ t: Int64) -> Int64 {
        // Last interval with start <= t.
        var lo = 0
        var hi = starts.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if starts[mid] <= t { lo = mid + 1 } else { hi = mid }
        }
        let i = lo - 1
        guard i >= 0 else { return 0 }
        return cumulative[i] + min(t, ends[i]) - starts[i]
    }

    /// The earliest instant whose prefix is `target` (0 < target <= total).
    func instant(reaching target: Int64) -> Int64 {
        // First interval whose cumulative end reaches target.
        var lo = 0
        var hi = starts.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] + (ends[mid] - starts[mid]) >= target { hi = mid } else { lo = mid + 1 }
        }
        return starts[lo] + (target - cumulative[lo])
    }

    /// `t` if inside an interval, else the next interval's start (nil if none this year).
    func nextBusinessInstant(atOrAfter t: Int64) -> Int64? {
        var lo = 0
        var hi = starts.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if ends[mid] <= t { lo = mid + 1 } else { hi = mid }
        }
        guard lo < starts.count else { return nil }
        return max(t, starts[lo])
    }
}

/// Lazily built years of one calendar. `@unchecked Sendable`: the cache is behind a Mutex and
/// the time zone is immutable.
final class YearCache: @unchecked Sendable {
    let timeZone: TimeZone
    let weekly: [[BusinessCalendar.Interval]]
    let holidays: Set<Int64>
    private let years = Mutex<[Int64: CalendarYear]>([:])

    init(timeZone: TimeZone, weekly: [[BusinessCalendar.Interval]], holidays: Set<Int64>) {
        self.timeZone = timeZone
        self.weekly = weekly
        self.holidays = holidays
    }

    /// The local year containing UTC instant t.
    func yearOf(_ t: Int64) -> Int64 {
        // Pure arithmetic on the hot path: guess the UTC year, then step by the cached year's
        // UTC bounds (a local year starts at most a day away from the UTC one). Foundation is
        // only consulted when a year is first built.
        var days = t / 86_400_000
        if t < 0, t % 86_400_000 != 0 { days -= 1 }
        var y = RFC3339.civil(fromDays: days).year
        for _ in 0..<2 {
            let year = self.year(y)
            if t < year.begin { y -= 1 } else if t >= year.end { y += 1 } else { return y }
        }
        return y
    }

    func year(_ y: Int64) -> CalendarYear {
        if let cached = years.withLock({ $0[y] }) { return cached }
        let built = build(y)
        years.withLock { $0[y] = built }
        return built
    }

    /// UTC instant of a local wall-clock time; times in a DST gap move forward past it, repeated
    /// times take their first occurrence.
    func utc(days: Int64, minute: Int) -> Int64 {
        let local = days * 86_400_000 + Int64(minute) * 60_000
        func offset(_ u: Int64) -> Int64 {
            Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(u) / 1000))) * 1000
        }
        let first = offset(local - 86_400_000 / 2)  // the offset before any transition that day
        let u1 = local - first
        if offset(u1) == first { return u1 }
        let second = offset(u1)
        let u2 = local - second
        if offset(u2) == second { return u2 }
        return u1  // in a gap: the wall time does not exist; use the instant just after it
    }

    func build(_ y: Int64) -> CalendarYear {
        let firstDay = RFC3339.days(year: y, month: 1, day: 1)
        let nextFirstDay = RFC3339.days(year: y + 1, month: 1, day: 1)
        var starts: [Int64] = []
        var ends: [Int64] = []
        var cumulative: [Int64] = []
        var total: Int64 = 0
        var day = firstDay
        while day < nextFirstDay {
            if !holidays.contains(day) {
                let weekday = Int(((day % 7) + 7 + 4) % 7)  // 1970-01-01 was a Thursday
                for i in weekly[weekday] {
                    let s = utc(days: day, minute: i.start)
                    let e = utc(days: day, minute: i.end)
                    guard e > s else { continue }
                    if let last = ends.last, s <= last {  // touching intervals across midnight
                        ends[ends.count - 1] = max(last, e)
                        total += max(0, e - last)
                        continue
                    }
                    starts.append(s)
                    ends.append(e)
                    cumulative.append(total)
                    total += e - s
                }
            }
            day += 1
        }
        return CalendarYear(
            begin: utc(days: firstDay, minute: 0), end: utc(days: nextFirstDay, minute: 0), starts: starts, ends: ends,
            cumulative: cumulative, total: total)
    }
}
