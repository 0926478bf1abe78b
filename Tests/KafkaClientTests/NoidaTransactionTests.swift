import KafkaClient
import LoopwatchTestSupport
import Testing

/// The transaction-isolation tests that are known issues on librdkafka's mock cluster
/// (``TransactionTests``), strictly, against an isolating broker (noida-db): read_committed
/// hides aborted and open transactions, offsets sent to a transaction commit with it only, and a
/// second producer with the same `transactional.id` fences the first.
@Suite(.serialized, .noidaAvailable, .noida) struct NoidaTransactionTests {
    typealias T = TestSupport

    @Test func abortedAndOpenTransactionsAreHiddenFromReadCommitted() async throws {
        let broker = try NoidaBroker.suiteBroker()
        let topic = T.unique("txn")
        try broker.createTopics([topic], partitions: 2)
        try await T.blocking {
            let producer = try T.transactionalProducer(broker)
            defer { producer.shutdown() }
            try T.writeCommittedAndAbortedBatches(producer, topic: topic)
            // A transaction left open (its records written to the partitions) by another producer.
            let open = try T.transactionalProducer(broker, id: T.unique("open"))
            defer { open.shutdown() }
            try open.beginTransaction()
            for i in 0..<2 {
                try open.enqueue(KafkaProducerRecord(topic: topic, partition: Int32(i), value: T.bytes("o-\(i)")))
            }
            try open.flush(timeout: .seconds(10))

            let consumer = try T.consumerInNewGroup(broker, topics: [topic])
            defer { consumer.close() }
            let values = try T.consumeValues(consumer, count: 6, settle: .milliseconds(500))
            #expect(values.sorted() == ["c1-0", "c1-1", "c1-2", "c2-0", "c2-1", "c2-2"])

            // Once committed, the open transaction's records become visible, once.
            try open.commitTransaction(timeout: .seconds(10))
            let later = try T.consume(consumer, count: 2).map { T.string($0.value)! }
            let rest = try consumer.poll(maxMessages: 100, timeout: .milliseconds(300)).map { T.string($0.value)! }
            #expect((later + rest).sorted() == ["o-0", "o-1"])
        }
    }

    @Test func offsetsSentInTransactionAreCommittedWithItOnly() async throws {
        let broker = try NoidaBroker.suiteBroker()
        let input = T.unique("in")
        let output = T.unique("out")
        try broker.createTopics([input, output], partitions: 1)
        try await T.blocking {
            let (consumer, next) = try T.consumedInput(broker, topic: input)
            defer { consumer.close() }
            let tp = TopicPartition(topic: input, partition: 0)

            let producer = try T.transactionalProducer(broker)
            defer { producer.shutdown() }

            // Aborted: the offsets are not committed.
            try producer.beginTransaction()
            try producer.enqueue(KafkaProducerRecord(topic: output, value: T.bytes("ignored")))
            try T.sendOffset(2, of: input, to: producer, for: consumer)
            try producer.abortTransaction(timeout: .seconds(10))
            #expect(try consumer.committed([tp], timeout: .seconds(5)).first?.offset == TopicPartitionOffset.invalid)

            // Sent but not yet committed: still not committed.
            try producer.beginTransaction()
            try producer.enqueue(KafkaProducerRecord(topic: output, value: T.bytes("result")))
            try T.sendOffset(next, of: input, to: producer, for: consumer)
            #expect(try consumer.committed([tp], timeout: .seconds(5)).first?.offset == TopicPartitionOffset.invalid)

            // Committed: the offsets are committed atomically with the output.
            try producer.commitTransaction(timeout: .seconds(10))
            let committed = try consumer.committed([tp], timeout: .seconds(5))
            #expect(committed.first?.offset == next, "committed \(committed), expected \(next)")

            let values = try T.committedValues(broker, topic: output)
            #expect(values == ["result"])
        }
    }

    @Test func abortedBatchIsHiddenAndItsReplayVisible() async throws {
        let broker = try NoidaBroker.suiteBroker()
        let topic = T.unique("abortable")
        try broker.createTopics([topic], partitions: 1)
        let values = try await T.blocking { () throws -> [String] in
            let producer = try T.transactionalProducer(broker)
            defer { producer.shutdown() }
            let lost = KafkaProducerRecord(topic: topic, value: T.bytes("lost"))
            let replayed = KafkaProducerRecord(topic: topic, value: T.bytes("replayed"))
            try T.transaction(producer, [lost], commit: false, deliverFirst: true)  // on the partition before the abort
            try T.transaction(producer, [replayed], commit: true)
            return try T.committedValues(broker, topic: topic)
        }
        #expect(values == ["replayed"])
    }

    @Test func partitionReaderSkipsAbortedTransactions() async throws {
        let broker = try NoidaBroker.suiteBroker()
        let topic = T.unique("changelog")
        try broker.createTopics([topic], partitions: 2)
        try await T.blocking {
            let producer = try T.transactionalProducer(broker)
            defer { producer.shutdown() }
            try T.writeChangelog(producer, topic: topic)

            let reader = try KafkaPartitionReader(configuration: T.readerConfiguration(broker), logger: T.logger)
            defer { reader.close() }
            var first: [String] = []
            let firstCount = try reader.read(topic: topic, partition: 0, maxBatch: 2) {
                first += $0.map { T.string($0.value)! }
            }
            #expect(firstCount == 5)
            #expect(first == ["a", "b", "c", "d", "e"])
            var second: [String] = []
            let secondCount = try reader.read(topic: topic, partition: 1) { second += $0.map { T.string($0.value)! } }
            #expect(secondCount == 2)
            #expect(second == ["p1", "p2"])
        }
    }

    @Test func secondProducerWithTheSameTransactionalIDFencesTheFirst() async throws {
        let broker = try NoidaBroker.suiteBroker()
        let topic = T.unique("fence")
        try broker.createTopics([topic], partitions: 1)
        try await T.blocking {
            let id = T.unique("tx")
            let zombie = try T.transactionalProducer(broker, id: id)
            defer { zombie.shutdown() }
            try zombie.beginTransaction()
            try zombie.enqueue(KafkaProducerRecord(topic: topic, value: T.bytes("zombie")))
            try zombie.flush(timeout: .seconds(10))

            let successor = try T.transactionalProducer(broker, id: id)  // aborts the zombie's open transaction
            defer { successor.shutdown() }
            var failure: KafkaError?
            do throws(KafkaError) {
                try zombie.commitTransaction(timeout: .seconds(10))
            } catch {
                failure = error
            }
            let error = try #require(failure, "the fenced producer must not commit")
            #expect(error.isFatal || error.isFenced, "\(error)")
            try successor.beginTransaction()
            try successor.enqueue(KafkaProducerRecord(topic: topic, value: T.bytes("successor")))
            try successor.commitTransaction(timeout: .seconds(10))

            let values = try T.committedValues(broker, topic: topic)
            #expect(values == ["successor"])
        }
    }
}
