import Foundation
import LoopwatchCore

/// The response-time distribution of one metric as inline SVG on a log time axis: a histogram of
/// every answered concern, the overall p50 / p90 / p99 as marked lines, and one row per channel
/// with its range (p50–p90 bar, p99 whisker, max tick).
struct ResponseTimeChart {
    let metric: SLAMetric
    let histogram: ResponseTimeHistogram
    /// "All channels" first, then the channels with answered concerns of the metric.
    let rows: [(name: String, summary: ResponseTimeSummary)]

    static let width = 760.0
    static let left = 132.0
    static let right = 744.0
    static let barTop = 52.0
    static let barBottom = 170.0
    static let rowHeight = 24.0
    /// Labelled ticks: log₁₀ seconds and their spelling.
    static let ticks: [(Double, String)] = [
        (0, "1 s"), (1, "10 s"), (log10(60), "1 min"), (log10(600), "10 min"), (log10(3600), "1 h"),
        (log10(6 * 3600), "6 h"), (log10(86_400), "1 d"), (log10(7 * 86_400), "1 wk"), (log10(30 * 86_400), "30 d"),
    ]

    static func x(log10 v: Double) -> Double {
        let lo = ResponseTimeHistogram.lowerLog10
        let hi = ResponseTimeHistogram.lowerEdgeLog10(ResponseTimeHistogram.binCount)
        let clamped = min(hi, max(lo, v))
        return left + (clamped - lo) / (hi - lo) * (right - left)
    }

    static func x(seconds: Double) -> Double { x(log10: log10(max(seconds, 0.001))) }

