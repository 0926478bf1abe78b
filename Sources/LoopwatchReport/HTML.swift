import Foundation
import LoopwatchCore

/// Text helpers for the HTML page: escaping and the human spellings of rates, durations and
/// instants.
enum HTML {
    /// `s` safe as HTML text and as a quoted attribute value: `& < > " '` as character references.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// A rate as a percentage with one decimal (`87.5 %`), `—` when nil.
    static func percent(_ rate: Double?) -> String {
        guard let rate else { return "—" }
        return String(format: "%.1f\u{2009}%%", rate * 100)
    }

    /// A duration in seconds, short, in its two largest units (`3.5 s`, `42 s`, `4 min 12 s`,
    /// `15 min`, `1 h 5 min`, `2 d 3 h`).
    static func duration(_ seconds: Double) -> String {
        if seconds < 10 { return String(format: "%.1f\u{2009}s", seconds) }
        let s = Int64(seconds.rounded(.down))
        func pair(_ big: Int64, _ bigUnit: String, _ small: Int64, _ smallUnit: String) -> String {
            small == 0 ? "\(big)\u{2009}\(bigUnit)" : "\(big)\u{2009}\(bigUnit) \(small)\u{2009}\(smallUnit)"
        }
        if s < 60 { return "\(s)\u{2009}s" }
        if s < 3600 { return pair(s / 60, "min", s % 60, "s") }
        if s < 86_400 { return pair(s / 3600, "h", s % 3600 / 60, "min") }
        return pair(s / 86_400, "d", s % 86_400 / 3600, "h")
    }

    /// A duration in seconds in one unit, for narrow cells (`42 s`, `11 min`, `3.6 h`, `1.2 d`).
    static func shortDuration(_ seconds: Double) -> String {
        if seconds < 10 { return String(format: "%.1f\u{2009}s", seconds) }
        if seconds < 60 { return "\(Int(seconds))\u{2009}s" }
        if seconds < 3600 { return "\(Int((seconds / 60).rounded()))\u{2009}min" }
        if seconds < 86_400 { return String(format: "%.1f\u{2009}h", seconds / 3600) }
        return String(format: "%.1f\u{2009}d", seconds / 86_400)
    }

    /// A duration in seconds, or `—` when nil.
    static func duration(_ seconds: Double?) -> String { seconds.map(duration) ?? "—" }

    /// An instant as local `YYYY-MM-DD HH:MM` in `zone`.
    static func local(_ t: Timestamp, in zone: ReportTimeZone) -> String {
        let ms = zone.localMillis(t)
        let day = ReportTimeZone.floorDiv(ms, 86_400_000)
        let minutes = (ms - day * 86_400_000) / 60_000
        return "\(ReportTimeZone.dateString(day: day)) \(two(minutes / 60)):\(two(minutes % 60))"
    }

    /// A number of things with its noun (`1 concern`, `3 concerns`).
    static func count(_ n: Int, _ noun: String) -> String { "\(grouped(n)) \(n == 1 ? noun : noun + "s")" }

    /// An integer with thin-space thousands separators (`12 345`).
    static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out += "\u{2009}" }
            out.append(c)
        }
        return n < 0 ? "-" + out : out
    }

    /// A coordinate with at most one decimal (`12`, `12.5`).
    static func n(_ x: Double) -> String {
        let r = (x * 10).rounded() / 10
        return r == r.rounded() ? String(Int64(r)) : String(r)
    }

    static func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
}
