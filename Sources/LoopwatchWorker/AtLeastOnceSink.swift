import KafkaClient
import Logging

/// `processing.guarantee: at_least_once`, for clusters without transactions: records go out
/// through an idempotent producer; a commit flushes them, then commits the input offsets to the
/// group. After a failure the input since the last commit is processed again, so alerts may be
/// repeated (with the same ids) but never lost.
struct AtLeastOnceSink: OutputSink {
    private let producer: KafkaProducer
    private let metrics: WorkerMetrics
    private let logger: Logger
    private let timeout: Duration
    private var pending = UncommittedOutput()

    var openedAt: ContinuousClock.Instant? { pending.openedAt }

    /// Creates the producer and gets the output `topics` ready (see ``TransactionalSink``).
    init(
        configuration: KafkaConfiguration, topics: [String], metrics: WorkerMetrics, logger: Logger,
        timeout: Duration
    ) throws(KafkaError) {
        producer = try KafkaProducer(configuration: configuration, logger: logger)
        self.metrics = metrics
        self.logger = logger
        self.timeout = timeout
        do {
            _ = try producer.prepareTopics(topics, timeout: min(timeout, .seconds(10)))
        } catch {
            logger.warning("cannot load the output topics' metadata", metadata: ["error": "\(error)"])
        }
    }

    mutating func produce(_ records: [KafkaProducerRecord], offsets: [TopicPartition: Int64]) throws(KafkaError) {
        pending.take(offsets)
        for r in records { try producer.enqueue(r, maxBlock: timeout) }
    }

    mutating func commit(consumer: KafkaConsumer) throws(KafkaError) {
        guard !pending.isEmpty else { return }
        let list = pending.offsetList
        try Self.retryingCommit(logger: logger) { () throws(KafkaError) in
            try producer.flush(timeout: timeout)
            if !list.isEmpty { try consumer.commit(offsets: list) }
        }
        pending.clear()
        metrics.transactionsCommitted.increment()
    }

    mutating func fail(_ error: KafkaError, stop: () -> Bool) {
        metrics.transactionsFailed.increment()
        pending.clear()
    }

    func shutdown(timeout: Duration) { producer.shutdown(timeout: timeout) }
}
