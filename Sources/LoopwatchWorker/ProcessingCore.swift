import KafkaClient
import LoopwatchCore

/// The worker's processing state without any I/O: one SLA engine per owned partition number,
/// turning input messages into the records one Kafka transaction must carry — alerts, changelog
/// updates and dead letters.
///
/// Partition *numbers* are the unit of ownership: partition `p` of every input topic and of the
/// state topic belong together (co-partitioning), which the range assignor guarantees. With
/// `kafka.repartition_topic` the input topics are stage 1 (``repartition(_:into:now:)``) and only
/// the repartition topic's partition `p` feeds engine `p`.
struct ProcessingCore {
    /// Topic names from the configuration.
    struct Topics: Sendable {
        var inputs: [String]
        var alerts: String
        var state: String
        var deadLetter: String
        /// `kafka.repartition_topic`: when set, the inputs are stage 1 and this topic feeds the
        /// engines (``Repartition``).
        var repartition: Repartition? = nil
    }

    /// Counters since the last `drainStats`, exported as metrics by the caller.
    struct Stats {
        var events: [SLAEngine.ApplyResult: Int] = [:]
        var bad: [BadEventReason: Int] = [:]
        var alerts: [Alert.Kind: Int] = [:]
        var lateAlerts = 0
        /// Emission delay (wall clock − due) of each alert, in seconds.
        var alertDelays: [Double] = []
        var changelogRecords = 0
        var restoredRecords = 0
        var corruptStateRecords = 0
        /// Input messages re-keyed into the repartition topic (stage 1).
        var repartitioned = 0
        /// The first `wrong_key` dead letter of the period, `topic/partition/offset: detail`.
        var wrongKeySample: String?
        /// Concerns that ended, labelled for the social-status metrics.
        var concerns: [SocialStatusMetrics.Ended] = []
    }

    let topics: Topics
    let processing: LoopwatchConfig.Processing
    private(set) var decoder: EventDecoder
    let encoder: AlertEncoder
    private(set) var policies: PolicySet
    private var channelLabels: ChannelLabels
    var engines: [Int32: SLAEngine] = [:]
    /// The latest `occurred_at` applied, by partition.
    var maxSeen: [Int32: Timestamp] = [:]
    /// Which engine goes first in the next ``tick(now:budget:caughtUp:)`` (they take turns).
    private var tickTurn = 0
    /// The threads' shares of the engine work (``EngineLane``), their scratch kept across cycles.
    var lanes = Array(repeating: EngineLane(), count: EngineLane.count)
    /// Partitions whose due deadlines the last ``tick(now:budget:caughtUp:)`` did not all release.
    private(set) var backlogged: Set<Int32> = []
    /// Partitions with a dead letter not yet drained (``drainOutput(now:into:holding:)``).
    var deadLetterPartitions: Set<Int32> = []
    var stats = Stats()
    var pending: [KafkaProducerRecord] = []
    /// Stage 1 decodes into this one event (it only validates and reads the conversation id).
    var scratch = InteractionEvent(id: "", conversationID: "", kind: .broadcast, occurredAt: .distantPast)
    /// The events of the partition run being applied (storage reused).
    var run = EventBatch(capacity: 64)

    static let cloudEventsContentType: [UInt8] = Array("application/cloudevents+json; charset=UTF-8".utf8)
    /// The headers of every alert record, shared (no array built per alert).
    static let alertHeaders: [(String, [UInt8]?)] = [("content-type", cloudEventsContentType)]

    init(topics: Topics, config: LoopwatchConfig) {
        self.topics = topics
        processing = config.processing
        policies = config.policies
        channelLabels = ChannelLabels(policies: config.policies)
        decoder = EventDecoder(
            maxEventBytes: config.processing.maxEventBytes, maxFutureSkew: config.processing.maxFutureSkew,
            projection: EventProjection(for: config.policies))
        encoder = AlertEncoder(groupID: config.kafka.groupID)
    }

    /// Engine settings for the daemon: alerts are `detected_late` when emitted more than
    /// max(5 s, 5 × commit_interval) after their due time plus `allowed_lateness`.
    var engineSettings: SLAEngine.Settings {
        SLAEngine.Settings(
            allowedLateness: processing.allowedLateness, stateTTL: processing.stateTTL,
            lateAfter: max(.seconds(5), TimeSpan(millis: processing.commitInterval.millis * 5)),
            reportsOutcomes: true)
    }

