import CRdKafka
import Dispatch
import Logging
import Synchronization

/// A consumer-group member subscribed to one or more topics.
///
/// Forced settings: `enable.auto.commit=false`, `enable.auto.offset.store=false` (offsets are
/// committed explicitly with ``commit(offsets:)`` or through a transaction). Defaults (overridable):
/// `isolation.level=read_committed`, `auto.offset.reset=earliest`. `group.id` is required.
///
/// Rebalances are handled by this type's own rebalance callback: the application's
/// ``KafkaRebalanceHandler`` runs synchronously on the polling thread *before* the
/// (incremental) assign/unassign is applied, for both eager and `cooperative-sticky`
/// assignors.
///
/// Threading: poll either synchronously from a thread you own with ``poll(maxMessages:timeout:)``
/// or through ``batches(maxMessages:pollTimeout:)`` (which starts one dedicated thread) —
/// not both. Other methods may be called from any thread; blocking ones say so.
///
/// Errors: consumer errors delivered by librdkafka (broker down, unknown topic, …) are
/// transient from the client's point of view and are logged at warning level; only a
/// fatal error of the instance (e.g. fenced static member) is thrown by `poll`.
public final class KafkaConsumer: Sendable {
    let client: RdKafkaClient
    let queue: RdKafkaQueue
    /// Wakes librdkafka's fetcher once a full queue has drained (see ``KafkaFetchWaker``).
    let fetchWaker: KafkaFetchWaker
    private let state = Mutex<State>(State())

    private struct State {
        var closed = false
        var batchesThread: KafkaPollThread?
    }

    /// The effective configuration.
    public let configuration: KafkaConfiguration

    /// Creates the consumer and subscribes to `topics`.
    /// - Parameter rebalanceHandler: called synchronously on assign / revoke / lost, unless the
    ///   poll or close that triggers the rebalance brought its own handler
    ///   (``pollWithEnds(maxMessages:timeout:onRebalance:)``, ``close(onRebalance:)``).
    /// - Throws: ``KafkaError`` for bad configuration, missing `group.id`, or a failed subscribe.
    public init(
        configuration: KafkaConfiguration,
        topics: [String],
        logger: Logger,
        rebalanceHandler: @escaping KafkaRebalanceHandler = { _ in }
    ) throws(KafkaError) {
        guard configuration["group.id"] != nil else {
            throw KafkaError(
                code: .invalidArgument, message: "configuration property 'group.id' is required for KafkaConsumer")
        }
        let effective =
            configuration
            .with("enable.auto.commit", "false")
            .with("enable.auto.offset.store", "false")
            .withDefault("isolation.level", "read_committed")
            .withDefault("auto.offset.reset", "earliest")
        self.configuration = effective
        let client = try RdKafkaClient(
            type: RD_KAFKA_CONSUMER, configuration: effective, logger: logger,
            callbacks: .init(rebalance: rebalanceHandler, rebalanceCallback: true))
        self.client = client
        rd_kafka_poll_set_consumer(client.kafka)
        guard let queue = rd_kafka_queue_get_consumer(client.kafka) else {
            throw KafkaError(code: .state, message: "consumer has no consumer queue")
        }
        self.queue = RdKafkaQueue(pointer: queue, client: client)
        fetchWaker = KafkaFetchWaker(client: client, configuration: effective)
        let list = RdKafkaTopicPartitionList(topics.map { TopicPartition(topic: $0, partition: -1) })
        try KafkaError.check(rd_kafka_subscribe(client.kafka, list.pointer), context: "subscribe to \(topics)")
    }

    deinit {
        close()
    }

    private var isClosed: Bool { state.withLock { $0.closed } }

    /// Waits up to `timeout` for up to `maxMessages` records, blocking the calling thread.
    ///
    /// Rebalance callbacks run inside this call, on the calling thread. Returns an empty
    /// array on timeout. Partition-EOF events are skipped; other consumer errors are logged.
    /// - Throws: ``KafkaError`` if the consumer is closed or the instance hit a fatal error.
    public func poll(maxMessages: Int, timeout: Duration) throws(KafkaError) -> [KafkaConsumerMessage] {
        guard !isClosed else { throw .closed("consumer") }
        client.serveLogs()
        let batch = try queue.consumeBatch(maxMessages: maxMessages, timeout: timeout)
        client.serveLogs()
        fetchWaker.took(batch.messages.count, queued: Int(rd_kafka_queue_length(queue.pointer)))
        if batch.errors.contains(where: \.isFatal), let fatal = client.fatalError() {
            throw fatal
        }
        return batch.messages
    }

