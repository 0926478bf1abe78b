import LoopwatchCore

extension SocialStatus {
    /// The report as one self-contained HTML page: inline CSS and SVG, no script, no font, image
    /// or style sheet from anywhere else — it opens without a network, and prints. Every text that
    /// comes from events or the configuration is escaped.
    public func html() -> String {
        var page = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="generator" content="loopwatch report">
            <title>Social status · \(HTML.escape(periodText))</title>
            <style>
            \(ReportStyle.css)
            </style>
            </head>
            <body>
            <main>

            """
        page += header() + overallSection() + channelSection() + policySection() + responseTimeSection()
        page += trendSection() + heatMapSection() + longestOpenSection() + footer()
        page += "</main>\n</body>\n</html>\n"
        return page
    }

    /// `2026-11-02 08:00 – 2026-11-08 18:00 (UTC)`.
    var periodText: String {
        guard let since, let until else { return "no events" }
        return "\(HTML.local(since, in: timeZone)) – \(HTML.local(until, in: timeZone)) (\(timeZone.identifier))"
    }

    static func statusPill(_ s: GroupStatus.Status, big: Bool = false) -> String {
        let mark =
            switch s {
            case .closingTheLoop: "✓"
            case .partial: "◐"
            case .oneWay: "✕"
            case .noData: "–"
            }
        return "<span class=\"status \(s.rawValue)\(big ? " big" : "")\"><span aria-hidden=\"true\">\(mark)</span> "
            + "\(s.label)</span>"
    }

    static func meter(_ label: String, _ rate: Double?, kind: String) -> String {
        let width = HTML.n(min(1, max(0, rate ?? 0)) * 100)
        return "<div class=\"meter\"><span>\(label)</span><div class=\"track\" aria-hidden=\"true\">"
            + "<div class=\"fill \(kind)\" style=\"width:\(width)%\"></div></div>"
            + "<span class=\"pct\">\(HTML.percent(rate))</span></div>"
    }

    func header() -> String {
        """
        <header class="page">
        <h1>Social status</h1>
        <p class="muted">\(HTML.escape(periodText))</p>
        <p class="lede">Is the loop closed? Every customer response — a comment, a reply, a DM, a review — \
        should get an acknowledgement from the brand, fast. Broadcasting alone is one-way social networking.</p>
        </header>

        """
    }

    func overallSection() -> String {
        let g = overall
        var s = "<section class=\"overall\" aria-label=\"Overall\">\n<div>\n<h2>Overall</h2>\n"
        s += "<p style=\"margin:8px 0 10px\">\(Self.statusPill(g.status, big: true))</p>\n"
        s += "<p class=\"muted\">\(HTML.count(g.decided, "decided concern")) of \(HTML.grouped(g.concerns))"
        s += badEvents > 0 ? " · \(HTML.count(badEvents, "bad line")) skipped" : ""
        s += "</p>\n</div>\n<div>\n<div class=\"figures\">\n"
        let figures: [(String, String)] = [
            (HTML.percent(g.answeredRate), "answered"), (HTML.percent(g.withinTargetRate), "within target"),
            (HTML.duration(g.firstResponse?.p50), "first response p50"),
            (HTML.grouped(g.customerMessages), "customer messages"), (HTML.grouped(g.broadcasts), "broadcasts"),
        ]
        for (value, label) in figures {
            s += "<div class=\"figure\"><div class=\"value\">\(value)</div><div class=\"label\">\(label)</div></div>\n"
        }
        s += "</div>\n" + Self.breakdown(g) + "</div>\n</section>\n\n"
        return s
    }

    /// A stacked bar of the concerns by outcome, with its legend.
    static func breakdown(_ g: GroupStatus) -> String {
        let parts: [(String, Int, String)] = [
            ("k-within", g.answeredWithinTarget, "answered within target"), ("k-late", g.answeredLate, "answered late"),
            ("k-closed", g.closedUnanswered, "closed unanswered"), ("k-overdue", g.openOverdue, "open, overdue"),
            ("k-open", g.open - g.openOverdue, "open, in time"),
        ]
        guard g.concerns > 0 else {
            return "<p class=\"muted\" style=\"margin-top:14px\">No concern in the period.</p>\n"
        }
        var s = "<div class=\"breakdown\" style=\"margin-top:16px\" role=\"img\" aria-label=\""
        s += parts.map { "\($0.1) \($0.2)" }.joined(separator: ", ") + "\">"
        for (cls, n, label) in parts where n > 0 {
            let w = HTML.n(Double(n) / Double(g.concerns) * 100)
            s += "<span class=\"\(cls)\" style=\"width:\(w)%\" title=\"\(n) \(label)\"></span>"
        }
        s += "</div>\n<div class=\"legend\">"
        for (cls, n, label) in parts { s += "<span><i class=\"\(cls)\"></i>\(label) \(HTML.grouped(n))</span>" }
        return s + "</div>\n"
    }

    func channelSection() -> String {
        var s = "<section aria-labelledby=\"channels-h\">\n<h2 id=\"channels-h\">Channels</h2>\n"
        s += "<p class=\"note\">Within target ≥ 90 % is closing the loop; answering under half is one-way.</p>\n"
        guard !channels.isEmpty else { return s + "<p class=\"muted\">No channel in the period.</p>\n</section>\n\n" }
        s += "<div class=\"cards\">\n"
        for c in channels {
            let g = c.group
            s += "<article class=\"card \(g.status.rawValue)\">\n<div class=\"head\"><h3 class=\"name\">"
            s += "\(HTML.escape(c.name))</h3>\(Self.statusPill(g.status))</div>\n"
            s += Self.meter("answered", g.answeredRate, kind: "answered") + "\n"
            s += Self.meter("within target", g.withinTargetRate, kind: "within") + "\n"
            s += "<dl class=\"stats\">"
            for (n, label) in [(g.concerns, "concerns"), (g.openOverdue, "overdue"), (g.customerMessages, "messages")] {
                s += "<div><dt>\(label)</dt><dd>\(HTML.grouped(n))</dd></div>"
            }
            s += "</dl>\n<p class=\"counts\">\(HTML.count(g.broadcasts, "broadcast")) · p50 first response "
            s += "\(HTML.duration(g.firstResponse?.p50)), next \(HTML.duration(g.nextResponse?.p50))"
            s += "</p>\n</article>\n"
        }
        return s + "</div>\n</section>\n\n"
    }

    func policySection() -> String {
        var s = "<section aria-labelledby=\"policies-h\">\n<h2 id=\"policies-h\">Policies</h2>\n"
        guard !policies.isEmpty else { return s + "<p class=\"muted\">No policy in the period.</p>\n</section>\n\n" }
        s += "<div class=\"scroll\"><table class=\"policies\">\n<thead><tr><th>policy</th><th>status</th>"
        s += "<th class=\"num\">concerns</th>"
        s += "<th class=\"num\">within</th><th class=\"num\">late</th><th class=\"num\">closed</th>"
        s += "<th class=\"num\">open (overdue)</th><th class=\"num\">answered</th><th class=\"num\">within target</th>"
        s += "<th class=\"num\">first p50 / p90</th><th class=\"num\">next p50 / p90</th></tr></thead>\n<tbody>\n"
        for p in policies {
            let g = p.group
            s += "<tr><td>\(HTML.escape(p.name))</td><td>\(Self.statusPill(g.status))</td>"
            for n in [g.concerns, g.answeredWithinTarget, g.answeredLate, g.closedUnanswered] {
                s += "<td class=\"num\">\(HTML.grouped(n))</td>"
            }
            s += "<td class=\"num\">\(HTML.grouped(g.open)) (\(HTML.grouped(g.openOverdue)))</td>"
            s += "<td class=\"num\">\(HTML.percent(g.answeredRate))</td><td class=\"num\">"
            s += "\(HTML.percent(g.withinTargetRate))</td>"
            for r in [g.firstResponse, g.nextResponse] {
                s += "<td class=\"num\">"
                s += r.map { "\(HTML.shortDuration($0.p50)) / \(HTML.shortDuration($0.p90))" } ?? "—"
                s += "</td>"
            }
            s += "</tr>\n"
        }
        return s + "</tbody>\n</table></div>\n</section>\n\n"
    }

    func responseTimeSection() -> String {
        var s = "<section aria-labelledby=\"rt-h\">\n<h2 id=\"rt-h\">Response times</h2>\n"
        s += "<p class=\"note\">From the oldest unanswered customer message to the acknowledgement that answered it, "
        s += "on a log time axis. Bars: answered concerns per time band; rows: each channel's p50–p90 (bar), "
        s += "p99 (whisker) and maximum (tick).</p>\n"
        for metric in [SLAMetric.firstResponse, .nextResponse] {
            var rows: [(name: String, summary: ResponseTimeSummary)] = []
            if let all = overall.responseTimes(metric) { rows.append(("All channels", all)) }
            for c in channels { if let r = c.group.responseTimes(metric) { rows.append((c.name, r)) } }
            let chart = ResponseTimeChart(metric: metric, histogram: histogram(metric), rows: rows)
            s += "<figure>\n<h3>\(metric == .firstResponse ? "First response" : "Next response")</h3>\n"
            s += chart.svg() + "\n" + Self.responseTable(rows) + "</figure>\n"
        }
        return s + "</section>\n\n"
    }

    /// The text fallback of a response-time chart: its figures as a table.
    static func responseTable(_ rows: [(name: String, summary: ResponseTimeSummary)]) -> String {
        guard !rows.isEmpty else { return "" }
        var s = "<details><summary>Figures</summary><div class=\"scroll\"><table>\n<thead><tr><th>channel</th>"
        s += "<th class=\"num\">answered</th><th class=\"num\">p50</th><th class=\"num\">p90</th>"
        s += "<th class=\"num\">p99</th><th class=\"num\">max</th></tr></thead>\n<tbody>\n"
        for r in rows {
            s += "<tr><td>\(HTML.escape(r.name))</td><td class=\"num\">\(HTML.grouped(r.summary.count))</td>"
            for v in [r.summary.p50, r.summary.p90, r.summary.p99, r.summary.max] {
                s += "<td class=\"num\">\(HTML.duration(v))</td>"
            }
            s += "</tr>\n"
        }
        return s + "</tbody>\n</table></div></details>\n"
    }

    func trendSection() -> String {
        var s = "<section aria-labelledby=\"trend-h\">\n<h2 id=\"trend-h\">Daily trend</h2>\n"
        s += "<p class=\"note\">Concerns by the day they started (\(HTML.escape(timeZone.identifier))), "
        s += "as decided at the end of the period.</p>\n<div class=\"legend\" style=\"margin:0 0 8px\">"
        s += "<span><i class=\"line\" style=\"background:var(--answered)\"></i>answered rate</span>"
        s += "<span><i class=\"line dashed\"></i>within-target rate</span>"
        s += "<span>dotted: 90 % (closing the loop) and 50 % (one-way below)</span></div>\n<figure>\n"
        s += TrendChart(days: daily).svg() + "\n</figure>\n"
        let decided = daily.filter { $0.decided > 0 }
        if !decided.isEmpty {
            s += "<details><summary>Daily figures</summary><div class=\"scroll\"><table>\n<thead><tr><th>day</th>"
            s += "<th class=\"num\">decided</th><th class=\"num\">answered</th><th class=\"num\">within target</th>"
            s += "</tr></thead>\n<tbody>\n"
            for d in decided {
                s += "<tr><td>\(d.date)</td><td class=\"num\">\(d.decided)</td><td class=\"num\">"
                s += "\(HTML.percent(d.answeredRate))</td><td class=\"num\">"
                s += "\(HTML.percent(d.withinTargetRate))</td></tr>\n"
            }
            s += "</tbody>\n</table></div></details>\n"
        }
        return s + "</section>\n\n"
    }

    func heatMapSection() -> String {
        let chart = HeatMapChart(counts: breachesByHourOfWeek, timeZone: timeZone.identifier)
        var s = "<section aria-labelledby=\"heat-h\">\n<h2 id=\"heat-h\">Breaches by hour of week</h2>\n"
        s += "<p class=\"note\">When deadlines passed unanswered, by local weekday and hour "
        s += "(\(HTML.escape(timeZone.identifier))).</p>\n<figure>\n\(chart.svg())\n<figcaption>"
        s += HTML.escape(chart.describe()) + "</figcaption>\n</figure>\n</section>\n\n"
        return s
    }

    func longestOpenSection() -> String {
        var s = "<section aria-labelledby=\"open-h\">\n<h2 id=\"open-h\">Longest open concerns</h2>\n"
        guard !longestOpen.isEmpty else {
            return s + "<p class=\"note\">No concern still open at the end of the period.</p>\n</section>\n\n"
        }
        s += "<p class=\"note\">\(HTML.count(overall.open, "concern")) still open at the end of the period, "
        s += "\(HTML.grouped(overall.openOverdue)) of them overdue"
        s += overall.open > longestOpen.count ? "; the \(longestOpen.count) oldest:" : "."
        s += "</p>\n"
        s += "<div class=\"scroll\"><table>\n<thead><tr><th>conversation</th><th>channel</th><th>policy</th>"
        s += "<th>metric</th><th>since</th><th>deadline</th><th class=\"num\">open for</th>"
        s += "<th class=\"num\">messages</th></tr></thead>\n<tbody>\n"
        for o in longestOpen {
            s += "<tr><td class=\"id\">\(HTML.escape(o.conversationID))</td><td>\(HTML.escape(o.channel))</td>"
            s +=
                "<td>\(HTML.escape(o.policyName))</td>"
                + "<td class=\"when\">\(o.metric.name.replacingOccurrences(of: "_", with: " "))</td>"
            s += "<td class=\"when\">\(HTML.local(o.concernSince, in: timeZone))</td><td class=\"when\">"
            if let d = o.deadline {
                let overdue = until.map { o.isOverdue(at: $0) } ?? false
                s +=
                    overdue
                    ? "<span class=\"overdue\">\(HTML.local(d, in: timeZone))</span> <span class=\"tag\">overdue</span>"
                    : HTML.local(d, in: timeZone)
            } else {
                s += "<span class=\"muted\">none</span>"
            }
            let open = until.map { Double(($0 - o.concernSince).millis) / 1000 }
            s += "</td><td class=\"num\">\(HTML.duration(open))</td><td class=\"num\">\(o.unansweredCount)</td></tr>\n"
        }
        return s + "</tbody>\n</table></div>\n</section>\n\n"
    }

    func footer() -> String {
        """
        <footer>
        <p>Generated by <strong>loopwatch report</strong> from recorded events; times in \
        \(HTML.escape(timeZone.identifier)).</p>
        <dl>
        <dt>concern</dt><dd>one run of the SLA clock, from the oldest unanswered customer message until an \
        acknowledgement answers it or the conversation is closed</dd>
        <dt>decided</dt><dd>concerns answered, closed, or open past their deadline</dd>
        <dt>answered</dt><dd>answered ÷ decided; <em>within target</em>: answered before the deadline ÷ decided</dd>
        <dt>percentiles</dt><dd>nearest rank over the answered concerns</dd>
        </dl>
        </footer>

        """
    }
}