    /// Partition numbers currently owned.
    var ownedPartitions: [Int32] { engines.keys.sorted() }

    /// Open concerns across owned partitions.
    var openConcerns: Int { engines.values.reduce(0) { $0 + $1.openConcerns } }

    /// Conversations held across owned partitions.
    var conversations: Int { engines.values.reduce(0) { $0 + $1.conversationCount } }

    /// The wall-clock instant the earliest pending deadline fires (its due time plus
    /// `allowed_lateness`), if any — so the loop never sleeps past it. None beyond
    /// `Timestamp.distantFuture` (the sum never wraps round into the past).
    var nextFiring: Timestamp? {
        guard let due = engines.values.compactMap(\.nextDeadline).min() else { return nil }
        let (firing, overflow) = due.millis.addingReportingOverflow(processing.allowedLateness.millis)
        return overflow || firing >= Timestamp.distantFuture.millis ? nil : Timestamp(millis: firing)
    }

    // MARK: Ownership

    /// Starts owning partition `p` with an empty engine (restore records follow).
    mutating func open(partition p: Int32) {
        engines[p] = SLAEngine(policies: policies, settings: engineSettings)
        maxSeen[p] = nil
    }

    /// Loads one changelog record of partition `p` (opened with ``open(partition:)``); false when
    /// the record is corrupt (skipped: the conversation starts afresh rather than the partition
    /// never starting). The worker restores through ``beginRestore(of:)`` instead.
    @discardableResult
    mutating func restore(partition p: Int32, key: [UInt8]?, value: [UInt8]?) -> Bool {
        guard let key, engines.index(forKey: p) != nil else { return false }
        let load = key.withUnsafeBytes { key in
            guard let value else { return ChangelogRestore.load(key: key, value: nil, into: &engines[p]!) }
            return value.withUnsafeBytes { value in ChangelogRestore.load(key: key, value: value, into: &engines[p]!) }
        }
        if load != .skipped { stats.restoredRecords += 1 }
        if load == .corrupt { stats.corruptStateRecords += 1 }
        return load == .loaded
    }

    /// Fresh engines for partitions `numbers`, to be filled from the changelog and then adopted
    /// one by one with ``adopt(partition:from:)``.
    func beginRestore(of numbers: [Int32]) -> ChangelogRestore {
        ChangelogRestore(partitions: numbers) { SLAEngine(policies: policies, settings: engineSettings) }
    }

    /// Starts owning partition `p` with the engine `restore` rebuilt for it.
    mutating func adopt(partition p: Int32, from restore: inout ChangelogRestore) {
        guard let engine = restore.take(partition: p) else { return }
        engines[p] = engine
        maxSeen[p] = nil
    }

    /// Counts what a restore loaded, for the metrics.
    mutating func noteRestored(_ restore: ChangelogRestore) {
        stats.restoredRecords += restore.records
        stats.corruptStateRecords += restore.corrupt
    }

    /// Stops owning partition `p`, dropping its state (it lives on in the changelog).
    mutating func close(partition p: Int32) {
        engines[p] = nil
        maxSeen[p] = nil
    }

    // MARK: Processing

    /// Applies one input message: a good event goes to its partition's engine, a bad one
    /// becomes a dead letter (SPEC §6) — a good one whose key is not its `conversation_id` too
    /// (`wrong_key`, SPEC §1 "Keying").
    mutating func process(_ m: KafkaConsumerMessage, now: Timestamp) {
        process(CollectionOfOne(m), now: now)
    }

    /// ``process(_:now:)`` of a poll batch: over the ``EngineLane``s when it is large and spans
    /// several partitions (the same result, partitions being independent).
    mutating func process(_ batch: [KafkaConsumerMessage], now: Timestamp) {
        if lanes.count > 1, batch.count >= Self.parallelMessages, topics.repartition == nil,
            batch.contains(where: { $0.partition != batch[0].partition })
        {
            processInLanes(batch, now: now)
        } else {
            process(batch[...], now: now)
        }
    }

