import KafkaClient
import LoopwatchCore
import LoopwatchTestSupport
import Testing

@testable import LoopwatchWorker

/// A worker started on a backlog (an outage's worth of events, overdue by now): what an operator
/// sees on the alert and state topics.
@Suite(.serialized) struct WorkerCatchUpTests {
    static let policy = Policy(name: "fast", firstResponse: .seconds(2), nextResponse: .seconds(2), version: "v1")

    /// Every conversation of the backlog is written to the changelog once, however many events
    /// it had and whether its deadline fired (``ChangelogHold``), and each breach once.
    @Test func aBacklogWritesEachConversationOnceAndEachBreachOnce() async throws {
        let h = try WorkerHarness(partitions: 3, policies: [Self.policy])
        defer { h.destroy() }
        let t0 = Timestamp.wallClock() - .seconds(3600)
        var lines: [String] = []
        for c in 0..<300 {
            lines.append(eventJSON("r\(c)", "c\(c)", "response", at: t0 + TimeSpan(millis: Int64(c))))
            lines.append(eventJSON("b\(c)", "c\(c)", "broadcast", at: t0 + TimeSpan(millis: Int64(c) + 100)))
            if c % 3 == 0 {  // answered in time
                lines.append(eventJSON("a\(c)", "c\(c)", "acknowledgement", at: t0 + TimeSpan(millis: Int64(c) + 500)))
            }
        }
        try await h.produce(lines)
        let worker = h.startWorker()
        try await waitUntil(timeout: .seconds(60)) {
            let alerts = try await h.alerts().count
            let conversations = Set(try await h.readAll(h.config.kafka.stateTopic).compactMap(\.key)).count
            return alerts >= 200 && conversations >= 300
        }
        try await worker.stop()

        let alerts = try await h.alerts()
        #expect(alerts.count == 200)
        #expect(Set(alerts.map(\.id)).count == alerts.count)
        #expect(Set(alerts.map(\.subject)) == Set((0..<300).filter { $0 % 3 != 0 }.map { "c\($0)" }))
        let states = try await h.readAll(h.config.kafka.stateTopic)
        #expect(states.count == 300)
        #expect(Set(states.compactMap(\.key)).count == 300)
    }

    /// A backlog larger than one cycle's budget (10,000 evaluations) is released over several
    /// transactions, each commit firing the next slice first while librdkafka delivers the
    /// transaction (``PipelineLoop/commitFiringAhead(started:)``): each breach comes out once.
    /// (A transaction that fails there drops the slice with the rest of the state; the mock
    /// cannot show that strictly — its restore reads the aborted transaction's changelog records —
    /// so `NoidaWorkerCatchUpTests` fences that commit on the isolating broker.)
    @Test func aBacklogLargerThanACycleIsReleasedOverSeveralTransactionsEachBreachOnce() async throws {
        // Events within 1.2 s, less than the 2 s target: none falls due on the events' clock
        // while they are read, all 24,000 on the wall clock once the partitions are caught up.
        let h = try WorkerHarness(partitions: 4, policies: [Self.policy])
        defer { h.destroy() }
        let t0 = Timestamp.wallClock() - .seconds(3600)
        let n = 24_000
        try await h.produce(
            (0..<n).map { c in eventJSON("r\(c)", "c\(c)", "response", at: t0 + TimeSpan(millis: Int64(c / 20))) })
        let worker = h.startWorker()
        // The mock shows a transaction's records before its commit: wait for the commits too.
        let metrics = worker.pipeline.metrics
        try await waitUntil(timeout: .seconds(120)) {
            try await h.alerts().count >= n
                && metrics.value(of: #"loopwatch_transactions_total{result="committed"}"#) >= 2
        }
        try await worker.stop()

        let alerts = try await h.alerts()
        #expect(alerts.count == n)
        #expect(Set(alerts.map(\.id)).count == alerts.count)
        #expect(Set(alerts.map(\.subject)).count == n)
        #expect(metrics.value(of: #"loopwatch_transactions_total{result="failed"}"#) == 0)
    }
}
