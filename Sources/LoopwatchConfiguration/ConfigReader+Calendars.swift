import Foundation
import LoopwatchCore
import Yams

/// `calendars:` — named business calendars: a time zone, weekly hours, holidays.
extension ConfigReader {
    mutating func calendars(_ node: Node?) -> [String: BusinessCalendar] {
        var out: [String: BusinessCalendar] = [:]
        guard let node, !isNull(node), let m = mapping(node, path: "calendars", allowed: nil) else { return out }
        for (name, _, v) in m {
            declaredCalendars.insert(name)
            if let c = calendar(name: name, v) { out[name] = c }
        }
        return out
    }

    mutating func calendar(name: String, _ node: Node) -> BusinessCalendar? {
        let path = "calendars.\(name)"
        guard let m = mapping(node, path: path, section: .calendar) else { return nil }
        func value(_ k: String) -> Node? { m.first { $0.key == k }?.value }
        var ok = true
        let tzNode = required(value("timezone"), in: node, path: "\(path).timezone")
        let tz = tzNode.flatMap { string($0, path: "\(path).timezone")?.value }
        if let tz, TimeZone(identifier: tz) == nil {
            error(
                tzNode, .invalidValue,
                "\(path).timezone: \"\(tz)\" is not an IANA time zone (e.g. Asia/Qatar, America/New_York)")
            ok = false
        }
        var weekly = Array(repeating: [BusinessCalendar.Interval](), count: 7)
        if let w = required(value("weekly"), in: node, path: "\(path).weekly") {
            if !self.weekly(w, path: "\(path).weekly", into: &weekly) {
                ok = false
            } else if ok, weekly.allSatisfy(\.isEmpty) {
                error(
                    w, .invalidValue, "\(path).weekly: no business hours at all — deadlines would never be reached")
                ok = false
            }
        } else {
            ok = false
        }
        var holidays: Set<Int64> = []
        if let h = value("holidays"), !isNull(h), let list = stringItems(h, path: "\(path).holidays") {
            for (d, item) in list {
                if let day = Self.date(d) {
                    holidays.insert(day)
                } else {
                    error(item, .invalidValue, "\(path).holidays: \"\(d)\" is not a date YYYY-MM-DD")
                    ok = false
                }
            }
        }
        guard ok, let tz else { return nil }
        return BusinessCalendar(name: name, timeZone: tz, weekly: weekly, holidays: holidays)
    }

    /// `weekly:` — day specs to lists of intervals; false when any of them is wrong.
    private mutating func weekly(
        _ node: Node, path: String, into weekly: inout [[BusinessCalendar.Interval]]
    ) -> Bool {
        guard let days = mapping(node, path: path, allowed: nil) else { return false }
        var ok = true
        for (spec, keyNode, intervals) in days {
            guard let dayIndexes = Self.days(spec) else {
                error(
                    keyNode, .invalidValue,
                    "\(path): \"\(spec)\" is not a day or day range (mon … sun, e.g. mon-fri, sun-thu, sat,sun)")
                ok = false
                continue
            }
            guard let list = stringItems(intervals, path: "\(path).\(spec)") else {
                ok = false
                continue
            }
            for (text, item) in list {
                guard let interval = Self.interval(text) else {
                    error(
                        item, .invalidValue,
                        "\(path).\(spec): \"\(text)\" is not an interval HH:MM-HH:MM with start before end "
                            + "(end may be 24:00)")
                    ok = false
                    continue
                }
                for d in dayIndexes { weekly[d].append(interval) }
            }
        }
        return ok
    }

    static let dayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
    static let fullDayNames = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]

    /// `mon` or `monday` (any case) → weekday index (0 = Sunday); nil for anything else (`mondo`).
    static func day(_ name: Substring) -> Int? {
        let n = name.trimmingCharacters(in: .whitespaces).lowercased()
        return dayNames.firstIndex(of: n) ?? fullDayNames.firstIndex(of: n)
    }

    /// `mon`, `sun-thu`, `fri-mon` (wraps), `sat,sun`, `mon-wed,fri`, `monday-friday` → weekday
    /// indexes (0 = Sunday).
    static func days(_ spec: String) -> [Int]? {
        var out: [Int] = []
        for part in spec.split(separator: ",", omittingEmptySubsequences: false) {
            let ends = part.split(separator: "-", omittingEmptySubsequences: false)
            guard (1...2).contains(ends.count), let a = day(ends[0]), let b = day(ends[ends.count - 1]) else {
                return nil
            }
            var d = a
            while true {
                out.append(d)
                if d == b { break }
                d = (d + 1) % 7
            }
        }
        return out.isEmpty ? nil : out
    }

    /// `08:00-13:00` → minutes; end may be `24:00`.
    static func interval(_ text: String) -> BusinessCalendar.Interval? {
        let parts = text.replacingOccurrences(of: " ", with: "").split(separator: "-").map(String.init)
        guard parts.count == 2, let s = minutes(parts[0]), let e = minutes(parts[1]), s < e else { return nil }
        return .init(start: s, end: e)
    }

    /// `HH:MM` (or `H:MM`) → minutes since midnight, up to `24:00`.
    static func minutes(_ hhmm: String) -> Int? {
        let p = hhmm.split(separator: ":")
        guard p.count == 2, p[0].count <= 2, p[1].count == 2, let h = Int(p[0]), let m = Int(p[1]),
            (0...59).contains(m)
        else { return nil }
        let total = h * 60 + m
        return (0...1440).contains(total) ? total : nil
    }

    /// `YYYY-MM-DD` → days since 1970-01-01.
    static func date(_ text: String) -> Int64? {
        let p = text.split(separator: "-")
        guard p.count == 3, p[0].count == 4, p[1].count == 2, p[2].count == 2,
            let y = Int64(p[0]), let m = Int64(p[1]), let d = Int64(p[2]), (1...12).contains(m), d >= 1
        else { return nil }
        let days = RFC3339.days(year: y, month: m, day: d)
        guard RFC3339.civil(fromDays: days) == (y, m, d) else { return nil }
        return days
    }
}
