import KafkaClient
import Logging
import LoopwatchCore

/// The exactly-once processing loop: poll input → engines → alerts, changelog and dead letters,
/// committed with the input offsets through the ``OutputSink`` every `commit_interval`.
///
/// Built and run on the pipeline's dedicated thread (``Pipeline/run()``) and never shared:
/// librdkafka runs rebalance callbacks inside `poll`, on this same thread, and the loop hands
/// them a plain closure, so partition ownership, restore, commit and the engines never race.
///
/// Failure model: output that cannot be committed is abandoned by the sink (abort, or a fresh
/// producer), and the in-memory state — which already applied that input — is rebuilt from the
/// changelog and the consumer rewound to the committed offsets. Nothing is lost and nothing is
/// published twice to read_committed readers.
final class PipelineLoop {
    let pipeline: Pipeline
    let consumer: KafkaConsumer
    let reader: KafkaPartitionReader
    var sink: any OutputSink
    var core: ProcessingCore
    var ownership = PartitionOwnership()
    /// Set when partitions were lost mid-transaction: roll back before the next cycle.
    var needsRecovery = false
    /// The cycle's output (storage reused).
    var records: [KafkaProducerRecord] = []
    /// The next slice of a backlog, fired while a commit is delivered (``commitFiringAhead(started:)``).
    var ahead: [KafkaProducerRecord] = []
    /// Input offsets consumed in this cycle, not yet handed to the sink.
    var offsets: [TopicPartition: Int64] = [:]
    /// What the sink holds uncommitted, which decides when to commit.
    var uncommitted = CommitPolicy()
    /// The changelog records and input offsets of partitions catching up, kept back for now.
    var hold: ChangelogHold
    /// The rate limit of the `wrong_key` warning.
    var wrongKeys = WrongKeyWarning()
    let maxBatch = 10_000
    /// Conversations evaluated per cycle at most: a backlog of due deadlines (after an outage or
    /// a restore) is released over several cycles, each transaction of bounded size.
    let tickBudget = 10_000
    let kafkaTimeout = Duration.seconds(30)

    var config: LoopwatchConfig { pipeline.config }
    var logger: Logger { pipeline.logger }
    var metrics: WorkerMetrics { pipeline.metrics }
    var status: WorkerStatus { pipeline.status }

    /// Creates the clients — the output sink first, retried with backoff while the transaction
    /// coordinator cannot be reached — then joins the group. Nil when a stop came first.
    static func make(_ pipeline: Pipeline) throws(KafkaError) -> PipelineLoop? {
        let repartition = try repartitionStage(pipeline)
        if pipeline.config.kafka.repartitionTopic != nil, repartition == nil { return nil }  // stopped first
        let reader = try KafkaPartitionReader(configuration: pipeline.settings.restoreReader, logger: pipeline.logger)
        guard let sink = try makeSink(pipeline) else {
            reader.close()
            return nil
        }
        let consumer: KafkaConsumer
        do {
            consumer = try KafkaConsumer(
                configuration: pipeline.settings.consumer, topics: subscription(pipeline.config.kafka),
                logger: pipeline.logger)
        } catch {
            sink.shutdown(timeout: .zero)
            reader.close()
            throw error
        }
        return PipelineLoop(
            pipeline: pipeline, consumer: consumer, reader: reader, sink: sink, repartition: repartition)
    }

    private static func makeSink(_ pipeline: Pipeline) throws(KafkaError) -> (any OutputSink)? {
        let s = pipeline.settings
        let topics = pipeline.config.kafka.outputTopics
        var backoff = Backoff.connect
        while !pipeline.stopRequested {
            do throws(KafkaError) {
                switch pipeline.config.processing.guarantee {
                case .atLeastOnce:
                    return try AtLeastOnceSink(
                        configuration: s.plainProducer, topics: topics, metrics: pipeline.metrics,
                        logger: pipeline.logger, timeout: .seconds(30))
                case .exactlyOnce:
                    return try TransactionalSink(
                        configuration: s.transactionalProducer, topics: topics, metrics: pipeline.metrics,
                        logger: pipeline.logger, timeout: .seconds(30))
                }
            } catch  where error.code == .invalidArgument {
                throw error
            } catch {
                pipeline.status.set(ready: false, status: "waiting for the transaction coordinator: \(error)")
                pipeline.logger.warning(
                    "cannot initialise the producer; retrying", metadata: ["error": "\(error)"])
                backoff.wait(unless: { pipeline.stopRequested })
            }
        }
        return nil
    }

