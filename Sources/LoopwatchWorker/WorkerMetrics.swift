import LoopwatchCore
import Prometheus

/// The worker's Prometheus metrics (served on `metrics.listen` at `/metrics`).
///
/// Names are part of the operator contract: dashboards and alert rules in `deploy/` use them.
public final class WorkerMetrics: Sendable {
    /// The registry `/metrics` renders.
    public let registry: PrometheusCollectorRegistry

    let eventsByResult: [SLAEngine.ApplyResult: Counter]
    let badEventsByReason: [BadEventReason: Counter]
    let alertsByKind: [Alert.Kind: Counter]
    let lateAlerts: Counter
    let transactionsCommitted: Counter
    let transactionsAborted: Counter
    let transactionsFailed: Counter
    let recoveries: Counter
    let changelogRecords: Counter
    let restoredRecords: Counter
    let corruptStateRecords: Counter
    let openConcerns: Gauge
    let conversations: Gauge
    let ownedPartitions: Gauge
    let consumerLag: Gauge
    let holdingPartitions: Gauge
    let ready: Gauge
    let processingLatency: ValueHistogram
    let alertDelay: ValueHistogram
    let restoreDuration: ValueHistogram
    let reloads: [String: Counter]
    /// Input messages re-keyed into `kafka.repartition_topic` (stage 1).
    let repartitioned: Counter
    let socialStatus: SocialStatusMetrics

    /// Registers every metric in a fresh registry.
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        var events: [SLAEngine.ApplyResult: Counter] = [:]
        for r in SLAEngine.ApplyResult.allCases {
            events[r] = registry.makeCounter(
                descriptor: Self.named("loopwatch_events_total", "Input events applied to conversations, by result."),
                labels: [("result", r.name)])
        }
        var bad: [BadEventReason: Counter] = [:]
        for r in BadEventReason.everyReason {
            bad[r] = registry.makeCounter(
                descriptor: Self.named(
                    "loopwatch_dead_letters_total", "Bad input events sent to the dead-letter topic, by reason."),
                labels: [("reason", r.rawValue)])
        }
        var alerts: [Alert.Kind: Counter] = [:]
        for k in Alert.Kind.allCases {
            alerts[k] = registry.makeCounter(
                descriptor: Self.named(
                    "loopwatch_alerts_total",
                    "Alerts published to the alert topic, by type (counted when produced; an aborted transaction republishes)."
                ), labels: [("type", k.name)])
        }
        eventsByResult = events
        badEventsByReason = bad
        alertsByKind = alerts
        lateAlerts = registry.makeCounter(
            descriptor: Self.named(
                "loopwatch_alerts_detected_late_total",
                "Alerts published with detected_late=true (worker was down, lagging or restoring)."))
        transactionsCommitted = registry.makeCounter(
            descriptor: Self.named(
                "loopwatch_transactions_total", "Kafka transactions (alerts + state + offsets), by result."),
            labels: [("result", "committed")])
        transactionsAborted = registry.makeCounter(
            descriptor: Self.named(
                "loopwatch_transactions_total", "Kafka transactions (alerts + state + offsets), by result."),
            labels: [("result", "aborted")])
        transactionsFailed = registry.makeCounter(
            descriptor: Self.named(
                "loopwatch_transactions_total", "Kafka transactions (alerts + state + offsets), by result."),
            labels: [("result", "failed")])
        recoveries = registry.makeCounter(
            descriptor: Self.named(
                "loopwatch_state_recoveries_total",
                "Times the in-memory state was rebuilt from the changelog after a failed transaction."))
        changelogRecords = registry.makeCounter(
            descriptor: Self.named(
                "loopwatch_changelog_records_total", "Conversation state records written to the state topic."))
        restoredRecords = registry.makeCounter(
            descriptor: Self.named(
                "loopwatch_restored_records_total", "State records read from the changelog while restoring."))
        corruptStateRecords = registry.makeCounter(
            descriptor: Self.named(
                "loopwatch_corrupt_state_records_total",
                "Changelog records that could not be decoded (the conversation restarts empty)."))
        openConcerns = registry.makeGauge(
            descriptor: Self.named(
                "loopwatch_open_concerns", "Customer concerns currently waiting for an acknowledgement."))
        conversations = registry.makeGauge(
            descriptor: Self.named("loopwatch_conversations", "Conversations held in memory on this worker."))
        ownedPartitions = registry.makeGauge(
            descriptor: Self.named("loopwatch_assigned_partitions", "Input partition numbers owned by this worker."))
        consumerLag = registry.makeGauge(
            descriptor: Self.named(
                "loopwatch_partitions_lagging",
                "Assigned input partitions not yet read to their end (0 when caught up)."))
        holdingPartitions = registry.makeGauge(
            descriptor: Self.named(
                "loopwatch_partitions_holding",
                "Partition numbers catching up that hold their changelog records and input offsets back (at most 10 s)."
            ))
        ready = registry.makeGauge(
            descriptor: Self.named(
                "loopwatch_ready", "1 once every assigned partition is restored and processing, else 0."))
        processingLatency = registry.makeValueHistogram(
            descriptor: Self.named(
                "loopwatch_processing_latency_seconds",
                "Time from poll to committed transaction for one processing cycle."),
            buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5])
        alertDelay = registry.makeValueHistogram(
            descriptor: Self.named(
                "loopwatch_alert_delay_seconds",
                "Wall-clock delay from an alert's due time (deadline) to its publication, allowed_lateness included."),
            buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600])
        restoreDuration = registry.makeValueHistogram(
            descriptor: Self.named(
                "loopwatch_restore_duration_seconds",
                "Time from the start of a restore until one partition's conversations are rebuilt from the "
                    + "changelog (partitions assigned together are read together)."),
            buckets: [0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300])
        var reloads: [String: Counter] = [:]
        for r in ["applied", "rejected"] {
            reloads[r] = registry.makeCounter(
                descriptor: Self.named("loopwatch_config_reloads_total", "Configuration reloads (SIGHUP), by result."),
                labels: [("result", r)])
        }
        self.reloads = reloads
        repartitioned = registry.makeCounter(
            descriptor: Self.named(
                "loopwatch_repartitioned_total",
                "Input messages re-keyed by conversation_id into kafka.repartition_topic (stage 1)."))
        socialStatus = SocialStatusMetrics(registry: registry)
    }

    /// Adds one cycle's engine counters.
    func record(_ s: ProcessingCore.Stats) {
        for (r, n) in s.events { eventsByResult[r]?.increment(by: Int64(n)) }
        for (r, n) in s.bad { badEventsByReason[r]?.increment(by: Int64(n)) }
        for (k, n) in s.alerts { alertsByKind[k]?.increment(by: Int64(n)) }
        if s.lateAlerts > 0 { lateAlerts.increment(by: Int64(s.lateAlerts)) }
        for d in s.alertDelays { alertDelay.record(d) }
        if s.changelogRecords > 0 { changelogRecords.increment(by: Int64(s.changelogRecords)) }
        if s.restoredRecords > 0 { restoredRecords.increment(by: Int64(s.restoredRecords)) }
        if s.corruptStateRecords > 0 { corruptStateRecords.increment(by: Int64(s.corruptStateRecords)) }
        if s.repartitioned > 0 { repartitioned.increment(by: Int64(s.repartitioned)) }
        if !s.concerns.isEmpty { socialStatus.record(s.concerns) }
    }

    static func named(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    /// The Prometheus text exposition.
    public func render() -> [UInt8] { registry.emitToBuffer() }
}
