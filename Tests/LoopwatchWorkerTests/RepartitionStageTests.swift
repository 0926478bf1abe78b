import Foundation
import KafkaClient
import LoopwatchCore
import Testing

@testable import LoopwatchWorker

/// Stage 1 and the ownership of `kafka.repartition_topic`, without Kafka.
@Suite struct RepartitionStageTests {
    typealias T = ProcessingCoreTests
    static let topics = ProcessingCore.Topics(
        inputs: ["responses", "acks"], alerts: "sla-alerts", state: "loopwatch-state", deadLetter: "interactions-dlq",
        repartition: .init(topic: "lw-repartition", partitions: 4))

    static func message(_ json: String, topic: String, partition: Int32, offset: Int64, key: [UInt8]?)
        -> KafkaConsumerMessage
    {
        KafkaConsumerMessage(
            topic: topic, partition: partition, offset: offset, key: key, value: Array(json.utf8),
            headers: [("trace", Array("t1".utf8))], timestamp: 1_793_610_000_123)
    }

    static func headers(_ r: KafkaProducerRecord) -> [String: String] {
        Dictionary(
            r.headers.map { ($0.0, String(decoding: $0.1 ?? [], as: UTF8.self)) }, uniquingKeysWith: { _, b in b })
    }

    @Test func aGoodInputEventIsReKeyedIntoItsMurmur2PartitionUnchanged() throws {
        var core = ProcessingCore(topics: Self.topics, config: T.config())
        let json = #"{"id":"e1","conversation_id":"conv-42","kind":"response","occurred_at":"2026-11-02T08:00:00Z"}"#
        core.process(
            Self.message(json, topic: "acks", partition: 3, offset: 17, key: Array("account-9".utf8)), now: T.now)
        var out: [KafkaProducerRecord] = []
        core.drainOutput(now: T.now, into: &out)
        #expect(out.count == 1)
        let r = try #require(out.first)
        #expect(r.topic == "lw-repartition")
        #expect(r.key == Array("conv-42".utf8))
        #expect(r.partition == Murmur2Partitioner(partitions: 4).partition(of: Array("conv-42".utf8)))
        #expect(r.value == Array(json.utf8))
        #expect(r.timestamp == 1_793_610_000_123)
        #expect(Self.headers(r) == ["trace": "t1", "loopwatch.source": "acks/3/17"])
        #expect(core.ownedPartitions.isEmpty, "stage 1 holds no state")
        let stats = core.drainStats()
        #expect(stats.repartitioned == 1)
        #expect(stats.bad.isEmpty && stats.events.isEmpty)
    }

    @Test func aBadInputEventIsADeadLetterWithItsOwnSource() throws {
        var core = ProcessingCore(topics: Self.topics, config: T.config())
        core.process(Self.message("nope", topic: "responses", partition: 2, offset: 5, key: nil), now: T.now)
        var out: [KafkaProducerRecord] = []
        core.drainOutput(now: T.now, into: &out)
        #expect(out.map(\.topic) == ["interactions-dlq"])
        #expect(Self.headers(out[0])["loopwatch.source"] == "responses/2/5")
        #expect(Self.headers(out[0])["loopwatch.error"] == "invalid_json")
        #expect(core.drainStats().bad == [.invalidJSON: 1])
    }

    /// Stage 2 reads the repartition topic like an input: engines by its partitions; a dead
    /// letter there names the original input, not the repartition topic.
    @Test func stageTwoAppliesTheRepartitionTopicAndKeepsTheOriginalSource() throws {
        var core = ProcessingCore(topics: Self.topics, config: T.config())
        let json = #"{"id":"e1","conversation_id":"conv-42","kind":"response","occurred_at":"2026-11-02T08:00:00Z"}"#
        core.process(Self.message(json, topic: "acks", partition: 3, offset: 17, key: nil), now: T.now)
        var stage1: [KafkaProducerRecord] = []
        core.drainOutput(now: T.now, into: &stage1)
        let r = try #require(stage1.first)
        let back = KafkaConsumerMessage(
            topic: r.topic, partition: r.partition!, offset: 0, key: r.key, value: r.value, headers: r.headers)
        core.process([back], now: T.now)
        #expect(core.ownedPartitions == [r.partition!])
        #expect(core.conversations == 1)

        // The same record, were it bad for stage 2 (say, a lower max_event_bytes after a restart).
        var tight = T.config()
        tight.processing.maxEventBytes = 16
        var strict = ProcessingCore(topics: Self.topics, config: tight)
        strict.process([back], now: T.now)
        var out: [KafkaProducerRecord] = []
        strict.drainOutput(now: T.now, into: &out)
        let dlq = try #require(out.first { $0.topic == "interactions-dlq" })
        #expect(
            dlq.headers.filter { $0.0 == "loopwatch.source" }.map { String(decoding: $0.1 ?? [], as: UTF8.self) } == [
                "acks/3/17"
            ])
    }

    @Test func inputTopicsAreStatelessInOwnership() {
        var o = PartitionOwnership(stateless: ["responses", "acks"])
        let tp = { (t: String, p: Int32) in TopicPartition(topic: t, partition: p) }
        let restore = o.assign(
            [tp("responses", 0), tp("responses", 4), tp("acks", 1), tp("lw-repartition", 1)], holding: [])
        #expect(restore == [1])
        #expect(o.numbers == [1])
        #expect(o.inputs(of: 1) == [tp("lw-repartition", 1)])
        #expect(o.assigned.count == 4, "every partition is assigned, read and rewound")
        o.reachedEnd(tp("lw-repartition", 1), at: 0)
        #expect(!o.isCaughtUp(1), "a stage-1 backlog may hold partition 1's next events")
        for t in [tp("responses", 0), tp("responses", 4), tp("acks", 1)] { o.reachedEnd(t, at: 0) }
        #expect(o.isCaughtUp(1))
        #expect(o.release([tp("acks", 1)]) == [])
        #expect(o.release([tp("lw-repartition", 1)]) == [1])
    }

    @Test func startupNeedsTheRepartitionTopicWithTheStateTopicsCountAndNothingOfTheInputs() throws {
        let kafka = LoopwatchConfig.Kafka(
            bootstrapServers: "b", inputTopics: ["responses", "acks"], repartitionTopic: "lw-repartition")
        var counts = ["responses": 3, "acks": 5, "loopwatch-state": 2, "sla-alerts": 1, "interactions-dlq": 1]
        for have in [nil, 3] as [Int?] {
            counts["lw-repartition"] = have
            let error = try #require(throws: WorkerError.self) {
                try WorkerService.validate(counts: counts, kafka: kafka)
            }
            #expect(error.code == .repartitionTopic)
            #expect(error.isConfigurationError)
            #expect(error.message.contains("repartition topic lw-repartition"))
            #expect(error.message.contains("--topic lw-repartition --partitions 2"))
        }
        counts["lw-repartition"] = 2
        try WorkerService.validate(counts: counts, kafka: kafka)
    }
}
