import Foundation
import Testing

/// The Kafka-free commands, run as the real binary (SPEC §8).
@Suite struct CommandLineTests {
    static let config = """
        kafka:
          bootstrap_servers: "localhost:9092"
          group_id: cli-test
          input_topics: [interactions]
        processing:
          allowed_lateness: 0s
        policies:
          - name: fast
            first_response: 15m
            next_response: 30m
            warn_before: 5m
        """

    @Test func checkConfigAcceptsAValidFile() async throws {
        let path = try temporaryFile("ok.yaml", Self.config)
        let (status, out, _) = try await LoopwatchProcess.run(["check-config", path])
        #expect(status == 0)
        #expect(out.contains("OK"))
    }

    @Test func checkConfigRejectsABadFileWithItsPosition() async throws {
        let path = try temporaryFile(
            "bad.yaml", Self.config.replacingOccurrences(of: "first_response: 15m", with: "first_response: 15x"))
        let (status, _, err) = try await LoopwatchProcess.run(["check-config", path])
        #expect(status == 78)
        #expect(err.contains(#"bad.yaml:9:21: policies[0].first_response: invalid duration "15x""#), "got: \(err)")
    }

    @Test func replayPrintsAlertsAndCountsBadLines() async throws {
        let configPath = try temporaryFile("replay.yaml", Self.config)
        let events = [
            #"{"id":"e1","conversation_id":"c1","kind":"response","occurred_at":"2026-11-02T09:00:00Z","channel":"twitter","text":"hello?"}"#,
            #"{"id":"e2","conversation_id":"c2","kind":"response","occurred_at":"2026-11-02T09:01:00Z"}"#,
            #"{"id":"e3","conversation_id":"c2","kind":"acknowledgement","occurred_at":"2026-11-02T09:05:00Z"}"#,
            "this is not json",
            "",
            #"{"id":"e4","conversation_id":"c3","kind":"response","occurred_at":"2026-11-02T10:00:00+01:00"}"#,
        ].joined(separator: "\n")
        let eventsPath = try temporaryFile("events.jsonl", events + "\n")
        let (status, out, err) = try await LoopwatchProcess.run(
            ["replay", "--config", configPath, "--events", eventsPath, "--until", "2026-11-02T12:00:00Z"])
        #expect(status == 0)
        let alerts = out.split(separator: "\n").map { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
        }
        let summary = alerts.map {
            "\(($0["type"] as? String ?? "").replacingOccurrences(of: "loopwatch.sla.", with: "")) \($0["subject"] as? String ?? "")"
        }
        // c1 and c3 (same instant, other offset) are never answered; c2 is answered in time.
        #expect(summary == ["warning c1", "warning c3", "breached c1", "breached c3"])
        #expect(err.contains("1 bad"), "got: \(err)")
        #expect(err.contains("invalid_json 1"))
        #expect(err.contains(":4: invalid_json"))
    }

    @Test func replayWithoutUntilStopsAtTheLatestEvent() async throws {
        let configPath = try temporaryFile("replay.yaml", Self.config)
        let eventsPath = try temporaryFile(
            "events.jsonl",
            #"{"id":"e1","conversation_id":"c1","kind":"response","occurred_at":"2026-11-02T09:00:00Z"}"# + "\n"
                + #"{"id":"e2","conversation_id":"c2","kind":"response","occurred_at":"2026-11-02T09:12:00Z"}"#)
        let (status, out, _) = try await LoopwatchProcess.run([
            "replay", "--config", configPath, "--events", eventsPath,
        ])
        #expect(status == 0)
        #expect(out.split(separator: "\n").count == 1)  // only c1's warning (09:10) is due by 09:12
    }

    @Test func badConfigurationIsExit78ForEveryCommand() async throws {
        let path = try temporaryFile("broken.yaml", "kafka: [unclosed")
        for args in [
            ["check-config", path], ["run", "--config", path], ["replay", "--config", path, "--events", "/dev/null"],
        ] {
            let (status, _, err) = try await LoopwatchProcess.run(args)
            #expect(status == 78, "\(args)")
            #expect(err.contains("broken.yaml:2:1: YAML syntax error"), "\(args): \(err)")
        }
    }
}
