/// The daily trend of both rates as an inline SVG line chart: answered rate (solid, circles) and
/// within-target rate (dashed, squares) per local day of `concern_since`, with the 90 % and 50 %
/// status thresholds; days without a decided concern break the lines.
struct TrendChart {
    let days: [SocialStatus.Day]

    static let width = 760.0
    static let height = 250.0
    static let left = 48.0
    static let right = 700.0
    static let top = 16.0
    static let bottom = 212.0

    static func y(_ rate: Double) -> Double { bottom - rate * (bottom - top) }

    func x(_ day: Int64) -> Double {
        guard let first = days.first?.day, let last = days.last?.day, last > first else {
            return (Self.left + Self.right) / 2
        }
        return Self.left + 12 + Double(day - first) / Double(last - first) * (Self.right - Self.left - 24)
    }

    func svg() -> String {
        let decided = days.filter { $0.decided > 0 }
        guard !decided.isEmpty else {
            return """
                <svg viewBox="0 0 \(Int(Self.width)) 56" role="img" aria-labelledby="trend-t">\
                <title id="trend-t">Daily trend: no decided concern in the period</title>\
                <text class="empty" x="\(Int(Self.left))" y="32">No decided concern in the period.</text></svg>
                """
        }
        var s = """
            <svg viewBox="0 0 \(Int(Self.width)) \(Int(Self.height))" role="img" aria-labelledby="trend-t trend-d">\
            <title id="trend-t">Daily answered and within-target rates over \(HTML.count(decided.count, "day"))\
            </title><desc id="trend-d">\(HTML.escape(describe(decided)))</desc>
            """
        for pct in stride(from: 0, through: 100, by: 25) {
            let y = HTML.n(Self.y(Double(pct) / 100))
            s += "<line class=\"grid\" x1=\"\(Int(Self.left))\" x2=\"\(Int(Self.right))\" y1=\"\(y)\" y2=\"\(y)\"/>"
            s += "<text x=\"\(Int(Self.left - 8))\" y=\"\(y)\" dy=\"4\" text-anchor=\"end\">\(pct) %</text>"
        }
        // The status thresholds, labelled in the right margin.
        for (rate, label) in [(0.9, "90 %"), (0.5, "50 %")] {
            let y = HTML.n(Self.y(rate))
            s += "<line x1=\"\(Int(Self.left))\" x2=\"\(Int(Self.right))\" y1=\"\(y)\" y2=\"\(y)\" "
            s += "stroke=\"#57606a\" stroke-dasharray=\"2 3\"/>"
            s += "<text x=\"\(Int(Self.right + 6))\" y=\"\(y)\" dy=\"4\">\(label)</text>"
        }
        s += "<line class=\"axis\" x1=\"\(Int(Self.left))\" x2=\"\(Int(Self.right))\" y1=\"\(Int(Self.bottom))\" "
        s += "y2=\"\(Int(Self.bottom))\"/>"
        // Date labels: at most eight, evenly spread over the days drawn.
        let step = max(1, (decided.count + 7) / 8)
        for (k, d) in decided.enumerated() where k % step == 0 || (k == decided.count - 1 && (k % step) * 3 >= step * 2)
        {
            s += "<text x=\"\(HTML.n(x(d.day)))\" y=\"\(Int(Self.bottom + 18))\" text-anchor=\"middle\">"
            s += "\(d.date.dropFirst(5))</text>"
        }
        s += line(decided, rate: \.answeredRate, colour: "#0969da", dashed: false)
        s += line(decided, rate: \.withinTargetRate, colour: "#bc4c00", dashed: true)
        for d in decided {
            let cx = HTML.n(x(d.day))
            if let r = d.answeredRate {
                s += "<circle cx=\"\(cx)\" cy=\"\(HTML.n(Self.y(r)))\" r=\"3.5\" fill=\"#0969da\">"
                s += "<title>\(d.date): answered \(HTML.percent(r)) of \(d.decided)</title></circle>"
            }
            if let r = d.withinTargetRate {
                let y = Self.y(r)
                s += "<rect x=\"\(HTML.n(x(d.day) - 3.5))\" y=\"\(HTML.n(y - 3.5))\" width=\"7\" height=\"7\" "
                s += "fill=\"#fff\" stroke=\"#bc4c00\" stroke-width=\"1.6\"><title>\(d.date): within target "
                s += "\(HTML.percent(r)) of \(d.decided)</title></rect>"
            }
        }
        return s + "</svg>"
    }

    /// Polylines through consecutive days (a day missing breaks the line).
    func line(
        _ days: [SocialStatus.Day], rate: KeyPath<SocialStatus.Day, Double?>, colour: String, dashed: Bool
    ) -> String {
        var out = ""
        var run: [String] = []
        var previous: Int64? = nil
        func flush() {
            if run.count > 1 {
                out += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" stroke-linejoin=\"round\""
                out += dashed ? " stroke-dasharray=\"6 4\"" : ""
                out += " points=\"\(run.joined(separator: " "))\"/>"
            }
            run = []
        }
        for d in days {
            guard let r = d[keyPath: rate] else { continue }
            if let p = previous, d.day != p + 1 { flush() }
            run.append("\(HTML.n(x(d.day))),\(HTML.n(Self.y(r)))")
            previous = d.day
        }
        flush()
        return out
    }

    func describe(_ days: [SocialStatus.Day]) -> String {
        days.map { d in
            "\(d.date): answered \(HTML.percent(d.answeredRate)), within target \(HTML.percent(d.withinTargetRate)) "
                + "of \(d.decided) decided"
        }.joined(separator: "; ")
    }
}
