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
            let producer = try KafkaTransactionalProducer(
                configuration: T.transactionalConfiguration(broker, id: T.unique("tx")), logger: T.logger)
            defer { producer.shutdown() }
            try producer.initTransactions(timeout: .seconds(10))
            for (batch, commit, deliverFirst) in [
                ("c1", true, false), ("a1", false, false), ("a2", false, true), ("c2", true, false),
            ] {
                try producer.beginTransaction()
                for i in 0..<3 {
                    try producer.enqueue(
                        KafkaProducerRecord(topic: topic, partition: Int32(i % 2), value: T.bytes("\(batch)-\(i)")))
                }
                if deliverFirst { try producer.flush(timeout: .seconds(10)) }
                if commit {
                    try producer.commitTransaction(timeout: .seconds(10))
                } else {
                    try producer.abortTransaction(timeout: .seconds(10))
                }
            }
            // A transaction left open (its records written to the partitions) by another producer.
            let open = try KafkaTransactionalProducer(
                configuration: T.transactionalConfiguration(broker, id: T.unique("open")), logger: T.logger)
            defer { open.shutdown() }
            try open.initTransactions(timeout: .seconds(10))
            try open.beginTransaction()
            for i in 0..<2 {
                try open.enqueue(KafkaProducerRecord(topic: topic, partition: Int32(i), value: T.bytes("o-\(i)")))
            }
            try open.flush(timeout: .seconds(10))

            let consumer = try KafkaConsumer(
                configuration: T.consumerConfiguration(broker, group: T.unique("g")), topics: [topic], logger: T.logger)
            defer { consumer.close() }
            var values = try T.consume(consumer, count: 6).map { T.string($0.value)! }
            values += try consumer.poll(maxMessages: 100, timeout: .milliseconds(500)).map { T.string($0.value)! }
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
            let plain = try KafkaProducer(configuration: T.producerConfiguration(broker), logger: T.logger)
            for i in 0..<5 { try plain.enqueue(KafkaProducerRecord(topic: input, value: T.bytes("\(i)"))) }
            try plain.flush(timeout: .seconds(10))
            plain.shutdown()

            let tp = TopicPartition(topic: input, partition: 0)
            let consumer = try KafkaConsumer(
                configuration: T.consumerConfiguration(broker, group: T.unique("g")), topics: [input], logger: T.logger)
            defer { consumer.close() }
            let consumed = try T.consume(consumer, count: 5)
            let next = consumed.map(\.offset).max()! + 1

            let producer = try KafkaTransactionalProducer(
                configuration: T.transactionalConfiguration(broker, id: T.unique("tx")), logger: T.logger)
            defer { producer.shutdown() }
            try producer.initTransactions(timeout: .seconds(10))

            // Aborted: the offsets are not committed.
            try producer.beginTransaction()
            try producer.enqueue(KafkaProducerRecord(topic: output, value: T.bytes("ignored")))
            try producer.sendOffsetsToTransaction(
                offsets: [TopicPartitionOffset(topic: input, partition: 0, offset: 2)],
                groupMetadata: try consumer.groupMetadata(), timeout: .seconds(10))
            try producer.abortTransaction(timeout: .seconds(10))
            #expect(try consumer.committed([tp], timeout: .seconds(5)).first?.offset == TopicPartitionOffset.invalid)

            // Sent but not yet committed: still not committed.
            try producer.beginTransaction()
            try producer.enqueue(KafkaProducerRecord(topic: output, value: T.bytes("result")))
            try producer.sendOffsetsToTransaction(
                offsets: [TopicPartitionOffset(topic: input, partition: 0, offset: next)],
                groupMetadata: try consumer.groupMetadata(), timeout: .seconds(10))
            #expect(try consumer.committed([tp], timeout: .seconds(5)).first?.offset == TopicPartitionOffset.invalid)

            // Committed: the offsets are committed atomically with the output.
            try producer.commitTransaction(timeout: .seconds(10))
            let committed = try consumer.committed([tp], timeout: .seconds(5))
            #expect(committed.first?.offset == next, "committed \(committed), expected \(next)")

            let reader = try KafkaPartitionReader(configuration: T.readerConfiguration(broker), logger: T.logger)
            defer { reader.close() }
            var values: [String] = []
            _ = try reader.read(topic: output, partition: 0) { values += $0.map { T.string($0.value)! } }
            #expect(values == ["result"])
        }
    }

    @Test func abortedBatchIsHiddenAndItsReplayVisible() async throws {
        let broker = try NoidaBroker.suiteBroker()
        let topic = T.unique("abortable")
        try broker.createTopics([topic], partitions: 1)
        let values = try await T.blocking { () throws -> [String] in
            let producer = try KafkaTransactionalProducer(
                configuration: T.transactionalConfiguration(broker, id: T.unique("tx")), logger: T.logger)
            defer { producer.shutdown() }
            try producer.initTransactions(timeout: .seconds(10))
            try producer.beginTransaction()
            try producer.enqueue(KafkaProducerRecord(topic: topic, value: T.bytes("lost")))
            try producer.flush(timeout: .seconds(10))  // on the partition before the abort
            try producer.abortTransaction(timeout: .seconds(10))
            try producer.beginTransaction()
            try producer.enqueue(KafkaProducerRecord(topic: topic, value: T.bytes("replayed")))
            try producer.commitTransaction(timeout: .seconds(10))

            let reader = try KafkaPartitionReader(configuration: T.readerConfiguration(broker), logger: T.logger)
            defer { reader.close() }
            var values: [String] = []
            _ = try reader.read(topic: topic, partition: 0) { values += $0.map { T.string($0.value)! } }
            return values
        }
        #expect(values == ["replayed"])
    }

    @Test func partitionReaderSkipsAbortedTransactions() async throws {
        let broker = try NoidaBroker.suiteBroker()
        let topic = T.unique("changelog")
        try broker.createTopics([topic], partitions: 2)
        try await T.blocking {
            let producer = try KafkaTransactionalProducer(
                configuration: T.transactionalConfiguration(broker, id: T.unique("tx")), logger: T.logger)
            defer { producer.shutdown() }
            try producer.initTransactions(timeout: .seconds(10))
            func transaction(_ values: [String], partition: Int32, commit: Bool, deliverFirst: Bool = false) throws {
                try producer.beginTransaction()
                for v in values {
                    try producer.enqueue(
                        KafkaProducerRecord(topic: topic, partition: partition, key: T.bytes(v), value: T.bytes(v)))
                }
                if deliverFirst { try producer.flush(timeout: .seconds(10)) }
                if commit {
                    try producer.commitTransaction(timeout: .seconds(10))
                } else {
                    try producer.abortTransaction(timeout: .seconds(10))
                }
            }
            try transaction(["a", "b", "c"], partition: 0, commit: true)
            try transaction(["x", "y", "z", "w"], partition: 0, commit: false)
            try transaction(["d", "e"], partition: 0, commit: true)
            try transaction(["p1"], partition: 1, commit: true)
            try transaction(["q1", "q2"], partition: 1, commit: false, deliverFirst: true)  // written, then aborted
            try transaction(["p2"], partition: 1, commit: true)

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
            let zombie = try KafkaTransactionalProducer(
                configuration: T.transactionalConfiguration(broker, id: id), logger: T.logger)
            defer { zombie.shutdown() }
            try zombie.initTransactions(timeout: .seconds(10))
            try zombie.beginTransaction()
            try zombie.enqueue(KafkaProducerRecord(topic: topic, value: T.bytes("zombie")))
            try zombie.flush(timeout: .seconds(10))

            let successor = try KafkaTransactionalProducer(
                configuration: T.transactionalConfiguration(broker, id: id), logger: T.logger)
            defer { successor.shutdown() }
            try successor.initTransactions(timeout: .seconds(10))  // aborts the zombie's open transaction
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

            let reader = try KafkaPartitionReader(configuration: T.readerConfiguration(broker), logger: T.logger)
            defer { reader.close() }
            var values: [String] = []
            _ = try reader.read(topic: topic, partition: 0) { values += $0.map { T.string($0.value)! } }
            #expect(values == ["successor"])
        }
    }
}
