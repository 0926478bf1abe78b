import CRdKafka
import CRdKafkaShim
import Logging
import Synchronization

/// An idempotent Kafka producer (`enable.idempotence=true` unless explicitly overridden).
///
/// Threading: a dedicated thread per producer runs `rd_kafka_poll`, serving delivery
/// reports (which resume ``send(_:)`` continuations and run ``enqueue(_:maxBlock:onDelivery:)``
/// callbacks) and librdkafka's log queue. All methods are safe to call from any thread.
/// Call ``shutdown(timeout:)`` when done; dropping the last reference without it purges
/// undelivered records (their senders get a `_PURGE_*` error).
public final class KafkaProducer: Sendable {
    let client: RdKafkaClient
    private let pollThread: KafkaPollThread
    private let isShutdown = Atomic<Bool>(false)

    /// The effective configuration (with the defaults this type adds).
    public let configuration: KafkaConfiguration

    /// Creates a producer. Adds `enable.idempotence=true` unless set.
    /// - Throws: ``KafkaError`` with code `_INVALID_ARG` naming a bad configuration key.
    public convenience init(configuration: KafkaConfiguration, logger: Logger) throws(KafkaError) {
        try self.init(effective: configuration.withDefault("enable.idempotence", "true"), logger: logger)
    }

    init(effective configuration: KafkaConfiguration, logger: Logger) throws(KafkaError) {
        self.configuration = configuration
        let client = try RdKafkaClient(
            type: RD_KAFKA_PRODUCER, configuration: configuration, logger: logger,
            callbacks: .init(deliveryReports: true))
        self.client = client
        self.pollThread = KafkaPollThread(name: "kafka-prod-poll") { [client] shouldStop in
            while !shouldStop() {
                rd_kafka_poll(client.kafka, 100)
                client.serveLogs()
            }
        }
    }

    deinit {
        shutdown(timeout: .zero)
        // No call can be in flight any more: fail whatever raced with shutdown().
        purgeAndDrain()
    }

    /// Produces `record` and waits for its delivery report.
    ///
    /// Never blocks a thread: the continuation is resumed by the poll thread.
    /// - Throws: ``KafkaError`` — `_QUEUE_FULL` immediately if the local queue is full
    ///   (use ``enqueue(_:maxBlock:onDelivery:)`` to wait for room), or the delivery error
    ///   (after librdkafka's own retries, i.e. not retriable at this level).
    public func send(_ record: KafkaProducerRecord) async throws(KafkaError) -> KafkaDeliveryReport {
        let result = await withCheckedContinuation {
            (continuation: CheckedContinuation<Result<KafkaDeliveryReport, KafkaError>, Never>) in
            let callback = KafkaDeliveryCallback { continuation.resume(returning: $0) }
            do throws(KafkaError) {
                try produce(record, callback: callback, maxBlock: .zero)
            } catch {
                continuation.resume(returning: .failure(error))
            }
        }
        return try result.get()
    }

    /// Hands `record` to librdkafka and returns immediately (high-throughput path).
    ///
    /// Back-pressure: when librdkafka's local queue is full (`queue.buffering.max.messages` /
    /// `queue.buffering.max.kbytes`), the call blocks the *calling* thread for at most
    /// `maxBlock`, serving delivery reports to make room, then throws `_QUEUE_FULL`.
    /// The default `maxBlock` of zero never blocks. Do not pass a non-zero `maxBlock`
    /// from the Swift concurrency pool.
    /// - Parameter onDelivery: called once on the poll thread with the outcome; when `nil`
    ///   failures are logged at warning level.
    public func enqueue(
        _ record: KafkaProducerRecord,
        maxBlock: Duration = .zero,
        onDelivery: (@Sendable (Result<KafkaDeliveryReport, KafkaError>) -> Void)? = nil
    ) throws(KafkaError) {
        try produce(record, callback: onDelivery.map(KafkaDeliveryCallback.init), maxBlock: maxBlock)
    }

    /// `callback` nil: a failure is logged (``KafkaDeliveryCallback``), a success costs nothing.
    private func produce(_ record: KafkaProducerRecord, callback: KafkaDeliveryCallback?, maxBlock: Duration)
        throws(KafkaError)
    {
        guard !isShutdown.load(ordering: .acquiring) else { throw .closed("producer") }
        let opaque = callback.map { Unmanaged.passRetained($0) }
        var deadline: ContinuousClock.Instant?
        while true {
            let err = produceOnce(record, opaque: opaque?.toOpaque())
            if err == RD_KAFKA_RESP_ERR_NO_ERROR { return }
            if err == RD_KAFKA_RESP_ERR__QUEUE_FULL {
                let now = ContinuousClock.now
                if deadline == nil { deadline = now.advanced(by: maxBlock) }
                if now < deadline! {
                    rd_kafka_poll(client.kafka, 10)
                    continue
                }
            }
            opaque?.release()
            if err == RD_KAFKA_RESP_ERR__FATAL, let fatal = client.fatalError() { throw fatal }
            throw KafkaError.from(err, context: "produce to \(record.topic)")
        }
    }

