import Foundation
import KafkaClient
import LoopwatchCore
import LoopwatchTestSupport
import Testing

/// `kafka.repartition_topic` with the real binary on an isolating broker (noida-db): a kill -9
/// while stage 1 is re-keying a live stream loses nothing and doubles nothing, record by record
/// — the strict version of ``RepartitionDaemonTests``' mock test, where open transactions stay
/// visible. A read_committed reader sees every good input event in the repartition topic
/// exactly once, every planted bad event in the dead-letter topic exactly once, and every
/// unanswered conversation breached exactly once.
@Suite(.serialized, .noidaAvailable, .noida) struct NoidaRepartitionDaemonTests {
    @Test func killNineWhileStageOneReKeysLosesNothingAndDoublesNothing() async throws {
        let f = try RepartitionDaemonFixture(
            .noida(try NoidaBroker.suiteBroker()), topics: .prefixed("rpk"), target: .seconds(15))
        defer { f.shutdown() }
        let t = f.topics
        let bootstrap = f.bootstrap
        // debug msg: librdkafka names each record it skips as part of an aborted transaction.
        let path = try f.configFile(group: "rpk", debug: "msg")
        /// Conversation `i`, and after conversations 7, 32, 57, … a planted bad event.
        func produce(_ i: Int) async throws {
            try await f.produce(i)
            if i % 25 == 7 { try await f.plant(i) }
        }

        for i in 0..<30 { try await produce(i) }
        let first = try f.daemon(config: path, instance: "rpk1")
        // Stage 1 is re-keying: keep the stream flowing and kill -9 in the middle of it, with
        // a transaction of re-keyed records and input offsets most likely open.
        try await f.waitUntilReKeyed(moreThan: 0, timeout: .seconds(60))
        let initial = try await f.read(t.repartition).count
        for i in 30..<150 {
            try await produce(i)
            if i == 60 {  // stage 1 commits the live stream, not only the backlog it started on
                try await f.waitUntilReKeyed(moreThan: initial, timeout: .seconds(30))
            }
            if i == 90 {
                first.signal(SIGKILL)
                _ = try await first.exitStatus()
                let rekeyed = try await f.read(t.repartition).count
                print("noida repartition kill -9: \(rekeyed) of \(f.good.count) good events re-keyed at the kill")
            }
        }

        let second = try f.daemon(config: path, instance: "rpk1", ["--log-level", "debug"])
        let expected = f.expectedBreaches()
        let wanted = expected.count
        #expect(expected == Set((0..<150).filter { $0 % 2 == 1 }.map { "rk-\($0)" }))
        // Every breach is due 15 s after t0; past that, stop early when the broker hid records.
        try await waitUntil(timeout: .seconds(120)) {
            if try await f.alerts().count >= wanted { return true }
            guard Timestamp.wallClock() > f.t0 + .seconds(25) else { return false }
            return try await !Self.committedRecordsSkippedAsAborted(
                t.repartition, bootstrap: bootstrap, log: second.stderr
            ).isEmpty
        }
        let complete = try await f.alerts().count >= wanted
        second.signal(SIGTERM)
        #expect(try await second.exitStatus(within: .seconds(45)) == 0, "stderr: \(second.stderr.suffix(2000))")

        let alerts = try await f.alerts()
        #expect(Set(alerts.map(\.id)).count == alerts.count, "no copies")
        #expect(Set(alerts.map(\.subject)).isSubset(of: expected), "no conversation breached that replay answers")
        let hidden = try await Self.committedRecordsSkippedAsAborted(
            t.repartition, bootstrap: bootstrap, log: second.stderr)
        if !complete, !hidden.isEmpty {
            // noida-db 0.2.3: a fetch that starts past an aborted transaction's marker still lists
            // that transaction, and librdkafka (which matches by producer id, whose epoch the
            // restart bumped) then skips the restarted producer's *committed* records up to its
            // next marker. Kafka lists only aborted transactions that overlap the fetched range.
            withKnownIssue("noida-db hides committed records behind a stale aborted transaction", isIntermittent: true)
            {
                Issue.record("stage 2 was fed fewer records than were committed: \(hidden)")
            }
        } else {
            #expect(alerts.count == expected.count, "every breach exactly once: \(alerts.count) for \(expected.count)")
            #expect(Set(alerts.map(\.subject)) == expected, "every unanswered conversation breached, no other")
        }

        let repartitioned = try await f.read(t.repartition).map { String(decoding: $0.value ?? [], as: UTF8.self) }
        #expect(repartitioned.count == f.good.count, "each good event re-keyed exactly once")
        #expect(repartitioned.sorted() == f.good.sorted(), "every good input event re-keyed, none lost or doubled")
        let dlq = try await f.read(t.deadLetter)
        let dead = dlq.map { String(decoding: $0.value ?? [], as: UTF8.self) }
        #expect(dead.sorted() == f.planted.sorted(), "dead letters exactly the planted ones: \(dead)")
        #expect(
            dlq.allSatisfy { m in
                m.headers.contains { h in
                    h.0 == "loopwatch.source" && String(decoding: h.1 ?? [], as: UTF8.self).hasPrefix("\(t.responses)/")
                }
            }, "dead letters name their original input (topic/partition/offset)")
    }

    /// Per partition of `topic`: records the daemon's librdkafka skipped as part of aborted
    /// transactions (its `Skipping N message(s) in aborted transaction` lines) beyond what was
    /// really aborted (a read_uncommitted count minus a read_committed one). Empty when every
    /// record it skipped was aborted.
    static func committedRecordsSkippedAsAborted(_ topic: String, bootstrap: String, log: String) async throws
        -> [Int32: Int]
    {
        var skipped: [Int32: Int] = [:]
        for line in log.split(separator: "\n") where line.contains("in aborted transaction") {
            for p: Int32 in 0..<2 {
                guard let r = line.range(of: "\(topic) [\(p)]: Skipping ") else { continue }
                skipped[p, default: 0] += Int(line[r.upperBound...].prefix { $0.isNumber }) ?? 0
            }
        }
        let everything = try await DedicatedThread.run(name: "uncommitted-reader") {
            let reader = try KafkaPartitionReader(
                configuration: KafkaConfiguration([
                    "bootstrap.servers": bootstrap, "isolation.level": "read_uncommitted",
                ]), logger: DaemonTests.logger)
            defer { reader.close() }
            var counts: [Int32: Int] = [:]
            for p: Int32 in 0..<2 { counts[p] = try reader.read(topic: topic, partition: p) { _ in } }
            return counts
        }
        let committed = try await DaemonTests.read(bootstrap: bootstrap, topic, partitions: 2)
        var hidden: [Int32: Int] = [:]
        for p: Int32 in 0..<2 {
            let aborted = (everything[p] ?? 0) - committed.filter { $0.partition == p }.count
            if let s = skipped[p], s > aborted { hidden[p] = s - aborted }
        }
        return hidden
    }
}
