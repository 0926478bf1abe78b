import Foundation
import LoopwatchTestSupport
import Testing

@testable import KafkaClient

/// A transactional producer across a restart of the broker (noida-db 0.2.3) on its data, with a
/// transaction open: after a `kill -9` the producer's commit fails fatally, after a clean stop it
/// goes on; the transaction is then abandoned and the producer re-created with the same
/// `transactional.id` (in two orders), or it aborts or commits the transaction itself. A correct
/// broker lets a read_committed reader see the new committed records at once (the last stable
/// offset passes the abandoned transaction: `InitProducerId` of the new instance aborts it) and
/// never an abandoned record, and a commit commits the whole transaction.
///
/// noida does none of it (deterministic; evidence from librdkafka's `eos` log and a read_uncommitted
/// dump of the partitions, `KAFKA_TEST_DEBUG=eos KAFKA_TEST_LOG=debug`): a restart, clean or not,
/// ends the transactions open at the stop (their records stay hidden) but forgets the coordinator's
/// `transactional.id`, so (1) the re-created instance gets a *new* producer id with epoch 0
/// (`PID{Id:1001,Epoch:0}` after `1000`), not the old one with a bumped epoch, and nothing ends the
/// old id's records written *after* the restart: their LSO stays stuck (in both orders: destroying
/// the old `rd_kafka_t` first changes nothing); (2) the surviving instance's commit succeeds and
/// commits only what was written after the restart (and the offsets): the records written before
/// it are silently gone; (3) its abort writes markers only on partitions registered after the
/// restart, so a record written after it to a partition of the transaction's first half becomes
/// part of the next transaction and is committed with it; (4) `kill -9` loses the last second of
/// *committed* transactions and the producer's sequence numbers (`OUT_OF_ORDER_SEQUENCE_NUMBER`,
/// fatal), while a partition new to the producer takes sequence 0 — those records are stuck as in (1).
///
/// `transaction.timeout.ms` is 60 s, longer than every wait here: an LSO that moves was not moved
/// by the broker timing the transaction out.
@Suite(.serialized, .noidaAvailable, .noida) struct NoidaBrokerRestartProducerTests {
    typealias T = TestSupport

    /// What happens to the transaction open across the restart.
    enum Order: String, Sendable {
        /// Re-created by ``KafkaTransactionalProducer/reinitialized(timeout:)``: the new
        /// instance's `InitProducerId` runs while the old `rd_kafka_t` still exists.
        case reinitialized
        /// Re-created after the old instance is shut down and destroyed (`rd_kafka_destroy`).
        case destroyFirst
        /// Not re-created: the old instance aborts it (only when its error was not fatal).
        case abortedByItself
        /// Not re-created: the old instance commits it (only when its error was not fatal).
        case committedByItself
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var signal: Int32
        var order: Order
        /// `transaction.timeout.ms`: 60 s, or 2 s to see whether noida times the transaction out.
        var transactionTimeout = 60_000
        var testDescription: String {
            let stop = signal == SIGKILL ? "SIGKILL" : "SIGTERM"
            return "\(stop), \(order.rawValue), transaction.timeout.ms \(transactionTimeout)"
        }
        /// Whether the producer commits right after the restart (then it fails after `kill -9`).
        var commitsAfterRestart: Bool { signal == SIGKILL || order == .committedByItself }
    }

    static let cases: [Case] =
        [SIGTERM, SIGKILL].flatMap { s in [Order.reinitialized, .destroyFirst].map { Case(signal: s, order: $0) } }
        + [Case(signal: SIGTERM, order: .abortedByItself), Case(signal: SIGTERM, order: .committedByItself)]
        + [Case(signal: SIGTERM, order: .reinitialized, transactionTimeout: 2000)]

    /// What one run saw (printed: the README quotes it).
    struct Outcome: Sendable {
        var failure: KafkaError?
        /// Whether `after-2` was delivered before the failure.
        var landedFirst: Bool
        var fatalError: KafkaError?
        var visibleAfter: Duration?
        var committed: [String]
        var oldDestroyedFirst: Bool
        /// The group's committed offset of the input partition at the end.
        var groupOffset: Int64?
        /// Every record on the partitions (read_uncommitted), as `partition@offset=value`.
        var log: [String]
    }