    func svg() -> String {
        let name = metric == .firstResponse ? "First response" : "Next response"
        let id = "rt-\(metric.name)"
        guard let all = rows.first?.summary else {
            return """
                <svg viewBox="0 0 \(Int(Self.width)) 56" role="img" aria-labelledby="\(id)-t">\
                <title id="\(id)-t">\(name) times: no answered concern in the period</title>\
                <text class="empty" x="\(Int(Self.left))" y="32">No answered \(name.lowercased()) concern \
                in the period.</text></svg>
                """
        }
        let axisY = Self.barBottom
        let rowsTop = axisY + 34
        let height = rowsTop + Double(rows.count) * Self.rowHeight + 8
        var s = """
            <svg viewBox="0 0 \(Int(Self.width)) \(HTML.n(height))" role="img" \
            aria-labelledby="\(id)-t \(id)-d"><title id="\(id)-t">\(name) times of \
            \(HTML.count(all.count, "answered concern")), log time axis</title>\
            <desc id="\(id)-d">\(HTML.escape(Self.describe(rows)))</desc>
            """
        // Grid and axis.
        for (v, label) in Self.ticks {
            let x = HTML.n(Self.x(log10: v))
            s += "<line class=\"grid\" x1=\"\(x)\" x2=\"\(x)\" y1=\"\(HTML.n(Self.barTop - 6))\" "
            s += "y2=\"\(HTML.n(height - 6))\"/>"
            s += "<text x=\"\(x)\" y=\"\(HTML.n(axisY + 16))\" text-anchor=\"middle\">\(label)</text>"
        }
        s += "<line class=\"axis\" x1=\"\(Int(Self.left))\" x2=\"\(Int(Self.right))\" y1=\"\(Int(axisY))\" "
        s += "y2=\"\(Int(axisY))\"/>"
        s += "<text x=\"\(Int(Self.left - 10))\" y=\"\(Int(Self.barTop + 4))\" text-anchor=\"end\">concerns</text>"
        // Histogram bars.
        let peak = max(1, histogram.counts.max() ?? 1)
        s += "<text x=\"\(Int(Self.left - 10))\" y=\"\(Int(Self.barTop + 18))\" text-anchor=\"end\">"
        s += "peak \(peak)</text>"
        for (i, count) in histogram.counts.enumerated() where count > 0 {
            let x0 = Self.x(log10: ResponseTimeHistogram.lowerEdgeLog10(i)) + 1
            let x1 = Self.x(log10: ResponseTimeHistogram.lowerEdgeLog10(i + 1)) - 1
            let h = max(2, Double(count) / Double(peak) * (axisY - Self.barTop))
            let lowS = pow(10, ResponseTimeHistogram.lowerEdgeLog10(i))
            let highS = pow(10, ResponseTimeHistogram.lowerEdgeLog10(i + 1))
            s += "<rect x=\"\(HTML.n(x0))\" y=\"\(HTML.n(axisY - h))\" width=\"\(HTML.n(x1 - x0))\" "
            s += "height=\"\(HTML.n(h))\" rx=\"1.5\" fill=\"#54aeff\"><title>\(HTML.count(count, "concern")) answered "
            s += "in \(HTML.duration(lowS))–\(HTML.duration(highS))</title></rect>"
        }
        // Overall percentiles.
        for (label, v, dy) in [("p50", all.p50, 0.0), ("p90", all.p90, 12.0), ("p99", all.p99, 24.0)] {
            let x = HTML.n(Self.x(seconds: v))
            s += "<line x1=\"\(x)\" x2=\"\(x)\" y1=\"\(HTML.n(16 + dy))\" y2=\"\(Int(axisY))\" "
            s += "stroke=\"#0a3069\" stroke-width=\"1.2\" stroke-dasharray=\"3 3\"/>"
            s += "<text x=\"\(x)\" y=\"\(HTML.n(12 + dy))\" dx=\"4\" "
            s += "style=\"fill:#0a3069;font-weight:600\">\(label) \(HTML.duration(v))</text>"
        }
        // One range row per group.
        s += "<text x=\"\(Int(Self.left - 10))\" y=\"\(HTML.n(rowsTop - 8))\" text-anchor=\"end\">"
        s += "p50–p90 · p99 · max</text>"
        for (k, row) in rows.enumerated() {
            let y = rowsTop + Double(k) * Self.rowHeight + Self.rowHeight / 2
            let r = row.summary
            let (x50, x90, x99, xMax) = (
                Self.x(seconds: r.p50), Self.x(seconds: r.p90), Self.x(seconds: r.p99), Self.x(seconds: r.max)
            )
            let label = k == 0 ? "All channels" : row.name
            s += "<g><title>\(HTML.escape(label)): \(HTML.escape(Self.describe(r)))</title>"
            s += "<text x=\"\(Int(Self.left - 10))\" y=\"\(HTML.n(y + 4))\" text-anchor=\"end\""
            s += k == 0 ? " style=\"fill:#1f2328;font-weight:600\">" : " style=\"fill:#1f2328\">"
            s += "\(HTML.escape(Self.clip(label)))</text>"
            s += "<line x1=\"\(HTML.n(x90))\" x2=\"\(HTML.n(x99))\" y1=\"\(HTML.n(y))\" y2=\"\(HTML.n(y))\" "
            s += "stroke=\"#0969da\" stroke-width=\"1.5\"/>"
            s += "<rect x=\"\(HTML.n(x50))\" y=\"\(HTML.n(y - 5))\" width=\"\(HTML.n(max(2, x90 - x50)))\" "
            s += "height=\"10\" rx=\"3\" fill=\"#0969da\" fill-opacity=\"0.85\"/>"
            s += "<line x1=\"\(HTML.n(x99))\" x2=\"\(HTML.n(x99))\" y1=\"\(HTML.n(y - 5))\" "
            s += "y2=\"\(HTML.n(y + 5))\" stroke=\"#0969da\" stroke-width=\"1.5\"/>"
            s += "<line x1=\"\(HTML.n(xMax))\" x2=\"\(HTML.n(xMax))\" y1=\"\(HTML.n(y - 7))\" "
            s += "y2=\"\(HTML.n(y + 7))\" stroke=\"#1f2328\" stroke-width=\"1.5\"/>"
            s += "<circle cx=\"\(HTML.n(x50))\" cy=\"\(HTML.n(y))\" r=\"3.5\" fill=\"#fff\" stroke=\"#0a3069\" "
            s += "stroke-width=\"1.5\"/></g>"
        }
        return s + "</svg>"
    }

    /// A channel name short enough for the label column.
    static func clip(_ s: String) -> String { s.count <= 18 ? s : String(s.prefix(17)) + "…" }

    static func describe(_ r: ResponseTimeSummary) -> String {
        "\(HTML.count(r.count, "answered concern")); p50 \(HTML.duration(r.p50)), p90 \(HTML.duration(r.p90)), "
            + "p99 \(HTML.duration(r.p99)), max \(HTML.duration(r.max))"
    }

    static func describe(_ rows: [(name: String, summary: ResponseTimeSummary)]) -> String {
        rows.enumerated().map { k, row in "\(k == 0 ? "All channels" : row.name): \(describe(row.summary))" }
            .joined(separator: ". ")
    }
}
