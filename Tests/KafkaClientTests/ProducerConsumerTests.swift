import KafkaClient
import Synchronization
import Testing

@Suite struct ProducerConsumerTests {
    typealias T = TestSupport

    @Test func roundTripWithKeysHeadersAndTimestamps() async throws {
        let cluster = try KafkaMockCluster(brokers: 3)
        defer { cluster.destroy() }
        let topic = T.unique("roundtrip")
        try cluster.createTopic(name: topic, partitions: 3)
        let producer = try KafkaProducer(configuration: T.producerConfiguration(cluster), logger: T.logger)

        var reports: [Int: KafkaDeliveryReport] = [:]
        for i in 0..<10 {
            let record = KafkaProducerRecord(
                topic: topic,
                partition: Int32(i % 3),
                key: T.bytes("key-\(i)"),
                value: i == 7 ? nil : (i == 8 ? [] : T.bytes("value-\(i)")),
                headers: [("h1", T.bytes("x\(i)")), ("null-header", nil)],
                timestamp: 1_700_000_000_000 + Int64(i))
            reports[i] = try await producer.send(record)
        }
        #expect(reports[0]?.partition == 0 && reports[0]?.offset == 0)
        #expect(reports[9]?.partition == 0 && reports[9]?.offset == 3)
        await DedicatedThread.run { producer.shutdown() }

        let messages = try await T.blocking {
            let consumer = try KafkaConsumer(
                configuration: T.consumerConfiguration(cluster, group: T.unique("g")), topics: [topic], logger: T.logger
            )
            defer { consumer.close() }
            return try T.consume(consumer, count: 10)
        }
        #expect(messages.count == 10)
        let byKey = Dictionary(uniqueKeysWithValues: messages.map { (T.string($0.key)!, $0) })
        for i in 0..<10 {
            let m = try #require(byKey["key-\(i)"])
            #expect(m.topic == topic)
            #expect(m.partition == Int32(i % 3))
            #expect(m.offset == reports[i]?.offset)
            #expect(m.timestamp == 1_700_000_000_000 + Int64(i))
            #expect(m.headers.count == 2)
            #expect(m.headers.first?.0 == "h1" && m.headers.first?.1 == T.bytes("x\(i)"))
            #expect(m.headers.last?.0 == "null-header" && m.headers.last?.1 == nil)
            switch i {
            case 7: #expect(m.value == nil)
            case 8: #expect(m.value == [])
            default: #expect(m.value == T.bytes("value-\(i)"))
            }
        }
    }

