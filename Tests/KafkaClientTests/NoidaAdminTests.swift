import KafkaClient
import LoopwatchTestSupport
import Testing

/// ``KafkaAdmin`` against a broker that implements CreateTopics (noida-db; librdkafka's mock
/// cluster does not).
@Suite(.serialized, .noidaAvailable, .noida) struct NoidaAdminTests {
    typealias T = TestSupport

    static func admin(_ broker: NoidaBroker) throws -> KafkaAdmin {
        try KafkaAdmin(
            configuration: KafkaConfiguration(["bootstrap.servers": broker.bootstrapServers]), logger: T.logger)
    }

    @Test func createsTopicsWithTheirPartitionsAndConfigs() async throws {
        let broker = try NoidaBroker.suiteBroker()
        let plain = T.unique("plain")
        let compacted = T.unique("compacted")
        let counts = try await T.blocking {
            let admin = try Self.admin(broker)
            let outcomes = try admin.createTopics(
                [
                    KafkaTopicSpec(name: plain, partitions: 3),
                    KafkaTopicSpec(name: compacted, partitions: 2, configs: ["cleanup.policy": "compact"]),
                ], timeout: .seconds(10))
            #expect(outcomes == [plain: .created, compacted: .created])
            #expect(try admin.topicConfigs(compacted, timeout: .seconds(10))["cleanup.policy"] == "compact")
            #expect(try admin.topicConfigs(plain, timeout: .seconds(10))["cleanup.policy"] != "compact")
            return try admin.partitionCounts(topics: [plain, compacted], timeout: .seconds(10))
        }
        #expect(counts == [plain: 3, compacted: 2])

        // The last partition of each takes records.
        let producer = try KafkaProducer(configuration: T.producerConfiguration(broker), logger: T.logger)
        defer { producer.shutdown() }
        _ = try producer.prepareTopics([plain, compacted])
        for (topic, last) in [(plain, Int32(2)), (compacted, Int32(1))] {
            let report = try await producer.send(
                KafkaProducerRecord(topic: topic, partition: last, key: T.bytes("k"), value: T.bytes("v")))
            #expect(report.topic == topic && report.partition == last)
        }
    }

    @Test func creatingAnExistingTopicAgainIsFineAndLeavesItAsItIs() async throws {
        let broker = try NoidaBroker.suiteBroker()
        let existing = T.unique("existing")
        let fresh = T.unique("fresh")
        try await T.blocking {
            let admin = try Self.admin(broker)
            try admin.createTopics([KafkaTopicSpec(name: existing, partitions: 2)], timeout: .seconds(10))
            let again = try admin.createTopics(
                [KafkaTopicSpec(name: existing, partitions: 5), KafkaTopicSpec(name: fresh, partitions: 1)],
                timeout: .seconds(10))
            #expect(again == [existing: .alreadyExists, fresh: .created])
            #expect(try admin.partitionCounts(topics: [existing], timeout: .seconds(10)) == [existing: 2])
        }
    }

    @Test func aBadSpecificationIsAClearErrorNamingTheTopic() async throws {
        let broker = try NoidaBroker.suiteBroker()
        let topic = T.unique("empty")
        try await T.blocking {
            let admin = try Self.admin(broker)
            let error = #expect(throws: KafkaError.self) {
                try admin.createTopics([KafkaTopicSpec(name: topic, partitions: 0)], timeout: .seconds(10))
            }
            #expect(error?.code == .invalidArgument)
            #expect(error?.message.contains(topic) == true)
            #expect(error?.message.contains("partitions") == true)
            #expect(try admin.partitionCounts(topics: [topic], timeout: .seconds(10)).isEmpty)
            let unknown = #expect(throws: KafkaError.self) { try admin.topicConfigs(topic, timeout: .seconds(10)) }
            #expect(unknown?.message.contains(topic) == true)
        }
    }

    @Test func aTopicTheBrokerRejectsIsAnErrorNamingIt() async throws {
        let broker = try NoidaBroker.suiteBroker()
        let good = T.unique("good")
        let bad = "bad name!" + T.unique("")
        try await T.blocking {
            let admin = try Self.admin(broker)
            let error = #expect(throws: KafkaError.self) {
                try admin.createTopics(
                    [KafkaTopicSpec(name: good, partitions: 1), KafkaTopicSpec(name: bad, partitions: 1)],
                    timeout: .seconds(10))
            }
            // Kafka's INVALID_TOPIC_EXCEPTION (17), with the broker's reason; the valid topic of the
            // same request is created all the same.
            #expect(error?.code == KafkaErrorCode(rawValue: 17))
            #expect(error?.message.contains("create topic \(bad): ") == true)
            #expect(error?.message.contains("illegal") == true)
            #expect(try admin.partitionCounts(topics: [good], timeout: .seconds(10)) == [good: 1])
        }
    }
}