    /// An async sequence of non-empty batches, fed by a dedicated thread running
    /// ``poll(maxMessages:timeout:)`` in a loop. At most two batches are buffered ahead
    /// of the reader. The sequence ends when ``close()`` is called, or throws a fatal error.
    /// Call at most once per consumer (a second call returns a sequence that throws).
    public func batches(maxMessages: Int = 500, pollTimeout: Duration = .milliseconds(100)) -> KafkaConsumerBatches {
        let (stream, continuation) = AsyncThrowingStream.makeStream(
            of: [KafkaConsumerMessage].self, throwing: (any Error).self)
        let credits = KafkaConsumerBatches.makeCredits()
        let terminated = KafkaStopFlag()
        continuation.onTermination = { _ in terminated.set() }
        let started: Bool = state.withLock { state in
            guard !state.closed, state.batchesThread == nil else { return false }
            state.batchesThread = KafkaPollThread(name: "kafka-cons-poll") { [weak self] shouldStop in
                defer { continuation.finish() }
                while !shouldStop() && !terminated.isSet {
                    guard let consumer = self else { return }
                    let batch: [KafkaConsumerMessage]
                    do throws(KafkaError) {
                        batch = try consumer.poll(maxMessages: maxMessages, timeout: pollTimeout)
                    } catch {
                        if error.code != .destroyed { continuation.finish(throwing: error) }
                        return
                    }
                    guard !batch.isEmpty else { continue }
                    while credits.wait(timeout: DispatchTime.now() + DispatchTimeInterval.milliseconds(50)) == .timedOut
                    {
                        if shouldStop() || terminated.isSet { return }
                    }
                    continuation.yield(batch)
                }
            }
            return true
        }
        if !started {
            continuation.finish(
                throwing: KafkaError(code: .state, message: "consumer is closed or batches() was already called"))
        }
        return KafkaConsumerBatches(stream: stream, credits: credits)
    }

    /// Leaves the group (`rd_kafka_consumer_close`): stops the ``batches(maxMessages:pollTimeout:)``
    /// thread, runs the revoke handler on the calling thread so partitions move to other members,
    /// and ends the batch sequence. Idempotent. Blocks (bounded by `session.timeout.ms`);
    /// call it from the polling thread or after polling stopped (from async code use ``DedicatedThread/run(name:_:)``).
    public func close() {
        close(onRebalance: { _ in }, scoped: false)
    }

    /// ``close()`` with the revoke delivered to `onRebalance`, on the calling thread, instead of
    /// the consumer's handler: for a caller that owns its thread and its state.
    public func close(onRebalance: (KafkaRebalanceEvent) -> Void) {
        close(onRebalance: onRebalance, scoped: true)
    }

