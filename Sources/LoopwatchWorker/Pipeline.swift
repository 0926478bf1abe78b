import Foundation
import KafkaClient
import Logging
import LoopwatchCore
import Synchronization

/// The exactly-once processing loop: poll input → engines → alerts, changelog and dead letters
/// plus the input offsets in one Kafka transaction every `commit_interval`.
///
/// Everything here runs on one dedicated thread (`run()` blocks): librdkafka's rebalance
/// callbacks fire inside `poll` on that same thread, so partition ownership, restore, commit and
/// the engines never race. Other threads only talk to it through `requestStop()` and
/// `requestReload(_:)`.
///
/// Failure model: any transaction that cannot be committed is aborted (or its producer
/// re-initialised when the outcome is ambiguous), and the in-memory state — which already
/// applied the aborted input — is rebuilt from the changelog and the consumer rewound to the
/// committed offsets. Nothing is lost and nothing is published twice to read_committed readers.
final class Pipeline: @unchecked Sendable {
    // @unchecked: every mutable field below is confined to the pipeline thread, except
    // `control`, which is a Mutex.
    struct Control {
        var stop = false
        var reload: PolicySet?
    }

    enum Sink {
        case transactional(KafkaTransactionalProducer)
        case plain(KafkaProducer)
    }

    let config: LoopwatchConfig
    let settings: KafkaSettings
    let logger: Logger
    let metrics: WorkerMetrics
    let status: WorkerStatus
    let now: @Sendable () -> Timestamp
    let control = Mutex(Control())
    let onReloaded: @Sendable (SLAEngine.ReloadReport) -> Void

    var core: ProcessingCore
    var consumer: KafkaConsumer?
    var sink: Sink?
    var reader: KafkaPartitionReader?
    var transactionOpen = false
    var transactionStarted = ContinuousClock.now
    var pendingOffsets: [TopicPartition: Int64] = [:]
    var assigned: Set<TopicPartition> = []
    /// Input partitions read to their end (caught up): their deadlines run on the wall clock.
    var atEnd: Set<TopicPartition> = []
    var unrestored: Set<Int32> = []
    /// When failed restores are tried again: 1 s after a failure, doubling to 30 s while they
    /// keep failing (each attempt can block the loop for the reader's timeout).
    var restoreRetryAt = ContinuousClock.now
    var restoreBackoff = RestoreBackoff()
    var needsRecovery = false
    var records: [KafkaProducerRecord] = []
    let maxBatch = 10_000
    let kafkaTimeout = Duration.seconds(30)

    init(
        config: LoopwatchConfig, bootstrapServers: String, instanceID: String, logger: Logger, metrics: WorkerMetrics,
        status: WorkerStatus, now: @escaping @Sendable () -> Timestamp = Timestamp.wallClock,
        onReloaded: @escaping @Sendable (SLAEngine.ReloadReport) -> Void = { _ in }
    ) {
        self.config = config
        self.settings = KafkaSettings(config.kafka, bootstrapServers: bootstrapServers, instanceID: instanceID)
        self.logger = logger
        self.metrics = metrics
        self.status = status
        self.now = now
        self.onReloaded = onReloaded
        core = ProcessingCore(
            topics: .init(
                inputs: config.kafka.inputTopics, alerts: config.kafka.alertTopic, state: config.kafka.stateTopic,
                deadLetter: config.kafka.deadLetterTopic),
            config: config)
    }

    /// Asks the loop to commit, leave the group and return.
    func requestStop() { control.withLock { $0.stop = true } }

    /// Hands new policies to the loop; applied between two cycles.
    func requestReload(_ policies: PolicySet) { control.withLock { $0.reload = policies } }

    var stopRequested: Bool { control.withLock { $0.stop } }

    // MARK: Run

    /// Runs until `requestStop()`; blocks the calling (dedicated) thread.
    func run() throws {
        status.set(ready: false, status: "connecting to Kafka")
        reader = try KafkaPartitionReader(configuration: settings.restoreReader, logger: logger)
        sink = try makeSink()
        guard sink != nil else { return shutdown() }
        consumer = try KafkaConsumer(
            configuration: settings.consumer, topics: config.kafka.inputTopics, logger: logger,
            rebalanceHandler: { [unowned self] event in self.onRebalance(event) })
        status.set(ready: unrestored.isEmpty, status: "processing; waiting for partition assignment")
        logger.info(
            "processing started",
            metadata: [
                "group": "\(config.kafka.groupID)", "inputs": "\(config.kafka.inputTopics.joined(separator: ","))",
                "guarantee": "\(config.processing.guarantee.rawValue)",
            ])
        while !stopRequested {
            try cycle()
        }
        shutdown()
    }

