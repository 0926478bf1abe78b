import KafkaClient
import Logging

/// Where a processing cycle's output goes: alerts, changelog records and dead letters, with the
/// input offsets they account for, made visible together by ``commit(consumer:)``.
///
/// The two guarantees are two sinks: ``TransactionalSink`` (exactly once: one Kafka
/// transaction per commit) and ``AtLeastOnceSink`` (flush, then commit the group's offsets).
/// A sink lives on the pipeline thread; its calls block.
protocol OutputSink {
    /// When the output not yet committed began; nil when there is none.
    var openedAt: ContinuousClock.Instant? { get }

    /// Adds `records` and the consumed `offsets` (next offset to read per input partition) to
    /// what the next commit makes visible. Throws when producing failed: call ``fail(_:)``.
    mutating func produce(_ records: [KafkaProducerRecord], offsets: [TopicPartition: Int64]) throws(KafkaError)

    /// Makes everything produced since the last commit visible, with its input offsets in the
    /// group of `consumer`. Retries what may be retried; throws what needs ``fail(_:)``.
    mutating func commit(consumer: KafkaConsumer) throws(KafkaError)

    /// Ends output that cannot be committed (abort, or a fresh producer when the outcome is
    /// unknown), so that processing can start again from the last commit. Retries until it
    /// succeeds or `stop` says to give up.
    mutating func fail(_ error: KafkaError, stop: () -> Bool)

    /// Flushes for at most `timeout` and releases the producer.
    func shutdown(timeout: Duration)
}

extension OutputSink {
    /// Whether output waits to be committed.
    var isOpen: Bool { openedAt != nil }

    /// Runs a commit step, again up to three times while it fails with an error that says it
    /// may simply be retried.
    static func retryingCommit(logger: Logger, _ step: () throws(KafkaError) -> Void) throws(KafkaError) {
        var attempt = 0
        while true {
            do throws(KafkaError) {
                return try step()
            } catch {
                attempt += 1
                guard error.isRetriable, !error.requiresAbort, !error.isFatal, attempt < 4 else { throw error }
                logger.warning("commit failed; retrying", metadata: ["error": "\(error)", "attempt": "\(attempt)"])
            }
        }
    }
}
