import KafkaClient
import Testing

@Suite struct TransactionTests {
    typealias T = TestSupport

    @Test func committedVisibleAbortedNotToReadCommittedConsumer() async throws {
        let cluster = try KafkaMockCluster(brokers: 3)
        defer { cluster.destroy() }
        let topic = T.unique("txn")
        try cluster.createTopic(name: topic, partitions: 2)
        let values = try await T.blocking { () throws -> [String] in
            let producer = try T.transactionalProducer(cluster)
            defer { producer.shutdown() }
            // "a1" is aborted before its records leave the client (purged by the abort);
            // "a2" is aborted after its records were written to the partitions.
            try T.writeCommittedAndAbortedBatches(producer, topic: topic)
            let consumer = try T.consumerInNewGroup(cluster, topics: [topic])
            defer { consumer.close() }
            let values = try T.consumeValues(consumer, count: 6, settle: .milliseconds(300))
            #expect(values.contains { $0.hasPrefix("c1-") } && values.contains { $0.hasPrefix("c2-") })
            #expect(values.filter { $0.hasPrefix("c") }.sorted() == ["c1-0", "c1-1", "c1-2", "c2-0", "c2-1", "c2-2"])
            #expect(!values.contains { $0.hasPrefix("a1-") })
            return values
        }
        // Known issues are recorded in the test task, not on the blocking thread.
        withKnownIssue(
            "librdkafka 2.0.2 mock: EndTxn writes no abort marker and Fetch returns no aborted-transaction list, so delivered-then-aborted records are visible"
        ) {
            #expect(!values.contains { $0.hasPrefix("a2-") })
        }
    }

