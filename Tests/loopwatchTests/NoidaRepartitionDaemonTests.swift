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
    static let topics = (
        responses: "rpk-responses", acks: "rpk-acks", repartition: "rpk-repartition", state: "rpk-state",
        alerts: "rpk-alerts", deadLetter: "rpk-dlq"
    )

    static func config(bootstrap: String) -> String {
        """
        kafka:
          bootstrap_servers: "\(bootstrap)"
          group_id: rpk
          input_topics: [\(topics.responses), \(topics.acks)]
          repartition_topic: \(topics.repartition)
          state_topic: \(topics.state)
          alert_topic: \(topics.alerts)
          dead_letter_topic: \(topics.deadLetter)
          properties:
            debug: msg  # librdkafka names each record it skips as part of an aborted transaction
        processing:
          commit_interval: 100ms
          allowed_lateness: 3s
        metrics:
          listen: off
        policies:
          - name: fast
            first_response: 15s
            next_response: 15s
        """
    }

    @Test func killNineWhileStageOneReKeysLosesNothingAndDoublesNothing() async throws {
        let broker = try NoidaBroker.suiteBroker()
        let t = Self.topics
        // Inputs with their own partition counts; the state topic's count (2) is the repartition topic's.
        try broker.createTopics([t.responses], partitions: 3)
        try broker.createTopics([t.acks], partitions: 5)
        try broker.createTopics([t.repartition, t.alerts, t.deadLetter], partitions: 2)
        try broker.createTopics([t.state], partitions: 2, configs: ["cleanup.policy": "compact"])
        let bootstrap = broker.bootstrapServers
        let path = try temporaryFile("lw-rpk.yaml", Self.config(bootstrap: bootstrap))
        func producer(_ partitioner: String) throws -> KafkaProducer {
            try KafkaProducer(
                configuration: KafkaConfiguration([
                    "bootstrap.servers": bootstrap, "partitioner": partitioner, "enable.idempotence": "true",
                    "acks": "all", "linger.ms": "1", "queue.buffering.max.kbytes": "65536",
                ]),
                logger: DaemonTests.logger)
        }
        // librdkafka's default (CRC32) for responses, Java's murmur2 for acknowledgements.
        let crc = try producer("consistent_random")
        let murmur = try producer("murmur2_random")
        defer {
            crc.shutdown()
            murmur.shutdown()
        }
        let t0 = Timestamp.wallClock()
        func event(_ id: String, _ c: String, _ kind: String, _ millis: Int64) -> String {
            #"{"id":"\#(id)","conversation_id":"\#(c)","kind":"\#(kind)","occurred_at":"\#(RFC3339.format(t0 + TimeSpan(millis: millis)))"}"#
        }
        var good: [String] = []
        var planted: [String] = []
        /// Conversation `i`: its response keyed by id, by nothing or by account; every even one acknowledged.
        func produce(_ i: Int) async throws {
            let c = "rk-\(i)"
            let key: [UInt8]? = [Array(c.utf8), nil, Array("account-\(i % 5)".utf8)][i % 3]
            let r = event("r\(i)", c, "response", 0)
            _ = try await crc.send(KafkaProducerRecord(topic: t.responses, key: key, value: Array(r.utf8)))
            good.append(r)
            if i % 2 == 0 {
                let a = event("a\(i)", c, "acknowledgement", 500)
                _ = try await murmur.send(KafkaProducerRecord(topic: t.acks, key: key, value: Array(a.utf8)))
                good.append(a)
            }
            if i % 25 == 7 {
                let bad = "{\"planted\": \(i), not json"
                _ = try await crc.send(KafkaProducerRecord(topic: t.responses, key: nil, value: Array(bad.utf8)))
                planted.append(bad)
            }
        }
        @Sendable func committed(_ topic: String) async throws -> [KafkaConsumerMessage] {
            try await DaemonTests.read(bootstrap: bootstrap, topic, partitions: 2)
        }

        for i in 0..<30 { try await produce(i) }
        let first = try LoopwatchProcess(["run", "--config", path, "--instance-id", "rpk1"])
        // Stage 1 is re-keying: keep the stream flowing and kill -9 in the middle of it, with
        // a transaction of re-keyed records and input offsets most likely open.
        try await waitUntil(timeout: .seconds(60)) { try await committed(t.repartition).count >= 1 }
        let initial = try await committed(t.repartition).count
        for i in 30..<150 {
            try await produce(i)
            if i == 60 {  // stage 1 commits the live stream, not only the backlog it started on
                try await waitUntil(timeout: .seconds(30)) { try await committed(t.repartition).count > initial }
            }
            if i == 90 {
                first.signal(SIGKILL)
                _ = try await first.exitStatus()
                let rekeyed = try await committed(t.repartition).count
                print("noida repartition kill -9: \(rekeyed) of \(good.count) good events re-keyed at the kill")
            }
        }

        let second = try LoopwatchProcess(["run", "--config", path, "--instance-id", "rpk1", "--log-level", "debug"])
        var replay = ReplayDriver(
            policies: PolicySet([
                Policy(name: "fast", firstResponse: .seconds(15), nextResponse: .seconds(15), version: "")
            ]), processing: .init())
        var expected = Set<String>()
        for line in good { replay.feed(line: line) { expected.insert($0.conversationID) } }
        replay.finish(until: t0 + .seconds(60)) { expected.insert($0.conversationID) }
        let wanted = expected.count
        #expect(expected == Set((0..<150).filter { $0 % 2 == 1 }.map { "rk-\($0)" }))
        // Every breach is due 15 s after t0; past that, stop early when the broker hid records.
        try await waitUntil(timeout: .seconds(120)) {
            if try await DaemonTests.alertIDs(bootstrap: bootstrap, topic: t.alerts, partitions: 2).count >= wanted {
                return true
            }
            guard Timestamp.wallClock() > t0 + .seconds(25) else { return false }
            return try await !Self.committedRecordsSkippedAsAborted(
                t.repartition, bootstrap: bootstrap, log: second.stderr
            ).isEmpty
        }
        let complete =
            try await DaemonTests.alertIDs(bootstrap: bootstrap, topic: t.alerts, partitions: 2).count >= wanted
        second.signal(SIGTERM)
        #expect(try await second.exitStatus(within: .seconds(45)) == 0, "stderr: \(second.stderr.suffix(2000))")

        let alerts = try await DaemonTests.alertIDs(bootstrap: bootstrap, topic: t.alerts, partitions: 2)
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

        let repartitioned = try await committed(t.repartition).map { String(decoding: $0.value ?? [], as: UTF8.self) }
        #expect(repartitioned.count == good.count, "each good event re-keyed exactly once")
        #expect(repartitioned.sorted() == good.sorted(), "every good input event re-keyed, none lost or doubled")
        let dlq = try await committed(t.deadLetter)
        let dead = dlq.map { String(decoding: $0.value ?? [], as: UTF8.self) }
        #expect(dead.sorted() == planted.sorted(), "dead letters exactly the planted ones: \(dead)")
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
