import Foundation
import KafkaClient
import LoopwatchCore
import LoopwatchTestSupport
import Testing

@testable import LoopwatchWorker

/// Faults during processing: every due alert still reaches a read_committed reader exactly once.
@Suite(.serialized) struct WorkerFaultTests {
    static let policy = Policy(name: "fast", firstResponse: .seconds(2), nextResponse: .seconds(2), version: "v1")

    /// `n` conversations: odd ones answered in time, even ones never answered.
    static func population(_ prefix: String, _ n: Int, at t0: Timestamp) -> [String] {
        (0..<n).flatMap { i -> [String] in
            let c = "\(prefix)-\(i)"
            var lines = [eventJSON("\(c)-r", c, "response", at: t0)]
            if i % 2 == 1 { lines.append(eventJSON("\(c)-a", c, "acknowledgement", at: t0 + TimeSpan(millis: 300))) }
            return lines
        }
    }

    static func expectedIDs(_ h: WorkerHarness, _ lines: [String], until: Timestamp) -> Set<String> {
        var replay = ReplayDriver(policies: h.config.policies, processing: h.config.processing)
        var ids: Set<String> = []
        for l in lines { replay.feed(line: l) { ids.insert($0.id) } }
        replay.finish(until: until) { ids.insert($0.id) }
        return ids
    }

    static func assertExactlyOnce(_ h: WorkerHarness, expected: Set<String>) async throws {
        try await waitUntil(timeout: .seconds(60)) { try await h.alerts().count >= expected.count }
        let seen = try await h.alerts()
        #expect(
            seen.count == expected.count, "duplicates or extras: \(seen.count) alerts for \(expected.count) expected")
        #expect(Set(seen.map(\.id)) == expected)
    }

    @Test func injectedTransactionErrorsKeepAlertsExactlyOnce() async throws {
        let h = try WorkerHarness(policies: [Self.policy])
        defer { h.destroy() }
        let worker = h.startWorker()
        try await waitUntil(timeout: .seconds(30)) { worker.pipeline.status.isReady }
        let t0 = Timestamp.wallClock()
        let first = Self.population("a", 10, at: t0)
        try await h.produce(first)
        // Abortable (authorization) errors, then a fenced producer (fatal): each forces a
        // rollback to the last commit and a replay of the input since.
        try h.cluster.pushRequestErrors(.txnOffsetCommit, [.groupAuthorizationFailed])
        try h.cluster.pushRequestErrors(.addPartitionsToTxn, [.topicAuthorizationFailed])
        try h.cluster.pushRequestErrors(.endTxn, [.notCoordinator, .producerFenced])
        let second = Self.population("b", 10, at: t0 + .seconds(1))
        try await h.produce(second)
        try await Self.assertExactlyOnce(h, expected: Self.expectedIDs(h, first + second, until: t0 + .seconds(4)))
        let metrics = String(decoding: worker.pipeline.metrics.render(), as: UTF8.self)
        try await worker.stop()
        #expect(metrics.contains(#"loopwatch_transactions_total{result="failed"}"#))
        #expect(!metrics.contains(#"loopwatch_transactions_total{result="failed"} 0"#))
    }

    @Test func brokerDownAndUpIsSurvived() async throws {
        let h = try WorkerHarness(policies: [Self.policy])
        defer { h.destroy() }
        let worker = h.startWorker()
        try await waitUntil(timeout: .seconds(30)) { worker.pipeline.status.isReady }
        let t0 = Timestamp.wallClock()
        let lines = Self.population("c", 10, at: t0)
        try await h.produce(lines)
        try h.cluster.setBrokerDown(1)
        try await Task.sleep(for: .seconds(3))  // the outage itself, not a wait for a result
        try h.cluster.setBrokerUp(1)
        try await Self.assertExactlyOnce(h, expected: Self.expectedIDs(h, lines, until: t0 + .seconds(4)))
        try await worker.stop()
    }

    @Test func secondWorkerTakesOverStateWhenTheFirstLeaves() async throws {
        let slow = Policy(name: "slow", firstResponse: .seconds(6), nextResponse: .seconds(6), version: "v1")
        let h = try WorkerHarness(partitions: 4, policies: [slow])
        defer { h.destroy() }
        let w1 = h.startWorker(instance: "w1")
        try await waitUntil(timeout: .seconds(30)) { w1.pipeline.status.isReady }
        let t0 = Timestamp.wallClock()
        let lines = Self.population("d", 12, at: t0)
        try await h.produce(lines)
        // w1 applied the events (state committed) before the deadlines; then it leaves.
        try await waitUntil(timeout: .seconds(30)) { try await h.readAll(h.config.kafka.stateTopic).count >= 12 }
        let w2 = h.startWorker(instance: "w2")
        try await w1.stop()
        try await waitUntil(timeout: .seconds(30)) { w2.pipeline.status.isReady }
        try await Self.assertExactlyOnce(h, expected: Self.expectedIDs(h, lines, until: t0 + .seconds(8)))
        try await w2.stop()
    }
}