    /// Getting the output topics ready (their metadata loaded, so the first transaction that
    /// writes to one does not wait for librdkafka's topic scan) reports their partitions and
    /// writes nothing: a read_committed reader sees only the transaction that follows.
    @Test func preparedTopicsReportPartitionsAndWriteNothing() async throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        defer { cluster.destroy() }
        let alerts = T.unique("alerts")
        let state = T.unique("state")
        try cluster.createTopic(name: alerts, partitions: 4)
        try cluster.createTopic(name: state, partitions: 2)
        let values = try await T.blocking { () throws -> [String] in
            let producer = try T.transactionalProducer(cluster)
            defer { producer.shutdown() }
            #expect(try producer.prepareTopics([alerts, state, alerts]) == [alerts: 4, state: 2])
            try producer.beginTransaction()
            for i in 0..<3 {
                try producer.enqueue(KafkaProducerRecord(topic: alerts, partition: Int32(i), value: T.bytes("a-\(i)")))
            }
            try producer.commitTransaction(timeout: .seconds(10))
            let consumer = try T.consumerInNewGroup(cluster, topics: [alerts, state])
            defer { consumer.close() }
            return try T.consumeValues(consumer, count: 3, settle: .milliseconds(300))
        }
        #expect(values.sorted() == ["a-0", "a-1", "a-2"])
    }

    @Test func offsetsSentInTransactionAreCommittedWithIt() async throws {
        let cluster = try KafkaMockCluster(brokers: 3)
        defer { cluster.destroy() }
        let input = T.unique("in")
        let output = T.unique("out")
        try cluster.createTopic(name: input, partitions: 1)
        try cluster.createTopic(name: output, partitions: 1)
        let (committed, next) = try await T.blocking { () throws -> ([TopicPartitionOffset], Int64) in
            let (consumer, next) = try T.consumedInput(cluster, topic: input)
            defer { consumer.close() }
            let tp = TopicPartition(topic: input, partition: 0)

            let producer = try T.transactionalProducer(cluster)
            defer { producer.shutdown() }

            // Aborted: offsets are not committed.
            try producer.beginTransaction()
            try producer.enqueue(KafkaProducerRecord(topic: output, value: T.bytes("ignored")))
            try T.sendOffset(2, of: input, to: producer, for: consumer)
            try producer.abortTransaction(timeout: .seconds(10))
            #expect(try consumer.committed([tp], timeout: .seconds(5)).first?.offset == TopicPartitionOffset.invalid)
            // Verify the offsets really travel in TxnOffsetCommit: an injected group error surfaces there.
            try producer.beginTransaction()
            try cluster.pushRequestErrors(.txnOffsetCommit, [.groupAuthorizationFailed])
            #expect {
                try T.sendOffset(next, of: input, to: producer, for: consumer)
            } throws: { ($0 as? KafkaError)?.requiresAbort == true }
            try producer.abortTransaction(timeout: .seconds(10))

            // Committed: offsets are committed atomically with the output.
            try producer.beginTransaction()
            try producer.enqueue(KafkaProducerRecord(topic: output, value: T.bytes("result")))
            try T.sendOffset(next, of: input, to: producer, for: consumer)
            try producer.commitTransaction(timeout: .seconds(10))
            let committed = try consumer.committed([tp], timeout: .seconds(5))
            return (committed, next)
        }
        withKnownIssue(
            "librdkafka 2.0.2 mock: TxnOffsetCommit validates but does not store offsets, so OffsetFetch never sees them"
        ) {
            #expect(committed.first?.offset == next, "committed \(committed), expected \(next)")
        }
    }

    @Test func retriableCoordinatorErrorsAreRecovered() async throws {
        let cluster = try KafkaMockCluster(brokers: 3)
        defer { cluster.destroy() }
        let topic = T.unique("retry")
        try cluster.createTopic(name: topic, partitions: 1)
        try await T.blocking {
            let producer = try KafkaTransactionalProducer(
                configuration: T.transactionalConfiguration(cluster, id: T.unique("tx")), logger: T.logger)
            defer { producer.shutdown() }
            try cluster.pushRequestErrors(.initProducerId, [.coordinatorNotAvailable, .notCoordinator])
            try producer.initTransactions(timeout: .seconds(10))

            let metadata = KafkaConsumerGroupMetadata(groupID: T.unique("g"))
            try producer.beginTransaction()
            try producer.enqueue(KafkaProducerRecord(topic: topic, value: T.bytes("x")))
            try cluster.pushRequestErrors(.addOffsetsToTxn, [.notCoordinator, .coordinatorNotAvailable])
            try cluster.pushRequestErrors(.txnOffsetCommit, [.notCoordinator, .coordinatorLoadInProgress])
            try producer.sendOffsetsToTransaction(
                offsets: [TopicPartitionOffset(topic: topic, partition: 0, offset: 1)],
                groupMetadata: metadata, timeout: .seconds(10))
            try cluster.pushRequestErrors(
                .endTxn, [.notCoordinator, .coordinatorNotAvailable, .concurrentTransactions])
            try producer.commitTransaction(timeout: .seconds(15))

            // The transaction coordinator moves between transactions.
            for broker: Int32 in [2, 3] {
                try cluster.setCoordinator(
                    .transaction, key: producer.configuration["transactional.id"]!, brokerID: broker)
                try producer.beginTransaction()
                try producer.enqueue(KafkaProducerRecord(topic: topic, value: T.bytes("moved-\(broker)")))
                try producer.commitTransaction(timeout: .seconds(15))
            }
        }
    }

    @Test func timedOutCommitIsRecoveredByReinitialising() async throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        defer { cluster.destroy() }
        let topic = T.unique("timeout")
        try cluster.createTopic(name: topic, partitions: 1)
        try await T.blocking {
            var producer = try T.transactionalProducer(cluster)
            try producer.beginTransaction()
            try producer.enqueue(KafkaProducerRecord(topic: topic, value: T.bytes("slow")))
            try cluster.setBrokerRTT(-1, rtt: .milliseconds(1500))
            var failure: KafkaError?
            do throws(KafkaError) {
                try producer.commitTransaction(timeout: .milliseconds(200))
            } catch {
                failure = error
            }
            let error = try #require(failure)
            #expect(error.isTimeout)
            #expect(!error.isFatal)
            try cluster.setBrokerRTT(-1, rtt: .zero)

            // Outcome unknown: re-create the producer, which fences the old instance.
            producer = try producer.reinitialized(timeout: .seconds(10))
            defer { producer.shutdown() }
            try producer.beginTransaction()
            try producer.enqueue(KafkaProducerRecord(topic: topic, value: T.bytes("after")))
            try producer.commitTransaction(timeout: .seconds(10))
        }
    }

    @Test func abortableErrorRequiresAbortThenBatchCanBeRetried() async throws {
        let cluster = try KafkaMockCluster(brokers: 3)
        defer { cluster.destroy() }
        let topic = T.unique("abortable")
        try cluster.createTopic(name: topic, partitions: 1)
        let values = try await T.blocking { () throws -> [String] in
            let producer = try T.transactionalProducer(cluster)
            defer { producer.shutdown() }
            let metadata = KafkaConsumerGroupMetadata(groupID: T.unique("g"))

            // A non-retriable group error on TxnOffsetCommit makes the transaction abortable.
            try producer.beginTransaction()
            try producer.enqueue(KafkaProducerRecord(topic: topic, value: T.bytes("lost")))
            try cluster.pushRequestErrors(.txnOffsetCommit, [.groupAuthorizationFailed])
            var failure: KafkaError?
            do throws(KafkaError) {
                try producer.sendOffsetsToTransaction(
                    offsets: [TopicPartitionOffset(topic: topic, partition: 0, offset: 1)],
                    groupMetadata: metadata, timeout: .seconds(10))
                try producer.commitTransaction(timeout: .seconds(10))
            } catch {
                failure = error
            }
            let error = try #require(failure)
            #expect(error.requiresAbort)
            #expect(!error.isFatal)
            try producer.abortTransaction(timeout: .seconds(10))

            // Same for a produce-side authorization error (AddPartitionsToTxn).
            try producer.beginTransaction()
            try cluster.pushRequestErrors(.addPartitionsToTxn, [.topicAuthorizationFailed])
            try producer.enqueue(KafkaProducerRecord(topic: topic, value: T.bytes("lost-too")))
            #expect {
                try producer.commitTransaction(timeout: .seconds(10))
            } throws: { ($0 as? KafkaError)?.requiresAbort == true }
            try producer.abortTransaction(timeout: .seconds(10))

            // The replayed batch commits.
            try producer.beginTransaction()
            try producer.enqueue(KafkaProducerRecord(topic: topic, value: T.bytes("replayed")))
            try producer.commitTransaction(timeout: .seconds(10))

            let values = try T.committedValues(cluster, topic: topic)
            #expect(values.last == "replayed")
            #expect(!values.contains("lost-too"))  // never reached the partition
            // "lost" was aborted; whether the mock delivered it before the abort is timing, and
            // librdkafka 2.0.2's mock keeps no transaction markers, so a delivered one stays visible.
            return values
        }
        withKnownIssue(
            "mock broker without transaction markers: an aborted record delivered before the abort stays visible",
            isIntermittent: true
        ) {
            #expect(values == ["replayed"])
        }
    }

    @Test func fencedProducerIsFatalAndReinitialisationRecovers() async throws {
        let cluster = try KafkaMockCluster(brokers: 3)
        defer { cluster.destroy() }
        let topic = T.unique("fenced")
        try cluster.createTopic(name: topic, partitions: 1)
        try await T.blocking {
            var producer = try T.transactionalProducer(cluster)
            try producer.beginTransaction()
            try producer.enqueue(KafkaProducerRecord(topic: topic, value: T.bytes("zombie")))
            try cluster.pushRequestErrors(.endTxn, [.producerFenced])
            var failure: KafkaError?
            do throws(KafkaError) {
                try producer.commitTransaction(timeout: .seconds(10))
            } catch {
                failure = error
            }
            let error = try #require(failure)
            #expect(error.isFatal)
            #expect(producer.fatalError?.isFenced == true)

            producer = try producer.reinitialized(timeout: .seconds(10))
            defer { producer.shutdown() }
            try producer.beginTransaction()
            try producer.enqueue(KafkaProducerRecord(topic: topic, value: T.bytes("fresh")))
            try producer.commitTransaction(timeout: .seconds(10))
        }
    }

    @Test func partitionReaderReadsCommittedRecordsToTheEnd() async throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        defer { cluster.destroy() }
        let topic = T.unique("changelog")
        try cluster.createTopic(name: topic, partitions: 2)
        let (secondCount, second) = try await T.blocking { () throws -> (Int, [String]) in
            let producer = try T.transactionalProducer(cluster)
            defer { producer.shutdown() }
            try T.writeChangelog(producer, topic: topic)

            let reader = try KafkaPartitionReader(configuration: T.readerConfiguration(cluster), logger: T.logger)
            defer { reader.close() }
            var values: [String] = []
            var offsets: [Int64] = []
            let count = try reader.read(topic: topic, partition: 0, maxBatch: 2) { batch in
                #expect(batch.count <= 2)
                values += batch.map { T.string($0.value)! }
                offsets += batch.map(\.offset)
            }
            #expect(count == 5)
            #expect(values == ["a", "b", "c", "d", "e"])
            #expect(offsets == offsets.sorted())

            var second: [String] = []
            let secondCount = try reader.read(topic: topic, partition: 1) { second += $0.map { T.string($0.value)! } }
            #expect(second.contains("p1") && second.contains("p2"))
            let empty = T.unique("empty")
            try cluster.createTopic(name: empty, partitions: 1)
            #expect(try reader.read(topic: empty, partition: 0) { _ in Issue.record("no records expected") } == 0)
            return (secondCount, second)
        }
        withKnownIssue("librdkafka 2.0.2 mock does not model aborted transactions for read_committed fetches") {
            #expect(secondCount == 2)
            #expect(second == ["p1", "p2"])
        }
    }
}
