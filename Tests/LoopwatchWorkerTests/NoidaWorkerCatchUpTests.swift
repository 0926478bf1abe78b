import KafkaClient
import Logging
import LoopwatchCore
import LoopwatchTestSupport
import Synchronization
import Testing

@testable import LoopwatchWorker

/// The catch-up's release on an isolating broker (noida-db), strictly: a transaction fails in
/// the middle of a release, after part of it was committed. A read_committed reader must still
/// see each breach exactly once: the failed transaction is aborted and hidden, what was fired for
/// it (a slice produced, or fired ahead of a commit by ``PipelineLoop/commitFiringAhead(started:)``)
/// is dropped, and the state is rebuilt from what the changelog committed.
@Suite(.serialized, .noidaAvailable, .noida) struct NoidaWorkerCatchUpTests {
    /// The worker runs on a clock the test moves. Half of a backlog's deadlines are released and
    /// committed; then a successor registers the worker's `transactional.id`, as a restarted
    /// instance would, which fences the worker; then the other half falls due. The release's
    /// first transaction fails, the worker registers its id again (fencing the successor in
    /// turn), rebuilds its partitions from the changelog — the committed half released, the rest
    /// not — and releases the rest.
    @Test func aTransactionFencedInTheMiddleOfAReleaseLosesNoBreachAndDoublesNone() async throws {
        let broker = try NoidaBroker.suiteBroker()
        let h = try WorkerHarness(noida: broker, partitions: 4, policies: [WorkerCatchUpTests.policy])
        // 100,000 conversations, each a response, 100 per millisecond over one second: due
        // 2 s later (the policy's target), 100 per millisecond again.
        let n = 100_000
        let t0 = Timestamp.wallClock() - .seconds(3600)
        try await h.produce(
            (0..<n).map { c in eventJSON("r\(c)", "c\(c)", "response", at: t0 + TimeSpan(millis: Int64(c / 100))) })
        let clock = Mutex(t0 + .seconds(1))
        let successor = try KafkaTransactionalProducer(
            configuration: KafkaConfiguration([
                "bootstrap.servers": h.bootstrapServers, "transactional.id": "\(h.config.kafka.groupID)-w1",
            ]),
            logger: WorkerHarness.logger)
        defer { successor.shutdown() }
        let lines = LineStore()
        var logger = Logger(label: "capture") { _ in CapturingLogHandler(lines: lines) }
        logger.logLevel = .warning
        let worker = h.startWorker(instance: "w1", logger: logger, now: { clock.withLock { $0 } })
        let metrics = worker.pipeline.metrics
        let failed = #"loopwatch_transactions_total{result="failed"}"#

        // Every event applied, nothing due yet; then the first half falls due (49,900 or 50,000,
        // as the boundary counts) and is committed.
        try await waitUntil(timeout: .seconds(120)) {
            metrics.value(of: #"loopwatch_events_total{result="applied"}"#) == n
        }
        clock.withLock { $0 = t0 + TimeSpan(millis: 2_000 + 499) }
        try await waitUntil(timeout: .seconds(120)) { try await h.readAll(h.config.kafka.alertTopic).count >= 49_900 }
        let before = try await h.readAll(h.config.kafka.alertTopic).count

        // Fenced, though it does not know yet: the rest falls due. (The failure surfaces at the
        // first produce or commit after the fence, whichever the fenced response reaches first:
        // the test prints which.)
        try await DedicatedThread.run(name: "test-successor") { try successor.initTransactions(timeout: .seconds(30)) }
        clock.withLock { $0 = t0 + .seconds(10) }
        try await waitUntil(timeout: .seconds(180)) {
            guard metrics.value(of: failed) >= 1 else { return false }
            return try await h.readAll(h.config.kafka.alertTopic).count >= n
        }
        try await worker.stop()

        let alerts = try await h.alerts()
        #expect(alerts.count == n, "read_committed sees each breach once")
        #expect(Set(alerts.map(\.id)).count == alerts.count, "no copies")
        #expect(Set(alerts.map(\.subject)).count == n, "none lost")
        #expect(alerts.allSatisfy { $0.type == "loopwatch.sla.breached" })
        #expect(before < n, "half the release was committed before the fence, not all of it")
        #expect(metrics.value(of: failed) >= 1, "the release's transaction failed at the fence")
        #expect(metrics.value(of: "loopwatch_state_recoveries_total") >= 1, "and the state was rebuilt")
        let failure = lines.all.first { $0.contains("rolling back") } ?? "<no rollback logged>"
        print(
            "noida release: \(before) of \(n) breaches committed before the fence; the worker logged "
                + "\"\(failure)\"; \(metrics.value(of: #"loopwatch_alerts_total{type="breached"}"#)) breaches produced "
                + "in all, \(metrics.value(of: #"loopwatch_transactions_total{result="committed"}"#)) transactions "
                + "committed, \(metrics.value(of: failed)) failed")
    }
}