    /// Applies a poll batch in order. Each run of up to 64 messages of one partition is decoded
    /// first, then its engine warms the cache for the run (`SLAEngine.prefetch`), then the events
    /// are applied one by one.
    mutating func process<C: RandomAccessCollection>(_ batch: C, now: Timestamp)
    where C.Element == KafkaConsumerMessage {
        var i = batch.startIndex
        var bad: [(Int, KafkaProducerRecord)] = []
        while i != batch.endIndex {
            if let r = topics.repartition, isStageOne(batch[i]) {
                repartition(batch[i], into: r, now: now)
                i = batch.index(after: i)
                continue
            }
            let p = batch[i].partition
            var j = batch.index(after: i)
            var n = 1
            while j != batch.endIndex, n < 64, batch[j].partition == p, !isStageOne(batch[j]) {
                j = batch.index(after: j)
                n += 1
            }
            if engines.index(forKey: p) == nil { open(partition: p) }  // no engine copy to ask
            EngineLane.apply(
                batch[i..<j], to: &engines[p]!, run: &run, stats: &stats, maxSeen: &maxSeen[p], deadLetters: &bad,
                topics: topics, decoder: decoder, now: now)
            if !bad.isEmpty {
                pending.append(contentsOf: bad.lazy.map(\.1))
                deadLetterPartitions.insert(p)
                bad.removeAll(keepingCapacity: true)
            }
            i = j
        }
    }

    /// Advances every engine's clock from the wall clock. A partition that is caught up runs on
    /// `now − allowed_lateness`; one that is lagging runs no further than the latest event it
    /// has seen, so a backlog never produces false breaches.
    ///
    /// At most `budget` conversations are evaluated in all (see ``SLAEngine/advance(to:budget:)``):
    /// a backlog of due deadlines — after an outage, a restore — comes out over several ticks,
    /// each with bounded output, and the loop keeps polling and committing meanwhile. Engines
    /// take turns to go first. Returns false when some engine stopped early (tick again soon).
    @discardableResult
    mutating func tick(now: Timestamp, budget: Int = .max, caughtUp: (Int32) -> Bool) -> Bool {
        let lateness = processing.allowedLateness
        // Over a copy of the keys: iterating `engines.keys` itself would hold the dictionary's
        // storage, so the first mutation below copies the dictionary and every engine in it is
        // then shared — each engine's first write would copy its whole store (every tick).
        let keys = Array(engines.keys).sorted()
        backlogged.removeAll(keepingCapacity: true)
        guard !keys.isEmpty else { return true }
        tickTurn = (tickTurn &+ 1) % keys.count
        var left = budget
        for k in 0..<keys.count {
            let p = keys[(tickTurn + k) % keys.count]
            var wm = now - lateness
            if !caughtUp(p) { wm = min(wm, (maxSeen[p] ?? .distantPast) - lateness) }
            engines[p]!.wallClock = now
            guard left > 0 else {
                if let next = engines[p]!.nextDeadline, next <= wm { backlogged.insert(p) }
                continue
            }
            let advanced = engines[p]!.advance(to: wm, budget: left)
            if !advanced.complete { backlogged.insert(p) }
            left -= advanced.evaluated
        }
        return backlogged.isEmpty
    }

    /// Reloads policies into every engine; returns the summed report.
    mutating func reload(policies new: PolicySet) -> SLAEngine.ReloadReport {
        policies = new
        channelLabels.reload(new)
        decoder.projection = EventProjection(for: new)
        var total = SLAEngine.ReloadReport()
        for p in Array(engines.keys) {  // a copy of the keys: see `tick`
            let r = engines[p]!.reload(policies: new)
            total.openConcerns += r.openConcerns
            total.rematched += r.rematched
            total.unmatched += r.unmatched
        }
        return total
    }