    private init(
        pipeline: Pipeline, consumer: KafkaConsumer, reader: KafkaPartitionReader, sink: any OutputSink,
        repartition: ProcessingCore.Repartition?
    ) {
        self.pipeline = pipeline
        self.consumer = consumer
        self.reader = reader
        self.sink = sink
        let k = pipeline.config.kafka
        // Repartitioning reads its engines' input from a topic it writes itself: nothing is held.
        hold = ChangelogHold(enabled: repartition == nil)
        core = ProcessingCore(
            topics: .init(
                inputs: k.inputTopics, alerts: k.alertTopic, state: k.stateTopic, deadLetter: k.deadLetterTopic,
                repartition: repartition),
            config: pipeline.config)
        if repartition != nil { ownership = PartitionOwnership(stateless: Set(k.inputTopics)) }
        pipeline.metrics.socialStatus.prepare(pipeline.config.policies)
    }

    var stopRequested: Bool { pipeline.stopRequested }

    // MARK: Run

    /// Cycles until a stop is asked for, then commits, leaves the group and releases the clients.
    func run() throws(KafkaError) {
        status.set(ready: false, status: "joining group \(config.kafka.groupID)")
        logger.info(
            "processing started",
            metadata: [
                "group": "\(config.kafka.groupID)", "inputs": "\(config.kafka.inputTopics.joined(separator: ","))",
                "guarantee": "\(config.processing.guarantee.rawValue)",
            ])
        do {
            while !stopRequested { try cycle() }
        } catch {
            abandon()
            throw error
        }
        shutdown()
    }

    /// One processing cycle: poll, apply, fire deadlines, produce, maybe commit.
    func cycle() throws(KafkaError) {
        if let policies = pipeline.takeReload() { pipeline.onReloaded(core.reload(policies: policies)) }
        if ownership.retryDue() { retryRestores() }
        let started = ContinuousClock.now
        let polled: KafkaPollResult
        do {
            polled = try consumer.pollWithEnds(maxMessages: maxBatch, timeout: pollTimeout) { self.onRebalance($0) }
        } catch {
            logger.critical("consumer failed fatally", metadata: ["error": "\(error)"])
            throw error
        }
        if needsRecovery { return recover() }
        let t = pipeline.now()
        core.process(polled.messages, now: t)
        noteConsumed(polled.messages)
        for end in polled.ends { ownership.reachedEnd(end.topicPartition, at: end.offset) }
        let slice = fireAndDrain(now: t, into: &records)
        if !records.isEmpty || !offsets.isEmpty {
            guard produce(records) else { return }
            uncommitted.add(records: records.count, alerts: slice.alerts)
        }
        if let opened = sink.openedAt {
            let age = ContinuousClock.now - opened
            if uncommitted.isDue(openedFor: age, interval: commitInterval) {
                // Deadlines left over by the tick's budget, or a full poll, mean a backlog:
                // work on more of it while this is delivered.
                if !slice.released {
                    commitFiringAhead(started: started)
                } else if polled.messages.count >= maxBatch,
                    uncommitted.mayOverlap(openedFor: age, interval: commitInterval)
                {
                    uncommitted.overlap()
                } else if commit() {
                    metrics.processingLatency.record(seconds(ContinuousClock.now - started))
                }
            }
        }
        publishGauges()
    }

    /// Fires the deadlines due (within the cycle's budget) and drains what that and the applied
    /// input produced into `out`: alerts, changelog records and dead letters, less what
    /// ``hold`` keeps back, whose input offsets it exchanges in ``offsets``. Returns whether
    /// every due deadline was fired, and how many alerts `out` holds.
    func fireAndDrain(now t: Timestamp, into out: inout [KafkaProducerRecord]) -> (released: Bool, alerts: Int) {
        let owned = ownership
        let released = core.tick(now: t, budget: tickBudget) { owned.isCaughtUp($0) }
        let held = hold.decide(core.holdCandidates(now: t) { owned.isCaughtUp($0) })
        out.removeAll(keepingCapacity: true)
        let alerts = core.drainOutput(now: t, into: &out, holding: held)
        hold.exchange(&offsets, held: held, stateful: owned.isStateful)
        if let r = config.kafka.repartitionTopic { noteRekeyed(out, topic: r) }
        return (released, alerts)
    }

