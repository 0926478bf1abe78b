/// The `breached` alerts of the period by local weekday (Monday first) and hour, as an inline
/// SVG grid: a sequential blue scale (darker: more), each cell titled with its count, non-zero
/// counts printed in the cell.
struct HeatMapChart {
    let counts: [[Int]]
    let timeZone: String

    static let weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    static let fullWeekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    /// Light to dark; index 0 is for an empty cell.
    static let scale = [
        "#f3f5f7", "#ddf4ff", "#b6e3ff", "#80ccff", "#54aeff", "#218bff", "#0969da", "#0550ae", "#0a3069",
    ]

    static let left = 44.0
    static let top = 22.0
    static let cell = 28.0
    static let cellHeight = 24.0

    var total: Int { counts.joined().reduce(0, +) }

    static func colour(_ n: Int, peak: Int) -> String {
        guard n > 0, peak > 0 else { return scale[0] }
        let steps = scale.count - 1
        let k = Int((Double(n) / Double(peak) * Double(steps)).rounded(.up))
        return scale[min(steps, max(1, k))]
    }

    func svg() -> String {
        let peak = counts.joined().max() ?? 0
        let width = Self.left + 24 * Self.cell + 4
        let height = Self.top + 7 * Self.cellHeight + 34
        var s = """
            <svg viewBox="0 0 \(HTML.n(width)) \(HTML.n(height))" role="img" aria-labelledby="heat-t heat-d">\
            <title id="heat-t">Breaches by hour of week (\(HTML.escape(timeZone))): \
            \(total) \(total == 1 ? "breach" : "breaches")</title>\
            <desc id="heat-d">\(HTML.escape(describe()))</desc>
            """
        for h in stride(from: 0, to: 24, by: 3) {
            let x = Self.left + Double(h) * Self.cell
            s += "<text x=\"\(HTML.n(x + 2))\" y=\"\(Int(Self.top - 8))\">\(HTML.two(Int64(h))):00</text>"
        }
        for (d, row) in counts.enumerated() {
            let y = Self.top + Double(d) * Self.cellHeight
            s += "<text x=\"\(Int(Self.left - 8))\" y=\"\(HTML.n(y + Self.cellHeight / 2 + 4))\" text-anchor=\"end\">"
            s += "\(Self.weekdays[d])</text>"
            for (h, n) in row.enumerated() {
                let x = Self.left + Double(h) * Self.cell
                let fill = Self.colour(n, peak: peak)
                s += "<rect x=\"\(HTML.n(x + 1))\" y=\"\(HTML.n(y + 1))\" width=\"\(HTML.n(Self.cell - 2))\" "
                s += "height=\"\(HTML.n(Self.cellHeight - 2))\" rx=\"3\" fill=\"\(fill)\"><title>"
                s += "\(Self.fullWeekdays[d]) \(HTML.two(Int64(h))):00–\(HTML.two(Int64(h + 1))):00: "
                s += "\(n) \(n == 1 ? "breach" : "breaches")</title></rect>"
                if n > 0 {
                    let dark = Self.scale.firstIndex(of: fill).map { $0 >= 5 } ?? false
                    s += "<text x=\"\(HTML.n(x + Self.cell / 2))\" y=\"\(HTML.n(y + Self.cellHeight / 2 + 4))\" "
                    s += "text-anchor=\"middle\" style=\"fill:\(dark ? "#ffffff" : "#1f2328");font-size:10px\">"
                    s += "\(n)</text>"
                }
            }
        }
        // Scale legend.
        let ly = Self.top + 7 * Self.cellHeight + 14
        s += "<text x=\"\(Int(Self.left))\" y=\"\(HTML.n(ly + 9))\">fewer</text>"
        for (k, c) in Self.scale.enumerated() {
            s +=
                "<rect x=\"\(HTML.n(Self.left + 36 + Double(k) * 16))\" y=\"\(HTML.n(ly))\" width=\"14\" height=\"10\" "
            s += "rx=\"2\" fill=\"\(c)\"/>"
        }
        s += "<text x=\"\(HTML.n(Self.left + 40 + Double(Self.scale.count) * 16))\" y=\"\(HTML.n(ly + 9))\">"
        s += "more (peak \(peak))</text>"
        return s + "</svg>"
    }

    /// The text fallback: the total and the busiest hours.
    func describe() -> String {
        guard total > 0 else { return "No breach in the period." }
        var cells: [(d: Int, h: Int, n: Int)] = []
        for (d, row) in counts.enumerated() { for (h, n) in row.enumerated() where n > 0 { cells.append((d, h, n)) } }
        cells.sort { ($0.n, -$0.d * 24 - $0.h) > ($1.n, -$1.d * 24 - $1.h) }
        let top = cells.prefix(5).map {
            "\(Self.fullWeekdays[$0.d]) \(HTML.two(Int64($0.h))):00 (\($0.n))"
        }
        return "\(total) \(total == 1 ? "breach" : "breaches") in \(cells.count) hours of the week; busiest: "
            + top.joined(separator: ", ") + "."
    }
}
