import Foundation
import Testing

/// `loopwatch report`, run as the real binary (SPEC §8, §9).
@Suite struct ReportCommandTests {
    static let broadcast =
        #"{"id":"b1","conversation_id":"c1","kind":"broadcast","occurred_at":"2026-11-02T08:00:00Z","#
        + #""channel":"twitter"}"#
    static let events =
        [
            broadcast, broadcast,  // a redelivery counts once
            #"{"id":"e1","conversation_id":"c1","kind":"response","occurred_at":"2026-11-02T09:00:00Z","#
                + #""channel":"twitter"}"#,
            #"{"id":"e2","conversation_id":"c2","kind":"response","occurred_at":"2026-11-02T09:01:00Z","channel":"email"}"#,
            #"{"id":"e3","conversation_id":"c2","kind":"acknowledgement","occurred_at":"2026-11-02T09:05:00Z"}"#,
            "this is not json",
            "",
            #"{"id":"e4","conversation_id":"c3","kind":"response","occurred_at":"2026-11-02T12:00:00+01:00"}"#,
        ].joined(separator: "\n") + "\n"

    static func object(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    @Test func jsonReportOfAFile() async throws {
        let config = try temporaryFile("report.yaml", CommandLineTests.config)
        let events = try temporaryFile("events.jsonl", Self.events)
        let (status, out, err) = try await LoopwatchProcess.run(
            ["report", "--config", config, "--events", events, "--format", "json", "--timezone", "Asia/Qatar"])
        #expect(status == 0, "\(err)")
        #expect(out.hasPrefix(#"{"period":{"since":"2026-11-02T08:00:00.000Z","until":"2026-11-02T11:00:00.000Z"}"#))
        let report = Self.object(out)
        #expect(report["bad_events"] as? Int == 1)
        let overall = report["overall"] as? [String: Any] ?? [:]
        #expect(overall["broadcasts"] as? Int == 1)
        #expect(overall["customer_messages"] as? Int == 3)
        let channels = report["channels"] as? [String: Any] ?? [:]
        #expect(Set(channels.keys) == ["twitter", "email", "unknown"])
        let heat = report["breaches_by_hour_of_week"] as? [[Int]] ?? []
        #expect(heat.count == 7 && heat.allSatisfy { $0.count == 24 })
        // c1 breached at 09:15Z = 12:15 in Qatar, a Monday; c3 at 11:15Z (period ends at 11:00Z).
        #expect(heat.first?[12] == 1)
        #expect(err.contains("report: 8 lines"), "\(err)")
    }

    @Test func htmlReportOfStandardInputToAFile() async throws {
        let config = try temporaryFile("report.yaml", CommandLineTests.config)
        let events = try temporaryFile("events.jsonl", Self.events)
        let out = URL(fileURLWithPath: events).deletingLastPathComponent().appendingPathComponent("status.html").path
        let p = try LoopwatchProcess(
            ["report", "--config", config, "--events", "-", "--out", out], stdin: FileHandle(forReadingAtPath: events))
        let status = try await p.exitStatus()
        #expect(status == 0, "\(p.stderr)")
        let html = try String(contentsOfFile: out, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.contains("<h1>Social status</h1>"))
        #expect(!html.contains("http://") && !html.contains("https://"))
        #expect(p.stdout.isEmpty)
    }

    @Test func untilCutsTheInput() async throws {
        let config = try temporaryFile("report.yaml", CommandLineTests.config)
        let events = try temporaryFile("events.jsonl", Self.events)
        let (status, out, err) = try await LoopwatchProcess.run(
            ["report", "--config", config, "--events", events, "--format", "json", "--until", "2026-11-02T09:00:30Z"])
        #expect(status == 0)
        let overall = Self.object(out)["overall"] as? [String: Any] ?? [:]
        #expect(overall["customer_messages"] as? Int == 1)
        #expect(err.contains("3 after --until"), "\(err)")
    }

    @Test func refusals() async throws {
        let config = try temporaryFile("report.yaml", CommandLineTests.config)
        let broken = try temporaryFile("broken.yaml", "kafka: [unclosed")
        let events = try temporaryFile("events.jsonl", Self.events)
        let dir = URL(fileURLWithPath: events).deletingLastPathComponent().path
        let cases: [([String], Int32, String)] = [
            (["--config", config, "--events", dir + "/missing.jsonl"], 66, "missing.jsonl: cannot open"),
            (["--config", config, "--events", dir], 66, "is a directory"),
            (["--config", broken, "--events", events], 78, "broken.yaml:2:1: YAML syntax error"),
            (["--config", config, "--events", events, "--timezone", "Mars/Olympus"], 64, "not an IANA time zone"),
            (
                [
                    "--config", config, "--events", events, "--since", "2026-11-03T00:00:00Z",
                    "--until", "2026-11-02T00:00:00Z",
                ], 64, "is after --until"
            ),
            (["--config", config, "--events", events, "--since", "yesterday"], 64, "not an RFC 3339 timestamp"),
            (["--config", config, "--events", events, "--format", "pdf"], 64, "pdf"),
        ]
        for (args, expected, message) in cases {
            let (status, _, err) = try await LoopwatchProcess.run(["report"] + args)
            #expect(status == expected, "\(args): \(err)")
            #expect(err.contains(message), "\(args): \(err)")
        }
    }
}