    /// A commit due while deadlines are left over (a backlog being released): the next slice is
    /// fired and encoded first, while librdkafka delivers what the transaction holds, so the
    /// commit's flush finds it delivered; the slice then opens the next transaction. When the
    /// commit fails the slice is dropped with the rest: the state is rebuilt from the changelog.
    func commitFiringAhead(started: ContinuousClock.Instant) {
        let slice = fireAndDrain(now: pipeline.now(), into: &ahead)
        defer { ahead.removeAll(keepingCapacity: true) }
        pipeline.beforeCommitFiringAhead(ahead.count)
        guard commit() else { return }
        metrics.processingLatency.record(seconds(ContinuousClock.now - started))
        if !ahead.isEmpty || !offsets.isEmpty, produce(ahead) {
            uncommitted.add(records: ahead.count, alerts: slice.alerts)
        }
    }

    var commitInterval: Duration { .milliseconds(config.processing.commitInterval.millis) }

    /// Poll no longer than the commit interval, nor past the instant the next deadline fires
    /// (to the millisecond), so alerts fire and transactions commit on time.
    var pollTimeout: Duration {
        if uncommitted.overlapped { return .zero }  // a commit is due after this cycle
        if !core.backlogged.isEmpty { return .zero }  // due deadlines are left over: fire them
        if sink.isOpen { return .milliseconds(5) }
        var timeout = min(commitInterval, .milliseconds(100))
        if let firing = core.nextFiring {
            // A restored conversation may be armed far in the past (it fires at the next tick):
            // the difference saturates instead of overflowing.
            let (left, overflow) = firing.millis.subtractingReportingOverflow(pipeline.now().millis)
            timeout = min(timeout, .milliseconds(overflow ? 1 : max(1, left)))
        }
        return timeout
    }

    func publishGauges() {
        let stats = core.drainStats()
        if let line = wrongKeys.note(count: stats.bad[.wrongKey] ?? 0, sample: stats.wrongKeySample) {
            logger.warning(line)
        }
        metrics.record(stats)
        metrics.openConcerns.set(Double(core.openConcerns))
        metrics.conversations.set(Double(core.conversations))
        metrics.ownedPartitions.set(Double(core.ownedPartitions.count))
        metrics.consumerLag.set(Double(ownership.lagging))
        metrics.holdingPartitions.set(Double(hold.since.count))
        metrics.ready.set(to: status.isReady ? 1.0 : 0.0)
        status.beat()
    }

    // MARK: Producing and committing

    /// Hands the cycle's records and offsets to the sink. False when that failed and the state
    /// was rolled back to the last commit.
    func produce(_ records: [KafkaProducerRecord]) -> Bool {
        do {
            try sink.produce(records, offsets: offsets)
            offsets.removeAll(keepingCapacity: true)
            return true
        } catch {
            logger.error("producing failed; rolling back to the last commit", metadata: ["error": "\(error)"])
            rollBack(error)
            return false
        }
    }

    /// Hands the sink what ``hold`` keeps back — every held partition's changes with its input
    /// offsets — before a commit that must leave nothing behind (a revoke, a stop).
    func flushHeld() {
        guard !hold.isEmpty else { return }
        records.removeAll(keepingCapacity: true)
        let alerts = core.drainOutput(now: pipeline.now(), into: &records)
        hold.releaseAll(into: &offsets)
        guard !records.isEmpty || !offsets.isEmpty else { return }
        if produce(records) { uncommitted.add(records: records.count, alerts: alerts) }
    }

    /// Commits what the sink holds. On failure rolls back to the last commit and returns false.
    @discardableResult
    func commit() -> Bool {
        do {
            try sink.commit(consumer: consumer)
            uncommitted.reset()
            return true
        } catch {
            logger.error("commit failed; rolling back to the last commit", metadata: ["error": "\(error)"])
            rollBack(error)
            return false
        }
    }

    /// Abandons the uncommitted output and rebuilds the state as of the last commit.
    func rollBack(_ error: KafkaError) {
        abandonOutput(error)
        recover()
    }