    /// One processing cycle: poll, apply, fire deadlines, produce, maybe commit.
    func cycle() throws {
        if let policies = control.withLock({ c -> PolicySet? in defer { c.reload = nil }; return c.reload }) {
            let report = core.reload(policies: policies)
            onReloaded(report)
        }
        if !unrestored.isEmpty, ContinuousClock.now >= restoreRetryAt { retryRestores() }
        let started = ContinuousClock.now
        let polled: KafkaPollResult
        do {
            polled = try consumer!.pollWithEnds(maxMessages: maxBatch, timeout: pollTimeout)
        } catch {
            logger.critical("consumer failed fatally", metadata: ["error": "\(error)"])
            throw error
        }
        if needsRecovery {
            recover()
            return
        }
        let t = now()
        let batch = polled.messages
        core.process(batch, now: t)
        for m in batch {
            let tp = TopicPartition(topic: m.topic, partition: m.partition)
            pendingOffsets[tp] = m.offset + 1
            atEnd.remove(tp)
        }
        for end in polled.ends {
            let tp = end.topicPartition
            if assigned.contains(tp), end.offset >= (pendingOffsets[tp] ?? 0) { atEnd.insert(tp) }
        }
        let caughtUp = atEnd
        let inputs = assigned
        core.tick(now: t) { p in inputs.allSatisfy { $0.partition != p || caughtUp.contains($0) } }
        records.removeAll(keepingCapacity: true)
        core.drainOutput(now: t, into: &records)
        if !records.isEmpty || !pendingOffsets.isEmpty {
            if !produce(records) { return }
        }
        if transactionOpen, ContinuousClock.now - transactionStarted >= commitInterval {
            if commit() { metrics.processingLatency.record(seconds(ContinuousClock.now - started)) }
        }
        metrics.record(core.drainStats())
        metrics.openConcerns.set(Double(core.openConcerns))
        metrics.conversations.set(Double(core.conversations))
        metrics.ownedPartitions.set(Double(core.ownedPartitions.count))
        metrics.consumerLag.set(Double(assigned.count - atEnd.count))
        metrics.ready.set(to: status.isReady ? 1.0 : 0.0)
        status.beat()
    }

    var commitInterval: Duration { .milliseconds(config.processing.commitInterval.millis) }

    /// Poll no longer than the commit interval, nor past the next deadline, so alerts fire and
    /// transactions commit on time.
    var pollTimeout: Duration {
        if transactionOpen { return .milliseconds(5) }
        var timeout = min(commitInterval, .milliseconds(100))
        if let firing = core.nextFiring {
            timeout = min(timeout, .milliseconds(max(10, firing.millis - now().millis)))
        }
        return timeout
    }

    // MARK: Producing and committing

    func makeSink() throws -> Sink? {
        var backoff = Duration.milliseconds(500)
        while !stopRequested {
            do {
                switch config.processing.guarantee {
                case .atLeastOnce:
                    return .plain(try KafkaProducer(configuration: settings.plainProducer, logger: logger))
                case .exactlyOnce:
                    let p = try KafkaTransactionalProducer(configuration: settings.transactionalProducer, logger: logger)
                    do {
                        try p.initTransactions(timeout: kafkaTimeout)
                        return .transactional(p)
                    } catch {
                        p.shutdown(timeout: .zero)
                        throw error
                    }
                }
            } catch let error as KafkaError where error.code == .invalidArgument {
                throw error
            } catch {
                status.set(ready: false, status: "waiting for the transaction coordinator: \(error)")
                logger.warning("cannot initialise the producer; retrying", metadata: ["error": "\(error)", "retry_in": "\(backoff)"])
                sleepUnlessStopped(backoff)
                backoff = min(backoff * 2, .seconds(30))
            }
        }
        return nil
    }

    /// Enqueues the cycle's records, opening a transaction when needed. False when the cycle
    /// failed and the state was recovered.
    func produce(_ records: [KafkaProducerRecord]) -> Bool {
        do {
            switch sink! {
            case .transactional(let p):
                if !transactionOpen {
                    try p.beginTransaction()
                    transactionOpen = true
                    transactionStarted = .now
                }
                for r in records { try p.enqueue(r, maxBlock: kafkaTimeout) }
            case .plain(let p):
                transactionOpen = true
                for r in records { try p.enqueue(r, maxBlock: kafkaTimeout) }
            }
            return true
        } catch {
            logger.error("producing failed; rolling back to the last commit", metadata: ["error": "\(error)"])
            failTransaction(error)
            recover()
            return false
        }
    }