    @Test(arguments: cases) func recreatedProducerAfterABrokerRestart(_ c: Case) async throws {
        let broker = try NoidaBroker.suiteBroker()
        let topic = T.unique("restart")
        try broker.createTopics([topic], partitions: 3)
        let outcome = try await T.blocking { try Self.run(c, broker: broker, topic: topic) }
        print(
            "noida restart (\(c.testDescription)): after it \(outcome.failure.map { "\($0)" } ?? "no error"); "
                + "after-2 delivered first: \(outcome.landedFirst); "
                + "new records visible after \(outcome.visibleAfter.map { "\($0)" } ?? "never (bounded wait)"); "
                + "group offset \(outcome.groupOffset.map { "\($0)" } ?? "?"); read_committed \(outcome.committed); "
                + "all \(outcome.log)")
        // What the user sees: after a kill -9 the commit fails fatally; after a clean stop nothing fails.
        if c.signal == SIGKILL {
            #expect(outcome.failure?.code == KafkaErrorCode(rawValue: 45), "OUT_OF_ORDER_SEQUENCE_NUMBER")
            #expect(outcome.failure?.isFatal == true && outcome.fatalError != nil)
        } else {
            #expect(outcome.failure == nil)
        }
        if c.order == .destroyFirst { #expect(outcome.oldDestroyedFirst, "the old rd_kafka_t was destroyed first") }
        let committed = c.order == .committedByItself
        #expect(outcome.groupOffset == (committed ? 7 : TopicPartitionOffset.invalid), "offsets commit with it only")
        let expected =
            committed
            ? ["after-0", "after-2", "c-0", "c-1", "new-0", "new-1", "new-2", "open-0", "open-1"]
            : ["c-0", "c-1", "new-0", "new-1", "new-2"]
        withKnownIssue("noida-db 0.2.3 does not end a transaction that spans its restart (see the suite)") {
            #expect(outcome.visibleAfter != nil, "the new records are not visible: the LSO is stuck")
            #expect(outcome.committed.sorted() == expected)
        }
    }

    /// Commits `c-*` to partitions 0 and 1, opens a transaction, lands `open-*` on them with input
    /// offset 5, restarts the broker, delivers `after-2` (partition 2, new to this producer:
    /// sequence 0), then `after-0` (partition 0, sequence continued) with input offset 7 and
    /// commits (after `kill -9`, or for `.committedByItself`) or only flushes; then ends the
    /// transaction as `c.order` says and commits `new-*` to the three partitions.
    static func run(_ c: Case, broker: NoidaBroker, topic: String) throws -> Outcome {
        var configuration = T.transactionalConfiguration(broker, id: T.unique("tx"))
            .with("transaction.timeout.ms", "\(c.transactionTimeout)")
        if let debug = ProcessInfo.processInfo.environment["KAFKA_TEST_DEBUG"] {
            configuration = configuration.with("debug", debug)  // e.g. eos,protocol with KAFKA_TEST_LOG=debug
        }
        var old: KafkaTransactionalProducer? = try KafkaTransactionalProducer(
            configuration: configuration, logger: T.logger)
        try old!.initTransactions(timeout: .seconds(10))
        try transaction(old!, topic, [("c-0", 0), ("c-1", 1)], commit: true)
        // Offsets of a group are sent in the open transaction: committed with it only.
        // (Group metadata without a member: a consumer alive across a SIGKILL restart of noida
        // hangs in rd_kafka_destroy, so the group's offsets are read by a consumer made at the end.)
        let inputTopic = topic + "-in"
        try broker.createTopics([inputTopic], partitions: 1)
        let groupID = T.unique("g")
        let group = KafkaConsumerGroupMetadata(groupID: groupID)
        try old!.beginTransaction()
        try enqueue(old!, topic, [("open-0", 0), ("open-1", 1)])
        try old!.sendOffsetsToTransaction(
            offsets: [TopicPartitionOffset(topic: inputTopic, partition: 0, offset: 5)],
            groupMetadata: group, timeout: .seconds(10))
        try old!.flush(timeout: .seconds(10))

        try broker.restart(after: c.signal)

        var failure: KafkaError?
        var landedFirst = false
        do throws(KafkaError) {
            // Partition 2 is new to this producer (sequence 0): a broker that forgot the producer
            // takes it. Partition 0 continues at sequence 2.
            try enqueue(old!, topic, [("after-2", 2)])
            try old!.flush(timeout: .seconds(10))
            landedFirst = old!.fatalError == nil
            try enqueue(old!, topic, [("after-0", 0)])
            try old!.sendOffsetsToTransaction(
                offsets: [TopicPartitionOffset(topic: inputTopic, partition: 0, offset: 7)],
                groupMetadata: group, timeout: .seconds(10))
            if c.commitsAfterRestart {
                try old!.commitTransaction(timeout: .seconds(20))
            } else {
                // After a clean stop the transaction goes on; it is abandoned here (as after an
                // ambiguous commit) to see whether the new instance's InitProducerId ends it.
                try old!.flush(timeout: .seconds(10))
            }
        } catch {
            failure = error
        }
        let fatalError = old!.fatalError

        weak let oldHandle: RdKafkaClient? = old!.producerForTesting.client
        var oldDestroyedFirst = false
        let fresh: KafkaTransactionalProducer
        switch c.order {
        case .reinitialized:
            fresh = try old!.reinitialized(timeout: .seconds(20))
            old = nil
        case .abortedByItself:
            try old!.abortTransaction(timeout: .seconds(20))
            fresh = old!
            old = nil
        case .committedByItself:
            fresh = old!
            old = nil
        case .destroyFirst:
            old!.shutdown(timeout: .zero)
            old = nil
            oldDestroyedFirst = oldHandle == nil
            fresh = try KafkaTransactionalProducer(configuration: configuration, logger: T.logger)
            try fresh.initTransactions(timeout: .seconds(20))
        }
        defer { fresh.shutdown() }
        try transaction(fresh, topic, [("new-0", 0), ("new-1", 1), ("new-2", 2)], commit: true)

        // Bounded wait for the LSO of every partition to pass the new records.
        let reader = try KafkaPartitionReader(configuration: T.readerConfiguration(broker), logger: T.logger)
        defer { reader.close() }
        let started = ContinuousClock.now
        var committed: [String] = []
        var visibleAfter: Duration?
        try T.waitUntil(timeout: .seconds(10)) {
            committed = try (0..<3).flatMap { p in try values(reader, topic, Int32(p)) }
            if Set(committed).isSuperset(of: ["new-0", "new-1", "new-2"]) {
                visibleAfter = ContinuousClock.now - started
                return true
            }
            return false
        }
        let everything = try KafkaPartitionReader(
            configuration: T.readerConfiguration(broker).with("isolation.level", "read_uncommitted"), logger: T.logger)
        defer { everything.close() }
        var log: [String] = []
        for p in 0..<3 {
            _ = try everything.read(topic: topic, partition: Int32(p)) {
                log += $0.map { "\(p)@\($0.offset)=\(T.string($0.value)!)" }
            }
        }
        let consumer = try KafkaConsumer(
            configuration: T.consumerConfiguration(broker, group: groupID), topics: [inputTopic], logger: T.logger)
        defer { consumer.close() }
        let offset = try consumer.committed([TopicPartition(topic: inputTopic, partition: 0)], timeout: .seconds(10))
            .first?.offset
        return Outcome(
            failure: failure, landedFirst: landedFirst, fatalError: fatalError, visibleAfter: visibleAfter,
            committed: committed, oldDestroyedFirst: oldDestroyedFirst, groupOffset: offset, log: log)
    }

    static func enqueue(
        _ producer: KafkaTransactionalProducer, _ topic: String, _ records: [(String, Int32)]
    ) throws(KafkaError) {
        for (value, partition) in records {
            try producer.enqueue(KafkaProducerRecord(topic: topic, partition: partition, value: T.bytes(value)))
        }
    }

    static func transaction(
        _ producer: KafkaTransactionalProducer, _ topic: String, _ records: [(String, Int32)], commit: Bool
    ) throws(KafkaError) {
        try producer.beginTransaction()
        try enqueue(producer, topic, records)
        if commit {
            try producer.commitTransaction(timeout: .seconds(10))
        } else {
            try producer.abortTransaction(timeout: .seconds(10))
        }
    }

    /// The values a read_committed reader sees on `topic`/`partition` now.
    static func values(_ reader: KafkaPartitionReader, _ topic: String, _ partition: Int32) throws -> [String] {
        var values: [String] = []
        _ = try reader.read(topic: topic, partition: partition) { values += $0.map { T.string($0.value)! } }
        return values
    }
}
