import Foundation
import LoopwatchCore
import Testing

@testable import LoopwatchReport

/// The HTML page: every piece there, text from events escaped, nothing fetched from anywhere.
@Suite struct HTMLPageTests {
    static let hostile = "<script>alert(\"x\")</script>&'"

    /// A varied status: three channels (one hostile name), both metrics, open and overdue
    /// concerns, breaches, several days.
    static func sample(zone: String = "Asia/Qatar") throws -> SocialStatus {
        var model = ReportGenerator.model(seed: 42, size: 120)
        model.zone = zone
        model.since = nil
        model.until = nil
        model.outcomes.append(
            ConcernOutcome(
                conversationID: hostile, channel: hostile, policyName: "<i>policy</i>", metric: .firstResponse,
                concernSince: ReportGenerator.minutes(61), deadline: ReportGenerator.minutes(76), endedAt: nil,
                outcome: .open, unansweredCount: 3))
        return try model.built(policyNames: ReportGenerator.policies)
    }

    @Test func everyPieceIsOnThePage() throws {
        let html = try Self.sample().html()
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        for piece in [
            "<h2>Overall</h2>", "id=\"channels-h\"", "class=\"card ", "id=\"policies-h\"",
            "rt-first_response-t", "rt-next_response-t", "trend-t", "heat-t", "id=\"open-h\"", "@media print",
            "<title>", "closing the loop", "Breaches by hour of week",
        ] {
            #expect(html.contains(piece), "missing \(piece)")
        }
        // Every chart is an accessible image with a title.
        let svgs = html.components(separatedBy: "<svg ").dropFirst()
        #expect(svgs.count == 4)
        for svg in svgs { #expect(svg.hasPrefix("viewBox=") && svg.contains("role=\"img\"") && svg.contains("<title")) }
        #expect(html.components(separatedBy: "<rect").count > 7 * 24)
    }

    @Test func textFromEventsIsEscaped() throws {
        let html = try Self.sample().html()
        #expect(!html.contains("<script"))
        #expect(!html.contains("<i>policy"))
        #expect(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;"))
        #expect(html.contains("&lt;i&gt;policy&lt;/i&gt;"))
        #expect(HTML.escape(#"a<b>&"c"'d"#) == "a&lt;b&gt;&amp;&quot;c&quot;&#39;d")
        #expect(HTML.escape("رحلتي ✈️") == "رحلتي ✈️")
    }

    @Test func thePageIsSelfContained() throws {
        for html in [try Self.sample().html(), try ModelFree.empty().html()] {
            for remote in [
                "http://", "https://", "src=", "<script", "<link", "@import", "url(", "<iframe", "<img", "//cdn",
            ] {
                #expect(!html.contains(remote), "found \(remote)")
            }
            #expect(html.contains("<style>") && html.contains("<meta charset=\"utf-8\">"))
        }
    }

    @Test func anEmptyReportStillRendersEverySection() throws {
        let html = try ModelFree.empty().html()
        for piece in ["No channel in the period", "No answered first response concern", "No decided concern", "heat-t"]
        {
            #expect(html.contains(piece), "missing \(piece)")
        }
    }

    @Test func humanSpellings() {
        #expect(HTML.duration(3.25) == "3.2\u{2009}s")
        #expect(HTML.duration(42) == "42\u{2009}s")
        #expect(HTML.duration(252) == "4\u{2009}min 12\u{2009}s")
        #expect(HTML.duration(3900) == "1\u{2009}h 5\u{2009}min")
        #expect(HTML.duration(900) == "15\u{2009}min")
        #expect(HTML.duration(7200.5) == "2\u{2009}h")
        #expect(HTML.duration(2 * 86_400 + 3 * 3600 + 5) == "2\u{2009}d 3\u{2009}h")
        #expect(HTML.shortDuration(650) == "11\u{2009}min")
        #expect(HTML.shortDuration(12_979) == "3.6\u{2009}h")
        #expect(HTML.shortDuration(86_700) == "1.0\u{2009}d")
        #expect(HTML.percent(0.875) == "87.5\u{2009}%")
        #expect(HTML.percent(nil) == "—")
        #expect(HTML.grouped(1_234_567) == "1\u{2009}234\u{2009}567")
        let zone = try! ReportTimeZone(identifier: "Asia/Qatar")
        #expect(HTML.local(ReportGenerator.base, in: zone) == "2026-11-02 03:00")
    }
}

/// Statuses built without the model.
enum ModelFree {
    static func empty() throws -> SocialStatus { SocialStatusReport(options: try .init()).status() }
}
