import CRdKafka
import Logging

/// A transactional producer (`transactional.id` required; idempotence is implied).
///
/// Transaction calls are synchronous and block the calling thread: call them from a
/// worker loop that owns its thread (or via ``DedicatedThread/run(name:_:)`` from async code).
/// Delivery reports are still served by the producer's own poll thread.
///
/// Error handling contract, from the ``KafkaError`` classes:
/// - ``KafkaError/isRetriable``: call the same method again;
/// - ``KafkaError/requiresAbort``: call ``abortTransaction(timeout:)`` and replay the batch in a new transaction;
/// - ``KafkaError/isFatal`` (e.g. fenced by a newer instance): discard this producer and create a new
///   one (see ``reinitialized(timeout:)``).
///
/// Ambiguous outcomes: if ``commitTransaction(timeout:)`` or ``abortTransaction(timeout:)`` fails with
/// ``KafkaError/isTimeout`` and is not marked retriable, or any call keeps timing out, the state of the
/// transaction at the coordinator is unknown. The safe recovery is ``reinitialized(timeout:)``: it
/// destroys this instance and runs `InitProducerId` on a fresh one with the same `transactional.id`,
/// which makes the coordinator abort (or finish committing) the pending transaction and fences the
/// old instance; then replay from the last committed consumer offsets.
///
/// That needs a broker that keeps its transaction state. noida-db 0.2.3 (a test broker) forgets
/// the `transactional.id` when it restarts: a fresh instance then gets a *new* producer id, and what
/// the old instance wrote after the restart stays open for good, whether the old instance was
/// destroyed before or after (`NoidaBrokerRestartProducerTests`; README, "What each test broker shows").
public final class KafkaTransactionalProducer: Sendable {
    private let producer: KafkaProducer
    private let logger: Logger

    /// The effective configuration.
    public var configuration: KafkaConfiguration { producer.configuration }

    /// Creates the producer; call ``initTransactions(timeout:)`` next.
    /// - Throws: ``KafkaError`` `_INVALID_ARG` if `transactional.id` is missing or a property is invalid.
    public init(configuration: KafkaConfiguration, logger: Logger) throws(KafkaError) {
        guard configuration["transactional.id"] != nil else {
            throw KafkaError(
                code: .invalidArgument,
                message: "configuration property 'transactional.id' is required for KafkaTransactionalProducer")
        }
        self.logger = logger
        self.producer = try KafkaProducer(effective: configuration.with("enable.idempotence", "true"), logger: logger)
    }

    private var kafka: OpaquePointer { producer.client.kafka }

    /// The underlying producer (for tests of resource release).
    var producerForTesting: KafkaProducer { producer }

    /// Registers the `transactional.id` with the coordinator, fencing older instances and
    /// completing their pending transactions. Blocks up to `timeout`; a timeout is retriable.
    public func initTransactions(timeout: Duration) throws(KafkaError) {
        try KafkaError.check(rd_kafka_init_transactions(kafka, Int32(timeout.kafkaMilliseconds)))
    }

    /// Starts a transaction (local operation).
    public func beginTransaction() throws(KafkaError) {
        try KafkaError.check(rd_kafka_begin_transaction(kafka))
    }

    /// Produces `record` inside the current transaction and awaits its delivery report.
    public func send(_ record: KafkaProducerRecord) async throws(KafkaError) -> KafkaDeliveryReport {
        try await producer.send(record)
    }

    /// Produces `record` inside the current transaction without waiting; see
    /// ``KafkaProducer/enqueue(_:maxBlock:onDelivery:)`` for back-pressure. Delivery failures
    /// also make ``commitTransaction(timeout:)`` fail with ``KafkaError/requiresAbort``.
    public func enqueue(
        _ record: KafkaProducerRecord,
        maxBlock: Duration = .zero,
        onDelivery: (@Sendable (Result<KafkaDeliveryReport, KafkaError>) -> Void)? = nil
    ) throws(KafkaError) {
        try producer.enqueue(record, maxBlock: maxBlock, onDelivery: onDelivery)
    }

    /// Waits until the records enqueued so far in the transaction are delivered. Optional:
    /// ``commitTransaction(timeout:)`` flushes itself. Blocks up to `timeout`.
    public func flush(timeout: Duration) throws(KafkaError) {
        try producer.flush(timeout: timeout)
    }

    /// Adds consumed `offsets` (next offsets to read) of the group in `groupMetadata` to the
    /// transaction, so they are committed atomically with it. Blocks up to `timeout`.
    public func sendOffsetsToTransaction(
        offsets: [TopicPartitionOffset],
        groupMetadata: KafkaConsumerGroupMetadata,
        timeout: Duration
    ) throws(KafkaError) {
        let list = RdKafkaTopicPartitionList(offsets)
        try KafkaError.check(
            rd_kafka_send_offsets_to_transaction(
                kafka, list.pointer, groupMetadata.pointer, Int32(timeout.kafkaMilliseconds)))
    }

    /// Flushes outstanding records and commits the transaction. Blocks up to `timeout`.
    public func commitTransaction(timeout: Duration) throws(KafkaError) {
        try KafkaError.check(rd_kafka_commit_transaction(kafka, Int32(timeout.kafkaMilliseconds)))
    }

    /// Purges outstanding records and aborts the transaction. Blocks up to `timeout`.
    public func abortTransaction(timeout: Duration) throws(KafkaError) {
        try KafkaError.check(rd_kafka_abort_transaction(kafka, Int32(timeout.kafkaMilliseconds)))
    }

    /// The fatal error of this instance, if one was raised (then it must be re-created).
    public var fatalError: KafkaError? { producer.client.fatalError() }

    /// Shuts this instance down without flushing (pending records are purged) and returns a
    /// new producer with the same configuration on which ``initTransactions(timeout:)``
    /// succeeded. Use after a fatal error or an ambiguous (timed-out) commit/abort.
    public func reinitialized(timeout: Duration) throws(KafkaError) -> KafkaTransactionalProducer {
        logger.notice("re-initialising transactional producer")
        producer.shutdown(timeout: .zero)
        let fresh = try KafkaTransactionalProducer(configuration: configuration, logger: logger)
        try fresh.initTransactions(timeout: timeout)
        return fresh
    }

    /// Flushes for at most `timeout`, then stops the poll thread; an open transaction is
    /// aborted by the coordinator after `transaction.timeout.ms`. Idempotent.
    public func shutdown(timeout: Duration = .seconds(10)) {
        producer.shutdown(timeout: timeout)
    }

    /// Number of partitions of `topic`, or `nil` if unknown.
    public func partitionCount(topic: String, timeout: Duration = .seconds(10)) throws(KafkaError) -> Int? {
        try producer.partitionCount(topic: topic, timeout: timeout)
    }

    /// Partition counts of `topics`; unknown topics are absent.
    public func partitionCounts(topics: [String], timeout: Duration = .seconds(10)) throws(KafkaError) -> [String: Int]
    {
        try producer.partitionCounts(topics: topics, timeout: timeout)
    }

    /// Gets `topics` ready to be produced to, so the first transaction that writes to a topic
    /// does not wait up to a second for its partitions; see ``KafkaProducer/prepareTopics(_:timeout:)``.
    /// Writes nothing, opens no transaction.
    public func prepareTopics(_ topics: [String], timeout: Duration = .seconds(10)) throws(KafkaError) -> [String: Int]
    {
        try producer.prepareTopics(topics, timeout: timeout)
    }
}
