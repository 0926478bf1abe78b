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
///
/// The worker runs on a clock the test moves. The fault is a successor: a producer registers the
/// worker's `transactional.id`, as a restarted instance would, which fences the worker. The
/// worker then registers the id again itself (fencing the successor in turn), rebuilds its
/// partitions from the changelog — the released part committed, the rest not — and releases the
/// rest.
@Suite(.serialized, .noidaAvailable, .noida) struct NoidaWorkerCatchUpTests {
    /// Where the successor fences the worker.
    enum Fence {
        /// Between two transactions: the failure shows at the release's next produce or commit.
        case beforeTheRest
        /// Inside ``PipelineLoop/commitFiringAhead(started:)``: the next slice is fired and
        /// encoded, then its commit fails.
        case whileASliceIsFiredAhead
    }

    struct Outcome {
        var alerts: [WorkerHarness.AlertSeen]
        var committedBeforeTheFence: Int
        var firedAheadAtTheFence: Int?
        var failedTransactions: Int
        var recoveries: Int
        var log: [String]
    }

    static let n = 100_000

    /// 100,000 conversations, each a response, 100 per millisecond over one second, due 2 s
    /// later (the policy's target), 100 per millisecond again. Every event is applied before any
    /// falls due; then the first `firstPart` milliseconds' worth fall due and are committed; then
    /// the successor fences the worker (`fence` says where) and the rest falls due.
    static func release(firstPart: Int64, fence: Fence) async throws -> Outcome {
        let broker = try NoidaBroker.suiteBroker()
        let h = try WorkerHarness(noida: broker, partitions: 4, policies: [WorkerCatchUpTests.policy])
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
        // While armed, the first commit firing ahead fences the worker, on the loop's thread.
        let seam = Mutex((armed: false, firedAhead: Int?.none))
        let lines = LineStore()
        var logger = Logger(label: "capture") { _ in CapturingLogHandler(lines: lines) }
        logger.logLevel = .warning
        let worker = h.startWorker(
            instance: "w1", logger: logger, now: { clock.withLock { $0 } },
            beforeCommitFiringAhead: { firedAhead in
                let fenceNow = seam.withLock { s in
                    guard s.armed, s.firedAhead == nil else { return false }
                    s.firedAhead = firedAhead
                    return true
                }
                if fenceNow { try? successor.initTransactions(timeout: .seconds(30)) }
            })
        let metrics = worker.pipeline.metrics
        let failed = #"loopwatch_transactions_total{result="failed"}"#

        try await waitUntil(timeout: .seconds(120)) {
            metrics.value(of: #"loopwatch_events_total{result="applied"}"#) == n
        }
        // Deadlines at t0 + 2 s + c / 100 ms: up to firstPart ms past t0 + 2 s, 100 per ms.
        clock.withLock { $0 = t0 + TimeSpan(millis: 2_000 + firstPart - 1) }
        let firstCount = Int(firstPart - 1) * 100
        try await waitUntil(timeout: .seconds(120)) {
            try await h.readAll(h.config.kafka.alertTopic).count >= firstCount
        }
        let before = try await h.readAll(h.config.kafka.alertTopic).count

        switch fence {
        case .beforeTheRest:
            try await DedicatedThread.run(name: "test-successor") {
                try successor.initTransactions(timeout: .seconds(30))
            }
        case .whileASliceIsFiredAhead:
            seam.withLock { $0.armed = true }
        }
        clock.withLock { $0 = t0 + .seconds(10) }
        try await waitUntil(timeout: .seconds(180)) {
            guard metrics.value(of: failed) >= 1 else { return false }
            return try await h.readAll(h.config.kafka.alertTopic).count >= n
        }
        try await worker.stop()
        let outcome = Outcome(
            alerts: try await h.alerts(), committedBeforeTheFence: before,
            firedAheadAtTheFence: seam.withLock { $0.firedAhead }, failedTransactions: metrics.value(of: failed),
            recoveries: metrics.value(of: "loopwatch_state_recoveries_total"), log: lines.all)
        print(
            "noida release (\(fence)): \(before) of \(n) breaches committed before the fence"
                + (outcome.firedAheadAtTheFence.map { ", \($0) records fired ahead at it" } ?? "")
                + "; the worker logged \"\(outcome.log.first { $0.contains("rolling back") } ?? "<nothing>")\"; "
                + "\(metrics.value(of: #"loopwatch_transactions_total{result="committed"}"#)) transactions committed, "
                + "\(outcome.failedTransactions) failed")
        return outcome
    }

    /// Each breach exactly once, and a failed transaction and a rebuilt state to show for it.
    static func expectEachBreachOnce(_ o: Outcome) {
        #expect(o.alerts.count == n, "read_committed sees each breach once")
        #expect(Set(o.alerts.map(\.id)).count == o.alerts.count, "no copies")
        #expect(Set(o.alerts.map(\.subject)).count == n, "none lost")
        #expect(o.alerts.allSatisfy { $0.type == "loopwatch.sla.breached" })
        #expect(o.committedBeforeTheFence < n, "part of the release was committed before the fence, not all")
        #expect(o.failedTransactions >= 1, "the release's transaction failed at the fence")
        #expect(o.recoveries >= 1, "and the state was rebuilt")
    }

    /// Half the release committed, then the worker fenced; the failure shows at its next
    /// produce or commit, whichever the fenced response reaches first.
    @Test func aTransactionFencedInTheMiddleOfAReleaseLosesNoBreachAndDoublesNone() async throws {
        let o = try await Self.release(firstPart: 500, fence: .beforeTheRest)
        Self.expectEachBreachOnce(o)
        #expect(o.committedBeforeTheFence >= 49_900)
    }

    /// A fifth of the release committed, then the worker fenced inside the commit that fired
    /// the next slice ahead: that commit fails, and the slice fired ahead of it is dropped.
    @Test func aCommitFailingWhileTheNextSliceIsFiredAheadDropsTheSliceAndLosesNoBreach() async throws {
        // The rest, 80,000 conversations, takes longer to fire than the 100 ms commit interval:
        // a commit falls due with deadlines left over.
        let o = try await Self.release(firstPart: 200, fence: .whileASliceIsFiredAhead)
        Self.expectEachBreachOnce(o)
        let firedAhead = try #require(
            o.firedAheadAtTheFence, "no commit fired a slice ahead: the seam was never reached")
        #expect(firedAhead > 0, "the slice fired ahead holds records")
        #expect(o.log.contains { $0.contains("commit failed; rolling back") }, "the commit failed: \(o.log.prefix(5))")
    }
}
