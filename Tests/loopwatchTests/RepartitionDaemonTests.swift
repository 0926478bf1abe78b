import Foundation
import KafkaClient
import LoopwatchCore
import LoopwatchTestSupport
import Testing

/// `kafka.repartition_topic` with the real binary: kill -9 in the middle of stage 1, restart,
/// nothing lost or doubled; a missing or mis-sized repartition topic is exit 78 naming it.
///
/// On librdkafka 2.0.2's mock cluster, which keeps no transaction markers: records of the killed
/// process's open transaction stay visible to read_committed readers, so "not doubled" is checked
/// where the design makes it hold on the mock too — alert ids (deterministic) and the engines'
/// duplicate detection (a re-keyed event seen twice changes nothing) — and the repartition
/// topic is only checked for nothing lost. On an isolating broker it holds record by record.
@Suite(.serialized) struct RepartitionDaemonTests {
    static func config(bootstrap: String, group: String) -> String {
        """
        kafka:
          bootstrap_servers: "\(bootstrap)"
          group_id: \(group)
          input_topics: [responses, acks]
          repartition_topic: lw-repartition
        processing:
          commit_interval: 100ms
          allowed_lateness: 3s
        metrics:
          listen: off
        policies:
          - name: fast
            first_response: 12s
            next_response: 12s
        """
    }

    static func cluster(repartition: Int? = 2) throws -> KafkaMockCluster {
        let c = try KafkaMockCluster(brokers: 1, logger: DaemonTests.logger)
        try c.createTopic(name: "responses", partitions: 3)
        try c.createTopic(name: "acks", partitions: 5)
        for t in ["loopwatch-state", "sla-alerts", "interactions-dlq"] { try c.createTopic(name: t, partitions: 2) }
        if let repartition { try c.createTopic(name: "lw-repartition", partitions: repartition) }
        return c
    }

    @Test func killNineInTheMiddleOfStageOneLosesNothingAndDoublesNoAlert() async throws {
        let cluster = try Self.cluster()
        defer { cluster.destroy() }
        let path = try temporaryFile(
            "lw-repartition.yaml", Self.config(bootstrap: cluster.bootstrapServers, group: "rp-kill9"))
        let crc = try KafkaProducer(
            configuration: KafkaConfiguration(["bootstrap.servers": cluster.bootstrapServers]),
            logger: DaemonTests.logger)
        let murmur = try KafkaProducer(
            configuration: KafkaConfiguration([
                "bootstrap.servers": cluster.bootstrapServers, "partitioner": "murmur2_random",
            ]),
            logger: DaemonTests.logger)
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
        func produce(_ conversations: Range<Int>) async throws {
            for i in conversations {
                let c = "rk-\(i)"
                let key: [UInt8]? = [Array(c.utf8), nil, Array("account-\(i % 5)".utf8)][i % 3]
                let r = event("r\(i)", c, "response", 0)
                _ = try await crc.send(KafkaProducerRecord(topic: "responses", key: key, value: Array(r.utf8)))
                good.append(r)
                if i % 2 == 0 {
                    let a = event("a\(i)", c, "acknowledgement", 500)
                    _ = try await murmur.send(KafkaProducerRecord(topic: "acks", key: key, value: Array(a.utf8)))
                    good.append(a)
                }
            }
            let bad = "{\"planted\": \(conversations.lowerBound), not json"
            _ = try await crc.send(KafkaProducerRecord(topic: "responses", key: nil, value: Array(bad.utf8)))
            planted.append(bad)
        }

        try await produce(0..<40)
        let first = try LoopwatchProcess(["run", "--config", path, "--instance-id", "rp1"])
        // Stage 1 has produced into the repartition topic: kill -9 now, mid-stream.
        try await waitUntil(timeout: .seconds(60)) {
            try await DaemonTests.read(cluster, "lw-repartition").count >= 1
        }
        first.signal(SIGKILL)
        _ = try await first.exitStatus()
        try await produce(40..<80)

        let second = try LoopwatchProcess(["run", "--config", path, "--instance-id", "rp1"])
        var replay = ReplayDriver(
            policies: PolicySet([
                Policy(name: "fast", firstResponse: .seconds(12), nextResponse: .seconds(12), version: "")
            ]), processing: .init())
        var expectedSubjects = Set<String>()
        for line in good { replay.feed(line: line) { expectedSubjects.insert($0.conversationID) } }
        replay.finish(until: t0 + .seconds(60)) { expectedSubjects.insert($0.conversationID) }
        #expect(expectedSubjects == Set((0..<80).filter { $0 % 2 == 1 }.map { "rk-\($0)" }))
        let wanted = expectedSubjects.count
        try await waitUntil(timeout: .seconds(120)) {
            Set(try await DaemonTests.alertIDs(cluster).map(\.subject)).count >= wanted
        }
        second.signal(SIGTERM)
        #expect(try await second.exitStatus(within: .seconds(45)) == 0)

        let alerts = try await DaemonTests.alertIDs(cluster)
        #expect(Set(alerts.map(\.subject)) == expectedSubjects, "every unanswered conversation breached, no other")
        // One breach per conversation: a record seen twice on the mock is the same id.
        #expect(Set(alerts.map(\.id)).count == expectedSubjects.count)

        let repartitioned = try await DaemonTests.read(cluster, "lw-repartition")
        let values = Set(repartitioned.compactMap { $0.value.map { String(decoding: $0, as: UTF8.self) } })
        #expect(values == Set(good), "every good input event re-keyed, none lost")
        let dlq = try await DaemonTests.read(cluster, "interactions-dlq")
        #expect(Set(dlq.compactMap { $0.value.map { String(decoding: $0, as: UTF8.self) } }) == Set(planted))
        #expect(
            !dlq.contains { m in m.headers.contains { $0.0 == "loopwatch.error" && $0.1 == Array("wrong_key".utf8) } })
    }

    @Test(arguments: [nil, 3] as [Int?])
    func aMissingOrMisSizedRepartitionTopicIsExit78NamingIt(partitions: Int?) async throws {
        let cluster = try Self.cluster(repartition: partitions)
        defer { cluster.destroy() }
        let path = try temporaryFile("lw-rp78.yaml", Self.config(bootstrap: cluster.bootstrapServers, group: "rp-78"))
        let (status, _, err) = try await LoopwatchProcess.run(["run", "--config", path])
        #expect(status == 78)
        #expect(err.contains("lw-repartition"), "got: \(err)")
        #expect(err.contains("--partitions 2"), "got: \(err)")
    }
}
