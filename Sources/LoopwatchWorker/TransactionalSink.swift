import KafkaClient
import Logging

/// Exactly-once output: each commit is one Kafka transaction holding the cycle's alerts,
/// changelog records, dead letters and — through `send_offsets_to_transaction` — the input
/// offsets they came from. A read_committed reader sees all of it or none of it.
///
/// Failure model: a transaction that cannot commit is aborted, or, when the failure was fatal
/// or its outcome unknown (a timed-out commit), the producer is re-created with the same
/// `transactional.id`, which makes the coordinator finish the old transaction and fences the old
/// instance. The caller then rebuilds its state from the changelog and rewinds its input.
struct TransactionalSink: OutputSink {
    private(set) var producer: KafkaTransactionalProducer
    private let metrics: WorkerMetrics
    private let logger: Logger
    private let timeout: Duration
    /// Every topic a transaction may write to, made known to each producer before its first one.
    private let topics: [String]
    private var pending = UncommittedOutput()

    var openedAt: ContinuousClock.Instant? { pending.openedAt }

    /// Creates the producer, registers its `transactional.id` (fencing an older instance and
    /// ending its open transaction) and gets the output `topics` ready, so that the first
    /// transaction writing to one of them commits as fast as the others. No transaction is
    /// opened for that: nothing is written until the first ``produce(_:offsets:)``.
    init(
        configuration: KafkaConfiguration, topics: [String], metrics: WorkerMetrics, logger: Logger,
        timeout: Duration
    ) throws(KafkaError) {
        let producer = try KafkaTransactionalProducer(configuration: configuration, logger: logger)
        do {
            try producer.initTransactions(timeout: timeout)
        } catch {
            producer.shutdown(timeout: .zero)
            throw error
        }
        self.producer = producer
        self.metrics = metrics
        self.logger = logger
        self.timeout = timeout
        self.topics = topics
        prepareTopics()
    }

    /// Loads the output topics' metadata into the producer. A failure only costs the first
    /// commit to a topic up to a second (librdkafka then finds the topic itself): logged, not thrown.
    private func prepareTopics() {
        do {
            _ = try producer.prepareTopics(topics, timeout: min(timeout, .seconds(10)))
        } catch {
            logger.warning("cannot load the output topics' metadata", metadata: ["error": "\(error)"])
        }
    }

    mutating func produce(_ records: [KafkaProducerRecord], offsets: [TopicPartition: Int64]) throws(KafkaError) {
        if pending.isEmpty { try producer.beginTransaction() }
        pending.take(offsets)
        for r in records { try producer.enqueue(r, maxBlock: timeout) }
    }

    mutating func commit(consumer: KafkaConsumer) throws(KafkaError) {
        guard !pending.isEmpty else { return }
        let list = pending.offsetList
        try Self.retryingCommit(logger: logger) { () throws(KafkaError) in
            if !list.isEmpty {
                try producer.sendOffsetsToTransaction(
                    offsets: list, groupMetadata: try consumer.groupMetadata(), timeout: timeout)
            }
            try producer.commitTransaction(timeout: timeout)
        }
        pending.clear()
        metrics.transactionsCommitted.increment()
    }

    mutating func fail(_ error: KafkaError, stop: () -> Bool) {
        metrics.transactionsFailed.increment()
        pending.clear()
        if error.requiresAbort, !error.isFatal {
            do {
                try producer.abortTransaction(timeout: timeout)
                metrics.transactionsAborted.increment()
                return
            } catch {
                logger.warning("abort failed; re-initialising the producer", metadata: ["error": "\(error)"])
            }
        }
        var backoff = Backoff.recover
        while !stop() {
            do {
                producer = try producer.reinitialized(timeout: timeout)
                prepareTopics()
                metrics.transactionsAborted.increment()
                return
            } catch {
                logger.warning("re-initialising the producer failed; retrying", metadata: ["error": "\(error)"])
                backoff.wait(unless: stop)
            }
        }
    }

    func shutdown(timeout: Duration) { producer.shutdown(timeout: timeout) }
}
