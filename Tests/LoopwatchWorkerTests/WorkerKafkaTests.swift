import Foundation
import KafkaClient
import LoopwatchCore
import LoopwatchTestSupport
import Testing

@testable import LoopwatchWorker

@Suite(.serialized) struct WorkerKafkaTests {
    static let policy = Policy(name: "fast", firstResponse: .seconds(2), nextResponse: .seconds(2), version: "v1")

    @Test func alertsThroughKafkaMatchReplayAndBadEventsLandInTheDLQ() async throws {
        let h = try WorkerHarness(policies: [Self.policy])
        defer { h.destroy() }
        let worker = h.startWorker()
        let t0 = Timestamp.wallClock()
        let lines = [
            eventJSON("e1", "c-unanswered", "response", at: t0),
            eventJSON("e2", "c-answered", "response", at: t0),
            eventJSON("e3", "c-answered", "acknowledgement", at: t0 + TimeSpan(millis: 500)),
            eventJSON("e4", "c-late-ack", "response", at: t0),
            #"{"id":"bad1","conversation_id":"c-x","kind":"shout","occurred_at":"2026-11-02T09:00:00Z"}"#,
            "not json at all",
            eventJSON("e5", "c-good-after-bad", "response", at: t0),
        ]
        try await h.produce(lines)
        try await waitUntil(timeout: .seconds(30)) { try await h.alerts().count >= 3 }
        try await h.produce([eventJSON("e6", "c-late-ack", "acknowledgement", at: t0 + .seconds(3))])
        try await waitUntil(timeout: .seconds(30)) { try await h.alerts().count >= 4 }
        try await worker.stop()

        let seen = try await h.alerts()
        #expect(
            Set(seen.map(\.description)) == [
                "breached c-unanswered", "breached c-late-ack", "breached c-good-after-bad", "resolved c-late-ack",
            ])
        #expect(Set(seen.map(\.id)).count == seen.count)

        // The same events through `replay` give the same alerts (same deterministic ids).
        var replay = ReplayDriver(policies: h.config.policies, processing: h.config.processing)
        var replayed: [Alert] = []
        for line in lines + [eventJSON("e6", "c-late-ack", "acknowledgement", at: t0 + .seconds(3))] {
            replay.feed(line: line) { replayed.append($0) }
        }
        replay.finish(until: t0 + .seconds(10)) { replayed.append($0) }
        #expect(Set(replayed.map(\.id)) == Set(seen.map(\.id)))

        let dlq = try await h.readAll(h.config.kafka.deadLetterTopic)
        #expect(dlq.count == 2)
        let reasons = Set(
            dlq.compactMap { m in
                m.headers.first { $0.0 == "loopwatch.error" }?.1.map { String(decoding: $0, as: UTF8.self) }
            })
        #expect(reasons == ["unknown_kind", "invalid_json"])
        #expect(dlq.allSatisfy { m in m.headers.contains { $0.0 == "loopwatch.source" } })
    }

    @Test func atLeastOnceFallbackPublishesAlertsWithoutTransactions() async throws {
        let h = try WorkerHarness(policies: [Self.policy], guarantee: .atLeastOnce)
        defer { h.destroy() }
        let worker = h.startWorker()
        let t0 = Timestamp.wallClock()
        try await h.produce([
            eventJSON("e1", "c-one", "response", at: t0), eventJSON("e2", "c-two", "response", at: t0),
        ])
        try await waitUntil(timeout: .seconds(30)) { try await h.alerts().count >= 2 }
        try await worker.stop()
        #expect(Set(try await h.alerts().map(\.description)) == ["breached c-one", "breached c-two"])
    }
}
