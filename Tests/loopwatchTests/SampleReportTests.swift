import Foundation
import Testing

/// `loopwatch report` end to end on the bundled sample (`config/samples/events.jsonl` under
/// `config/loopwatch.example.yaml`), and `docs/sample-report.html` kept in step with it.
@Suite struct SampleReportTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let arguments = [
        "report", "--config", root.appendingPathComponent("config/loopwatch.example.yaml").path,
        "--events", root.appendingPathComponent("config/samples/events.jsonl").path, "--timezone", "Asia/Qatar",
    ]

    @Test func theSamplesSocialStatus() async throws {
        let (status, out, err) = try await LoopwatchProcess.run(Self.arguments + ["--format", "json"])
        #expect(status == 0, "\(err)")
        let report = (try JSONSerialization.jsonObject(with: Data(out.utf8))) as? [String: Any] ?? [:]
        let overall = report["overall"] as? [String: Any] ?? [:]
        // Nine concerns: eight answered in time, the Facebook comment closed unanswered; the
        // redelivered chat message and the "thanks!" count as customer messages once each.
        #expect(overall["status"] as? String == "partial")
        for (key, value) in [
            "broadcasts": 2, "customer_messages": 13, "concerns": 9, "answered_within_target": 8, "answered_late": 0,
            "closed_unanswered": 1, "open": 0, "open_overdue": 0,
        ] {
            #expect(overall[key] as? Int == value, "\(key)")
        }
        let first = overall["first_response_seconds"] as? [String: Any] ?? [:]
        #expect(first["count"] as? Int == 5)
        #expect(first["max"] as? Double == 86_700)  // the invoice e-mail: a day and five minutes, pauses included
        let channels = report["channels"] as? [String: [String: Any]] ?? [:]
        #expect(Set(channels.keys) == ["email", "facebook", "instagram", "review", "twitter", "unknown"])
        #expect(channels["facebook"]?["status"] as? String == "partial")
        #expect(channels["twitter"]?["customer_messages"] as? Int == 4)
        let policies = report["policies"] as? [String: Any] ?? [:]
        #expect(Set(policies.keys) == ["vip-social", "urgent", "reviews", "default"])
        // replay raises no breach on the sample (two warnings, both resolved in time).
        #expect((report["breaches_by_hour_of_week"] as? [[Int]])?.joined().reduce(0, +) == 0)
        #expect((report["longest_open"] as? [Any])?.isEmpty == true)
    }

    @Test func docsSampleReportIsTheSamplesPage() async throws {
        let (status, out, err) = try await LoopwatchProcess.run(Self.arguments)
        #expect(status == 0, "\(err)")
        let committed = try String(
            contentsOf: Self.root.appendingPathComponent("docs/sample-report.html"), encoding: .utf8)
        let regenerate =
            "loopwatch report --config config/loopwatch.example.yaml --events config/samples/events.jsonl "
            + "--timezone Asia/Qatar --out docs/sample-report.html"
        #expect(out == committed, "docs/sample-report.html is stale; regenerate it with: \(regenerate)")
    }
}