    /// Drops what the sink holds uncommitted (abort, or a fresh producer).
    func abandonOutput(_ error: KafkaError) {
        offsets.removeAll()
        hold.reset()
        uncommitted.reset()
        sink.fail(error, stop: { self.stopRequested })
    }

    /// Rebuilds every owned partition from the changelog and rewinds the consumer to the
    /// committed offsets: the state then matches exactly what was committed.
    func recover() {
        needsRecovery = false
        metrics.recoveries.increment()
        status.set(ready: false, status: "recovering state after a failed transaction")
        _ = core.drainStats()
        records.removeAll()
        offsets.removeAll()
        hold.reset()
        restore(partitions: core.ownedPartitions)  // drops their engines first
        ownership.rewound()
        rewindToCommitted(ownership.assigned.sorted())
        updateStatus()
    }

    func rewindToCommitted(_ partitions: [TopicPartition]) {
        guard !partitions.isEmpty else { return }
        var backoff = Backoff.recover
        while !stopRequested {
            do throws(KafkaError) {
                let committed = try consumer.committed(partitions, timeout: kafkaTimeout)
                let targets = committed.map {
                    TopicPartitionOffset(
                        topic: $0.topic, partition: $0.partition,
                        offset: $0.offset >= 0 ? $0.offset : TopicPartitionOffset.beginning)
                }
                try consumer.seek(targets, timeout: kafkaTimeout)
                return
            } catch {
                logger.warning("cannot rewind to the committed offsets; retrying", metadata: ["error": "\(error)"])
                backoff.wait(unless: { self.stopRequested })
            }
        }
    }

    // MARK: Ownership

    /// Runs inside `poll` (and `close`) on this thread, before librdkafka applies the change.
    func onRebalance(_ event: KafkaRebalanceEvent) {
        switch event {
        case .assigned(let partitions):
            let numbers = ownership.assign(partitions, holding: Set(core.ownedPartitions))
            status.set(ready: false, status: "restoring \(numbers.count) partition(s)")
            restore(partitions: numbers)
            logger.info("partitions assigned", metadata: ["partitions": "\(Self.describe(partitions))"])
        case .revoked(let partitions):
            // Finish what was processed for them: commit now, synchronously, before they move.
            // (A failed commit rolls every owned partition back to its last commit.)
            flushHeld()
            if sink.isOpen { commit() }
            release(partitions)
            logger.info("partitions revoked", metadata: ["partitions": "\(Self.describe(partitions))"])
        case .lost(let partitions):
            // Another member may own them already: nothing of theirs may be committed.
            if sink.isOpen {
                abandonOutput(KafkaError(code: .state, message: "partitions lost", requiresAbort: true))
                needsRecovery = true
            }
            release(partitions)
            logger.warning("partitions lost", metadata: ["partitions": "\(Self.describe(partitions))"])
        }
        updateStatus()
    }

    func release(_ partitions: [TopicPartition]) {
        for tp in partitions { offsets[tp] = nil }
        let dropped = ownership.release(partitions)
        hold.drop(dropped)
        for p in dropped { core.close(partition: p) }
    }

    func updateStatus() {
        let line: String
        if !ownership.joined {
            line = "joining group \(config.kafka.groupID)"
        } else if !ownership.unrestored.isEmpty {
            line = "restore pending for partition(s) \(ownership.unrestored.sorted())"
        } else {
            line =
                "processing \(core.ownedPartitions.count) partition(s), \(core.conversations) conversations, "
                + "\(core.openConcerns) open concerns"
        }
        status.set(ready: ownership.isReady, status: line)
    }

    static func describe(_ partitions: [TopicPartition]) -> String {
        partitions.map(\.description).joined(separator: ",")
    }

    // MARK: Stop

    /// The graceful stop: commit, leave the group (the revoke commits nothing more and drops the
    /// state), flush, release.
    func shutdown() {
        status.set(ready: false, status: "stopping")
        flushHeld()
        if sink.isOpen { commit() }
        consumer.close { self.onRebalance($0) }
        sink.shutdown(timeout: .seconds(10))
        reader.close()
        status.markStopped()
        logger.info("processing stopped")
    }

    /// After a fatal error: release the clients without committing anything.
    func abandon() {
        status.markStopped()
        sink.shutdown(timeout: .zero)
        reader.close()
    }

    func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