    private func produceOnce(_ record: KafkaProducerRecord, opaque: UnsafeMutableRawPointer?) -> rd_kafka_resp_err_t {
        var headers: OpaquePointer?
        if !record.headers.isEmpty {
            let list = rd_kafka_headers_new(record.headers.count)
            for (name, value) in record.headers {
                Self.withOptionalBytes(value) { pointer, count in
                    _ = rd_kafka_header_add(list, name, -1, pointer, count)
                }
            }
            headers = list
        }
        let err = Self.withOptionalBytes(record.key) { key, keyLength in
            Self.withOptionalBytes(record.value) { value, valueLength in
                loopwatch_rd_kafka_produce(
                    client.kafka, record.topic, record.partition ?? -1,
                    key, keyLength, value, valueLength,
                    headers, record.timestamp ?? 0, opaque)
            }
        }
        if err != RD_KAFKA_RESP_ERR_NO_ERROR, let headers {
            rd_kafka_headers_destroy(headers)
        }
        return err
    }

    /// `nil` stays a null pointer; an empty array gets a valid pointer and length 0.
    private static func withOptionalBytes<R>(_ bytes: [UInt8]?, _ body: (UnsafeRawPointer?, Int) -> R) -> R {
        guard let bytes else { return body(nil, 0) }
        if bytes.isEmpty {
            return withUnsafeBytes(of: UInt8(0)) { body($0.baseAddress, 0) }
        }
        return bytes.withUnsafeBytes { body($0.baseAddress, $0.count) }
    }

    /// Waits until every queued record was delivered (or failed), blocking the calling thread.
    /// - Throws: ``KafkaError`` `_TIMED_OUT` if records are still outstanding after `timeout`.
    public func flush(timeout: Duration) throws(KafkaError) {
        try KafkaError.check(rd_kafka_flush(client.kafka, Int32(timeout.kafkaMilliseconds)), context: "flush")
    }

    /// Number of records (and requests) not yet delivered.
    public var outstandingCount: Int {
        Int(rd_kafka_outq_len(client.kafka))
    }

    /// Flushes for at most `timeout`, stops the poll thread and fails whatever is still
    /// queued with a `_PURGE_*` error. Idempotent; blocks the calling thread.
    public func shutdown(timeout: Duration = .seconds(10)) {
        guard !isShutdown.exchange(true, ordering: .acquiringAndReleasing) else { return }
        if timeout > .zero {
            do {
                try flush(timeout: timeout)
            } catch {
                client.logger.warning("producer shutdown: flush incomplete", metadata: ["error": "\(error)"])
            }
        }
        pollThread.stop()
        purgeAndDrain()
    }

    /// Purges queued and in-flight records and serves their (failed) delivery reports
    /// on the calling thread, so no `send` continuation is left pending.
    private func purgeAndDrain() {
        let flags = Int32(RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT)
        _ = rd_kafka_purge(client.kafka, flags)
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(2))
        repeat {
            rd_kafka_poll(client.kafka, 10)
        } while rd_kafka_outq_len(client.kafka) > 0 && clock.now < deadline
        client.serveLogs()
    }

    /// Number of partitions of `topic`, or `nil` if the cluster does not know the topic.
    public func partitionCount(topic: String, timeout: Duration = .seconds(10)) throws(KafkaError) -> Int? {
        try client.partitionCounts(topics: [topic], timeout: timeout)[topic]
    }

    /// Partition counts of `topics`; unknown topics are absent from the result.
    public func partitionCounts(topics: [String], timeout: Duration = .seconds(10)) throws(KafkaError) -> [String: Int]
    {
        try client.partitionCounts(topics: topics, timeout: timeout)
    }

    /// Gets `topics` ready to be produced to: creates this producer's handle of each and loads
    /// its metadata, so that the first record to a topic is partitioned and sent at once.
    /// Without it librdkafka learns the partitions of a topic it first produces to only at its
    /// next topic scan, up to a second later, and the topic's records (and a transaction's
    /// commit, which flushes them) wait for it. Call it once, before the first record.
    /// - Returns: the partition count of each topic the cluster knows; unknown topics are absent.
    public func prepareTopics(_ topics: [String], timeout: Duration = .seconds(10)) throws(KafkaError) -> [String: Int]
    {
        var counts: [String: Int] = [:]
        for topic in topics where counts[topic] == nil {
            if let n = try client.loadTopic(topic, timeout: timeout) { counts[topic] = n }
        }
        return counts
    }
}
