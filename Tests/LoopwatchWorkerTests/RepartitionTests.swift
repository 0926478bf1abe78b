import Foundation
import KafkaClient
import LoopwatchCore
import LoopwatchTestSupport
import Testing

@testable import LoopwatchWorker

/// SPEC §1 "Keying" through Kafka (the mock cluster): inputs keyed any way, on topics with
/// different partition counts and partitioners, with and without `kafka.repartition_topic`.
@Suite(.serialized) struct RepartitionTests {
    static let policy = Policy(name: "fast", firstResponse: .seconds(6), nextResponse: .seconds(6), version: "v1")

    /// One event to produce: its JSON, the topic, the key and the producer's partitioner.
    struct Input {
        var line: String
        var topic: String
        var key: [UInt8]?
        var partitioner: String
    }

    /// Produces each input with a producer using its partitioner (librdkafka's default
    /// `consistent_random` is CRC32; `murmur2_random` is the Java clients').
    static func produce(_ inputs: [Input], to h: WorkerHarness) async throws {
        for partitioner in Set(inputs.map(\.partitioner)).sorted() {
            let producer = try KafkaProducer(
                configuration: KafkaConfiguration([
                    "bootstrap.servers": h.cluster.bootstrapServers, "partitioner": partitioner,
                    "queue.buffering.max.kbytes": "65536",
                ]),
                logger: WorkerHarness.logger)
            for i in inputs where i.partitioner == partitioner {
                _ = try await producer.send(KafkaProducerRecord(topic: i.topic, key: i.key, value: Array(i.line.utf8)))
            }
            await DedicatedThread.run { producer.shutdown() }
        }
    }

    /// 24 conversations: responses on `responses` (CRC32), acknowledgements of the even ones on
    /// `acks` (murmur2); a third keyed by conversation id, a third null-keyed, a third keyed by
    /// account. Plus one bad event.
    static func population(t0: Timestamp) -> (inputs: [Input], good: [String], misKeyed: Int) {
        var inputs: [Input] = []
        var good: [String] = []
        var misKeyed = 0
        for i in 0..<24 {
            let c = "conv-\(i)"
            let key: [UInt8]? = [Array(c.utf8), nil, Array("account-\(i % 4)".utf8)][i % 3]
            if i % 3 != 0 { misKeyed += 1 }
            let r = eventJSON("r\(i)", c, "response", at: t0)
            inputs.append(Input(line: r, topic: "responses", key: key, partitioner: "consistent_random"))
            good.append(r)
            if i % 2 == 0 {
                let a = eventJSON("a\(i)", c, "acknowledgement", at: t0 + TimeSpan(millis: 500))
                inputs.append(Input(line: a, topic: "acks", key: key, partitioner: "murmur2_random"))
                good.append(a)
                if i % 3 != 0 { misKeyed += 1 }
            }
        }
        inputs.append(Input(line: "not json", topic: "responses", key: nil, partitioner: "consistent_random"))
        return (inputs, good, misKeyed)
    }

    static func replayIDs(_ lines: [String], config: LoopwatchConfig, until: Timestamp) -> Set<String> {
        var replay = ReplayDriver(policies: config.policies, processing: config.processing)
        var ids = Set<String>()
        for line in lines { replay.feed(line: line) { ids.insert($0.id) } }
        replay.finish(until: until) { ids.insert($0.id) }
        return ids
    }