    /// Commits the open transaction with the consumed offsets. On failure aborts, recovers the
    /// state from the changelog and returns false.
    @discardableResult
    func commit() -> Bool {
        guard transactionOpen else { return true }
        let offsets = pendingOffsets.map { TopicPartitionOffset(topic: $0.key.topic, partition: $0.key.partition, offset: $0.value) }
        var attempt = 0
        while true {
            do {
                switch sink! {
                case .transactional(let p):
                    if !offsets.isEmpty {
                        try p.sendOffsetsToTransaction(offsets: offsets, groupMetadata: try consumer!.groupMetadata(), timeout: kafkaTimeout)
                    }
                    try p.commitTransaction(timeout: kafkaTimeout)
                case .plain(let p):
                    try p.flush(timeout: kafkaTimeout)
                    if !offsets.isEmpty { try consumer!.commit(offsets: offsets) }
                }
                transactionOpen = false
                pendingOffsets.removeAll(keepingCapacity: true)
                metrics.transactionsCommitted.increment()
                return true
            } catch {
                let k: KafkaError? = error
                attempt += 1
                if let k, k.isRetriable, !k.requiresAbort, !k.isFatal, attempt < 4, !stopRequested {
                    logger.warning("commit failed; retrying", metadata: ["error": "\(k)", "attempt": "\(attempt)"])
                    continue
                }
                logger.error("commit failed; rolling back to the last commit", metadata: ["error": "\(error)"])
                failTransaction(k)
                recover()
                return false
            }
        }
    }

    /// Ends a transaction that cannot commit: abort it, or re-create the producer when the
    /// failure was fatal or its outcome unknown.
    func failTransaction(_ error: KafkaError?) {
        metrics.transactionsFailed.increment()
        transactionOpen = false
        pendingOffsets.removeAll()
        guard case .transactional(let p) = sink! else { return }
        if let error, error.requiresAbort, !error.isFatal {
            do {
                try p.abortTransaction(timeout: kafkaTimeout)
                metrics.transactionsAborted.increment()
                return
            } catch {
                logger.warning("abort failed; re-initialising the producer", metadata: ["error": "\(error)"])
            }
        }
        var backoff = Duration.milliseconds(200)
        while !stopRequested {
            do {
                sink = .transactional(try p.reinitialized(timeout: kafkaTimeout))
                metrics.transactionsAborted.increment()
                return
            } catch {
                logger.warning("re-initialising the producer failed; retrying", metadata: ["error": "\(error)"])
                sleepUnlessStopped(backoff)
                backoff = min(backoff * 2, .seconds(10))
            }
        }
    }

    /// Rebuilds every owned partition from the changelog and rewinds the consumer to the
    /// committed offsets: the state then matches exactly what was committed.
    func recover() {
        needsRecovery = false
        metrics.recoveries.increment()
        status.set(ready: false, status: "recovering state after a failed transaction")
        _ = core.drainStats()
        records.removeAll()
        for p in core.ownedPartitions {
            core.close(partition: p)
            restore(partition: p)
        }
        atEnd.removeAll()
        rewindToCommitted(Array(assigned))
        status.set(ready: unrestored.isEmpty, status: statusLine)
    }

    func rewindToCommitted(_ partitions: [TopicPartition]) {
        guard !partitions.isEmpty, let consumer else { return }
        var backoff = Duration.milliseconds(200)
        while !stopRequested {
            do {
                let committed = try consumer.committed(partitions, timeout: kafkaTimeout)
                let targets = committed.map {
                    TopicPartitionOffset(
                        topic: $0.topic, partition: $0.partition, offset: $0.offset >= 0 ? $0.offset : TopicPartitionOffset.beginning)
                }
                try consumer.seek(targets, timeout: kafkaTimeout)
                return
            } catch {
                logger.warning("cannot rewind to the committed offsets; retrying", metadata: ["error": "\(error)"])
                sleepUnlessStopped(backoff)
                backoff = min(backoff * 2, .seconds(10))
            }
        }
    }

    // MARK: Ownership

