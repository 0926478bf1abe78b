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
    private var offsets: [TopicPartition: Int64] = [:]
    private(set) var openedAt: ContinuousClock.Instant?

    init(configuration: KafkaConfiguration, metrics: WorkerMetrics, logger: Logger, timeout: Duration) throws(KafkaError) {
        producer = try KafkaProducer(configuration: configuration, logger: logger)
        self.metrics = metrics
        self.logger = logger
        self.timeout = timeout
    }

    mutating func produce(_ records: [KafkaProducerRecord], offsets: [TopicPartition: Int64]) throws(KafkaError) {
        if openedAt == nil { openedAt = .now }
        self.offsets.merge(offsets) { _, new in new }
        for r in records { try producer.enqueue(r, maxBlock: timeout) }
    }

    mutating func commit(consumer: KafkaConsumer) throws(KafkaError) {
        guard openedAt != nil else { return }
        let list = offsets.map { TopicPartitionOffset(topic: $0.key.topic, partition: $0.key.partition, offset: $0.value) }
        try Self.retryingCommit(logger: logger) { () throws(KafkaError) in
            try producer.flush(timeout: timeout)
            if !list.isEmpty { try consumer.commit(offsets: list) }
        }
        openedAt = nil
        offsets.removeAll(keepingCapacity: true)
        metrics.transactionsCommitted.increment()
    }

    mutating func fail(_ error: KafkaError, stop: () -> Bool) {
        metrics.transactionsFailed.increment()
        openedAt = nil
        offsets.removeAll()
    }

    func shutdown(timeout: Duration) { producer.shutdown(timeout: timeout) }
}