    private func close(onRebalance: (KafkaRebalanceEvent) -> Void, scoped: Bool) {
        let thread: KafkaPollThread?? = state.withLock { state in
            guard !state.closed else { return .none }
            state.closed = true
            defer { state.batchesThread = nil }
            return .some(state.batchesThread)
        }
        guard let thread else { return }
        thread?.stop()
        fetchWaker.stop()
        let err =
            scoped
            ? client.context.scopedRebalanceHandler.with(onRebalance) { rd_kafka_consumer_close(client.kafka) }
            : rd_kafka_consumer_close(client.kafka)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            client.logger.warning("consumer close failed", metadata: ["error": "\(KafkaErrorCode(err))"])
        }
        client.serveLogs()
    }

    /// Synchronously commits `offsets` (next offset to read = last processed + 1). Blocks.
    public func commit(offsets: [TopicPartitionOffset]) throws(KafkaError) {
        guard !isClosed else { throw .closed("consumer") }
        let list = RdKafkaTopicPartitionList(offsets)
        try KafkaError.check(rd_kafka_commit(client.kafka, list.pointer, 0), context: "commit")
        if let failed = list.offsets.first(where: { $0.error != nil }), let code = failed.error {
            throw KafkaError(code: code, message: "commit of \(failed) failed: \(code.text)")
        }
    }

    /// The group's committed offsets for `partitions` (``TopicPartitionOffset/invalid`` when none). Blocks.
    public func committed(_ partitions: [TopicPartition], timeout: Duration) throws(KafkaError)
        -> [TopicPartitionOffset]
    {
        guard !isClosed else { throw .closed("consumer") }
        let list = RdKafkaTopicPartitionList(partitions)
        try KafkaError.check(
            rd_kafka_committed(client.kafka, list.pointer, Int32(timeout.kafkaMilliseconds)), context: "committed")
        return list.offsets
    }

    /// The current fetch positions (next offset to be returned) for `partitions`.
    public func position(_ partitions: [TopicPartition]) throws(KafkaError) -> [TopicPartitionOffset] {
        guard !isClosed else { throw .closed("consumer") }
        let list = RdKafkaTopicPartitionList(partitions)
        try KafkaError.check(rd_kafka_position(client.kafka, list.pointer), context: "position")
        return list.offsets
    }

    /// Moves the fetch positions of assigned partitions (`rd_kafka_seek_partitions`). Blocks up to `timeout`.
    public func seek(_ offsets: [TopicPartitionOffset], timeout: Duration) throws(KafkaError) {
        guard !isClosed else { throw .closed("consumer") }
        let list = RdKafkaTopicPartitionList(offsets)
        try KafkaError.check(rd_kafka_seek_partitions(client.kafka, list.pointer, Int32(timeout.kafkaMilliseconds)))
        if let failed = list.offsets.first(where: { $0.error != nil }), let code = failed.error {
            throw KafkaError(code: code, message: "seek of \(failed) failed: \(code.text)")
        }
    }

    /// Stops fetching `partitions` until ``resume(_:)``.
    public func pause(_ partitions: [TopicPartition]) throws(KafkaError) {
        guard !isClosed else { throw .closed("consumer") }
        let list = RdKafkaTopicPartitionList(partitions)
        try KafkaError.check(rd_kafka_pause_partitions(client.kafka, list.pointer), context: "pause")
    }

    /// Resumes fetching paused `partitions`.
    public func resume(_ partitions: [TopicPartition]) throws(KafkaError) {
        guard !isClosed else { throw .closed("consumer") }
        let list = RdKafkaTopicPartitionList(partitions)
        try KafkaError.check(rd_kafka_resume_partitions(client.kafka, list.pointer), context: "resume")
    }

    /// The partitions currently assigned to this member.
    public func assignment() throws(KafkaError) -> [TopicPartition] {
        guard !isClosed else { throw .closed("consumer") }
        var list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
        try KafkaError.check(rd_kafka_assignment(client.kafka, &list), context: "assignment")
        guard let list else { return [] }
        return RdKafkaTopicPartitionList(owning: list).topicPartitions
    }

    /// The group metadata to pass to ``KafkaTransactionalProducer/sendOffsetsToTransaction(offsets:groupMetadata:timeout:)``.
    public func groupMetadata() throws(KafkaError) -> KafkaConsumerGroupMetadata {
        guard !isClosed else { throw .closed("consumer") }
        guard let metadata = rd_kafka_consumer_group_metadata(client.kafka) else {
            throw KafkaError(code: .state, message: "consumer has no group metadata")
        }
        return KafkaConsumerGroupMetadata(owning: metadata)
    }

    /// `"EAGER"`, `"COOPERATIVE"` or `"NONE"` (not yet joined).
    public var rebalanceProtocol: String {
        String(cString: rd_kafka_rebalance_protocol(client.kafka))
    }

    /// Number of partitions of `topic`, or `nil` if unknown to the cluster. Blocks.
    public func partitionCount(topic: String, timeout: Duration = .seconds(10)) throws(KafkaError) -> Int? {
        try client.partitionCounts(topics: [topic], timeout: timeout)[topic]
    }

    /// Partition counts of `topics`; unknown topics are absent. Blocks.
    public func partitionCounts(topics: [String], timeout: Duration = .seconds(10)) throws(KafkaError) -> [String: Int]
    {
        try client.partitionCounts(topics: topics, timeout: timeout)
    }
}