    static func header(_ m: KafkaConsumerMessage, _ name: String) -> String? {
        m.headers.last { $0.0 == name }?.1.map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func mixedKeysAndPartitionersThroughTheRepartitionTopicGiveReplaysAlerts() async throws {
        let h = try WorkerHarness(
            partitions: 2, policies: [Self.policy], lateness: .seconds(2),
            inputs: [("responses", 3), ("acks", 5)], repartitionTopic: "lw-repartition")
        defer { h.destroy() }
        let t0 = Timestamp.wallClock()
        let (inputs, good, _) = Self.population(t0: t0)
        try await Self.produce(inputs, to: h)
        let worker = h.startWorker()
        try await waitUntil(timeout: .seconds(60)) { try await h.alerts().count >= 12 }
        try await worker.stop()

        let seen = try await h.alerts()
        #expect(Set(seen.map(\.description)) == Set((0..<24).filter { $0 % 2 == 1 }.map { "breached conv-\($0)" }))
        #expect(Set(seen.map(\.id)).count == seen.count)
        #expect(Set(seen.map(\.id)) == Self.replayIDs(good, config: h.config, until: t0 + .seconds(20)))

        // Every good event once in the repartition topic, keyed by its conversation id, in its
        // murmur2 partition — and its conversation's state in the same partition number.
        let partitioner = Murmur2Partitioner(partitions: 2)
        let repartitioned = try await h.readAll("lw-repartition")
        #expect(Set(repartitioned.compactMap { $0.value.map { String(decoding: $0, as: UTF8.self) } }) == Set(good))
        #expect(repartitioned.count == good.count)
        for m in repartitioned {
            let key = try #require(m.key)
            #expect(m.partition == partitioner.partition(of: key))
            let isAck = String(decoding: m.value ?? [], as: UTF8.self).contains("acknowledgement")
            #expect(Self.header(m, "loopwatch.source")?.hasPrefix(isAck ? "acks/" : "responses/") == true)
        }
        let state = try await h.readAll(h.config.kafka.stateTopic)
        #expect(!state.isEmpty)
        for m in state { #expect(m.partition == partitioner.partition(of: m.key ?? [])) }

        // The bad event went to the dead-letter topic with its original source; no wrong_key.
        let dlq = try await h.readAll(h.config.kafka.deadLetterTopic)
        #expect(dlq.count == 1)
        #expect(dlq.first.flatMap { Self.header($0, "loopwatch.error") } == "invalid_json")
        #expect(dlq.first.flatMap { Self.header($0, "loopwatch.source") }?.hasPrefix("responses/") == true)
    }

    @Test func withoutARepartitionTopicMisKeyedEventsAreWrongKeyDeadLettersAndNothingElseChanges() async throws {
        let h = try WorkerHarness(partitions: 2, policies: [Self.policy], lateness: .seconds(2))
        defer { h.destroy() }
        let t0 = Timestamp.wallClock()
        let (population, _, misKeyed) = Self.population(t0: t0)
        var inputs = population
        for k in inputs.indices {
            inputs[k].topic = "interactions"
            // A well-keyed event goes where the default partitioner puts its conversation id.
            inputs[k].partitioner = "consistent_random"
        }
        let wellKeyed = inputs.filter { i in
            let c =
                (try? JSONSerialization.jsonObject(with: Data(i.line.utf8)) as? [String: Any])?["conversation_id"]
                as? String
            return c != nil && i.key == c.map { Array($0.utf8) }
        }.map(\.line)
        try await Self.produce(inputs, to: h)
        let worker = h.startWorker()
        let expected = Self.replayIDs(wellKeyed, config: h.config, until: t0 + .seconds(20))
        #expect(expected.count == 4)  // the odd well-keyed conversations: 3, 9, 15, 21
        try await waitUntil(timeout: .seconds(60)) {
            let dead = try await h.readAll(h.config.kafka.deadLetterTopic).count
            let alerts = try await h.alerts().count
            return dead >= misKeyed + 1 && alerts >= expected.count
        }
        try await worker.stop()

        let seen = try await h.alerts()
        #expect(Set(seen.map(\.id)) == expected)
        #expect(seen.count == expected.count)
        let dlq = try await h.readAll(h.config.kafka.deadLetterTopic)
        let reasons = dlq.compactMap { Self.header($0, "loopwatch.error") }
        #expect(reasons.filter { $0 == "wrong_key" }.count == misKeyed)
        #expect(reasons.filter { $0 == "invalid_json" }.count == 1)
        #expect(dlq.count == misKeyed + 1)
        for m in dlq where Self.header(m, "loopwatch.error") == "wrong_key" {
            #expect(Self.header(m, "loopwatch.error.detail")?.contains("kafka.repartition_topic") == true)
        }
    }
}