    @Test func metadataPartitionCounts() async throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        defer { cluster.destroy() }
        try cluster.createTopic(name: "orders", partitions: 4)
        try cluster.createTopic(name: "alerts", partitions: 2)
        try await T.blocking {
            let producer = try KafkaProducer(configuration: T.producerConfiguration(cluster), logger: T.logger)
            defer { producer.shutdown() }
            #expect(
                try producer.partitionCounts(topics: ["orders", "alerts", "missing"]) == ["orders": 4, "alerts": 2])
            #expect(try producer.partitionCount(topic: "orders") == 4)
            #expect(try producer.partitionCount(topic: "missing") == nil)
        }
    }

    @Test func asyncBatchesEndOnClose() async throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        defer { cluster.destroy() }
        let topic = T.unique("batches")
        try cluster.createTopic(name: topic, partitions: 2)
        try await T.produce(to: cluster, topic: topic, counts: [0: 25, 1: 25]) { p, i in
            (T.bytes("k\(p)-\(i)"), T.bytes("\(p)-\(i)"))
        }

        let consumer = try KafkaConsumer(
            configuration: T.consumerConfiguration(cluster, group: T.unique("g")), topics: [topic], logger: T.logger)
        var received = 0
        var iterator = consumer.batches(maxMessages: 7).makeAsyncIterator()
        while received < 50, let batch = try await iterator.next() {
            #expect(!batch.isEmpty && batch.count <= 7)
            received += batch.count
        }
        #expect(received == 50)
        await DedicatedThread.run { consumer.close() }
        // After close the sequence finishes (buffered batches, if any, first).
        while try await iterator.next() != nil {}
        #expect(throws: KafkaError.self) { try consumer.poll(maxMessages: 1, timeout: .zero) }
    }

    @Test func idempotentProducerRecoversFromInjectedProduceErrors() async throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        defer { cluster.destroy() }
        let topic = T.unique("idem")
        try cluster.createTopic(name: topic, partitions: 1)
        let producer = try KafkaProducer(configuration: T.producerConfiguration(cluster), logger: T.logger)
        // Make sure the producer id is acquired before the injected errors.
        _ = try await producer.send(KafkaProducerRecord(topic: topic, value: T.bytes("warmup")))
        try cluster.pushRequestErrors(
            .produce, [.notEnoughReplicas, .requestTimedOut, .notLeaderForPartition, .notEnoughReplicas])
        var offsets: [Int64] = []
        for i in 0..<5 {
            offsets.append(try await producer.send(KafkaProducerRecord(topic: topic, value: T.bytes("v\(i)"))).offset)
        }
        #expect(offsets == [1, 2, 3, 4, 5])
        await DedicatedThread.run { producer.shutdown() }

        let values = try await T.blocking {
            let reader = try KafkaPartitionReader(configuration: T.readerConfiguration(cluster), logger: T.logger)
            defer { reader.close() }
            var values: [String] = []
            _ = try reader.read(topic: topic, partition: 0) { values += $0.map { T.string($0.value)! } }
            return values
        }
        #expect(values == ["warmup", "v0", "v1", "v2", "v3", "v4"])  // no duplicates, in order
    }

    @Test func survivesBrokerDownAndUp() async throws {
        let cluster = try KafkaMockCluster(brokers: 3)
        defer { cluster.destroy() }
        let topic = T.unique("outage")
        let group = T.unique("g")
        try cluster.createTopic(name: topic, partitions: 1, replicationFactor: 3)
        try cluster.setPartitionLeader(topic: topic, partition: 0, brokerID: 1)
        try cluster.setCoordinator(.group, key: group, brokerID: 2)

        try await T.blocking {
            let producer = try KafkaProducer(configuration: T.producerConfiguration(cluster), logger: T.logger)
            defer { producer.shutdown() }
            let consumer = try KafkaConsumer(
                configuration: T.consumerConfiguration(cluster, group: group), topics: [topic], logger: T.logger)
            defer { consumer.close() }

            for i in 0..<5 { try producer.enqueue(KafkaProducerRecord(topic: topic, value: T.bytes("before-\(i)"))) }
            try producer.flush(timeout: .seconds(10))
            #expect(try T.consume(consumer, count: 5).count == 5)

            try cluster.setBrokerDown(1)
            let delivered = Atomic<Int>(0)
            for i in 0..<5 {
                try producer.enqueue(KafkaProducerRecord(topic: topic, value: T.bytes("during-\(i)"))) { result in
                    if case .success = result { delivered.add(1, ordering: .relaxed) }
                }
            }
            // While the leader is down nothing can be delivered or consumed.
            #expect(throws: KafkaError.self) { try producer.flush(timeout: .milliseconds(500)) }
            #expect(delivered.load(ordering: .relaxed) == 0)
            #expect(try consumer.poll(maxMessages: 10, timeout: .milliseconds(300)).isEmpty)

            try cluster.setBrokerUp(1)
            try producer.flush(timeout: .seconds(20))
            #expect(delivered.load(ordering: .relaxed) == 5)
            let after = try T.consume(consumer, count: 5)
            #expect(after.map { T.string($0.value)! } == (0..<5).map { "during-\($0)" })
        }
    }

    @Test func enqueueBackPressureWhenQueueIsFull() async throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        defer { cluster.destroy() }
        let topic = T.unique("full")
        try cluster.createTopic(name: topic, partitions: 1)
        try await T.blocking {
            let producer = try KafkaProducer(
                configuration: T.producerConfiguration(cluster).with("queue.buffering.max.messages", "3"),
                logger: T.logger)
            defer { producer.shutdown() }
            try cluster.setBrokerDown(-1)
            for i in 0..<3 { try producer.enqueue(KafkaProducerRecord(topic: topic, value: T.bytes("\(i)"))) }
            // Non-blocking by default: a full queue is reported at once.
            #expect { try producer.enqueue(KafkaProducerRecord(topic: topic, value: T.bytes("x"))) } throws: {
                ($0 as? KafkaError)?.code == .queueFull
            }
            // Bounded wait: still full after 200 ms.
            let clock = ContinuousClock()
            let start = clock.now
            #expect {
                try producer.enqueue(
                    KafkaProducerRecord(topic: topic, value: T.bytes("x")), maxBlock: .milliseconds(200))
            } throws: { ($0 as? KafkaError)?.code == .queueFull }
            #expect(clock.now - start >= .milliseconds(200))
            // Once the broker is back, a blocking enqueue gets room.
            try cluster.setBrokerUp(-1)
            try producer.enqueue(KafkaProducerRecord(topic: topic, value: T.bytes("3")), maxBlock: .seconds(20))
            try producer.flush(timeout: .seconds(20))
            #expect(producer.outstandingCount == 0)
        }
    }
}