    func onRebalance(_ event: KafkaRebalanceEvent) {
        switch event {
        case .assigned(let partitions):
            assigned.formUnion(partitions)
            let numbers = Set(partitions.map(\.partition)).subtracting(core.ownedPartitions)
            status.set(ready: false, status: "restoring \(numbers.count) partition(s)")
            for p in numbers.sorted() { restore(partition: p) }
            logger.info("partitions assigned", metadata: ["partitions": "\(partitions.map(\.description).joined(separator: ","))"])
            status.set(ready: unrestored.isEmpty, status: statusLine)
        case .revoked(let partitions):
            // Finish what was processed for them: commit now, synchronously, before they move.
            // (A failed commit rolls every owned partition back to its last commit.)
            if transactionOpen { commit() }
            release(partitions)
            logger.info("partitions revoked", metadata: ["partitions": "\(partitions.map(\.description).joined(separator: ","))"])
        case .lost(let partitions):
            // Another member may own them already: nothing of theirs may be committed.
            if transactionOpen {
                failTransaction(KafkaError(code: .state, message: "partitions lost", requiresAbort: true))
                needsRecovery = true
            }
            release(partitions)
            logger.warning("partitions lost", metadata: ["partitions": "\(partitions.map(\.description).joined(separator: ","))"])
        }
    }

    func release(_ partitions: [TopicPartition]) {
        assigned.subtract(partitions)
        atEnd.subtract(partitions)
        for tp in partitions { pendingOffsets[tp] = nil }
        let stillOwned = Set(assigned.map(\.partition))
        for p in Set(partitions.map(\.partition)) where !stillOwned.contains(p) {
            core.close(partition: p)
            unrestored.remove(p)
        }
        status.set(ready: unrestored.isEmpty, status: statusLine)
    }

    /// Restores partition `p` from the state topic; on failure pauses its input and retries later.
    func restore(partition p: Int32) {
        let started = ContinuousClock.now
        core.open(partition: p)
        do {
            let count = try reader!.read(topic: config.kafka.stateTopic, partition: p) { batch in
                for m in batch { self.core.restore(partition: p, key: m.key, value: m.value) }
            }
            let took = ContinuousClock.now - started
            metrics.restoreDuration.record(seconds(took))
            if unrestored.remove(p) != nil { resume(partition: p) }
            logger.info(
                "partition restored",
                metadata: ["partition": "\(p)", "records": "\(count)", "conversations": "\(core.engines[p]?.conversationCount ?? 0)", "took": "\(took)"])
        } catch {
            logger.error("restoring partition failed; its input is paused until it succeeds", metadata: ["partition": "\(p)", "error": "\(error)"])
            core.close(partition: p)
            if unrestored.insert(p).inserted {
                pause(partition: p)
                restoreRetryAt = ContinuousClock.now + restoreBackoff.next()
            }
        }
    }

    func retryRestores() {
        for p in unrestored.sorted() { restore(partition: p) }
        status.set(ready: unrestored.isEmpty, status: statusLine)
        if unrestored.isEmpty {
            restoreBackoff.reset()
        } else {
            restoreRetryAt = ContinuousClock.now + restoreBackoff.next()
        }
    }

    func pause(partition p: Int32) {
        try? consumer?.pause(assigned.filter { $0.partition == p }.sorted())
    }

    func resume(partition p: Int32) {
        try? consumer?.resume(assigned.filter { $0.partition == p }.sorted())
    }

    var statusLine: String {
        let owned = core.ownedPartitions.count
        if !unrestored.isEmpty { return "restore pending for partition(s) \(unrestored.sorted())" }
        return "processing \(owned) partition(s), \(core.conversations) conversations, \(core.openConcerns) open concerns"
    }

    // MARK: Stop

    func shutdown() {
        status.set(ready: false, status: "stopping")
        if transactionOpen { commit() }
        consumer?.close()  // revokes: the handler commits nothing more and drops the state
        switch sink {
        case .transactional(let p): p.shutdown(timeout: .seconds(10))
        case .plain(let p): p.shutdown(timeout: .seconds(10))
        case nil: break
        }
        reader?.close()
        status.markStopped()
        logger.info("processing stopped")
    }

    func sleepUnlessStopped(_ d: Duration) {
        let end = ContinuousClock.now + d
        while !stopRequested, ContinuousClock.now < end {
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}

extension Timestamp {
    /// The wall clock (CLOCK_REALTIME) in milliseconds.
    public static let wallClock: @Sendable () -> Timestamp = {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Timestamp(millis: Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000)
    }
}