    /// Moves everything produced since the last call into `records`: dead letters and alerts in
    /// the order they arose, then the latest state of every changed conversation — except the
    /// alerts and changes of the partitions `holding` (``ChangelogHold``: they stay in their
    /// engines for a later call). Returns how many alerts it moved.
    @discardableResult
    mutating func drainOutput(
        now: Timestamp, into records: inout [KafkaProducerRecord], holding: Set<Int32> = []
    ) -> Int {
        // Dead letters arose while processing, before any alert drained here: they go first, and
        // alerts are appended straight to `records` (not staged in `pending` and copied).
        records.append(contentsOf: pending)
        pending.removeAll(keepingCapacity: true)
        deadLetterPartitions.removeAll(keepingCapacity: true)
        let headers = Self.alertHeaders
        var alerts = 0
        for p in engines.keys.sorted() where !holding.contains(p) {
            for alert in engines[p]!.drainAlerts() {
                alerts += 1
                stats.alerts[alert.kind, default: 0] += 1
                if alert.detectedLate { stats.lateAlerts += 1 }
                if alert.kind != .resolved {
                    stats.alertDelays.append(Double(now.millis - alert.time.millis) / 1000)
                }
                records.append(
                    KafkaProducerRecord(
                        topic: topics.alerts, key: Array(alert.conversationID.utf8), value: encoder.encode(alert),
                        headers: headers))
            }
        }
        for p in engines.keys.sorted() {
            for o in engines[p]!.drainConcernOutcomes() {
                stats.concerns.append(
                    .init(
                        channel: channelLabels.label(o.channel), policy: o.policyName, metric: o.metric.name,
                        outcome: o.outcome.name, responseSeconds: o.responseTime.map { Double($0.millis) / 1000 }))
            }
        }
        let stateTopic = topics.state
        for p in engines.keys.sorted() where !holding.contains(p) {
            engines[p]!.drainChanges { id, value in
                records.append(KafkaProducerRecord(topic: stateTopic, partition: p, key: Array(id.utf8), value: value))
                stats.changelogRecords += 1
            }
        }
        return alerts
    }

    /// What ``ChangelogHold`` weighs for each owned partition this cycle (call after ``tick``,
    /// before ``drainOutput(now:into:holding:)``).
    /// A partition is `overdue` when a deadline of its is due on the wall clock `now` already
    /// (held back only by its lag: it fires once the partition is caught up).
    func holdCandidates(now: Timestamp, caughtUp: (Int32) -> Bool) -> [ChangelogHold.Candidate] {
        let due = now - processing.allowedLateness
        return engines.keys.sorted().map { p in
            ChangelogHold.Candidate(
                partition: p, changes: engines[p]!.pendingChanges, alerts: engines[p]!.pendingAlertCount,
                deadLetters: deadLetterPartitions.contains(p), caughtUp: caughtUp(p),
                overdue: engines[p]!.nextDeadline.map { $0 <= due } ?? false, backlogged: backlogged.contains(p))
        }
    }

    /// Counters since the last call.
    mutating func drainStats() -> Stats {
        defer { stats = Stats() }
        return stats
    }

    /// Dead letters carry the message unchanged — unless it could not be produced at all
    /// (over the producer's `message.max.bytes`): then its first bytes are kept and
    /// `loopwatch.truncated` gives the original size, so one huge message never stalls the
    /// partition.
    static let maxDeadLetterBytes = 900_000

    /// Where a dead letter came from: `topic/partition/offset` of the input message.
    static let sourceHeader = "loopwatch.source"

    func deadLetter(_ m: KafkaConsumerMessage, _ bad: BadEvent) -> KafkaProducerRecord {
        Self.deadLetter(m, bad, topics: topics)
    }

    /// The dead letter of `m` for `bad` (see ``deadLetter(_:_:)``).
    static func deadLetter(_ m: KafkaConsumerMessage, _ bad: BadEvent, topics: Topics) -> KafkaProducerRecord {
        var headers = m.headers
        headers.append(("loopwatch.error", Array(bad.reason.rawValue.utf8)))
        headers.append(("loopwatch.error.detail", Array(bad.detail.utf8)))
        // From the repartition topic, the message already names its input (stage 1 added it).
        if m.topic != topics.repartition?.topic || !headers.contains(where: { $0.0 == Self.sourceHeader }) {
            headers.append((Self.sourceHeader, Array(Self.source(of: m).utf8)))
        }
        var value = m.value
        if let v = value, v.count > Self.maxDeadLetterBytes {
            headers.append(("loopwatch.truncated", Array(String(v.count).utf8)))
            value = Array(v.prefix(Self.maxDeadLetterBytes))
        }
        return KafkaProducerRecord(
            topic: topics.deadLetter, key: m.key, value: value, headers: headers, timestamp: m.timestamp)
    }
}
