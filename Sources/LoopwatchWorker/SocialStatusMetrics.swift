import LoopwatchCore
import Prometheus
import Synchronization

/// The live social-status figures (SPEC §9): `loopwatch_concerns_total{channel,policy,metric,outcome}`,
/// counted when a concern ends, and `loopwatch_response_seconds{channel,policy,metric}`, the
/// response time of each answered one. Series are made on first use; the caller bounds the
/// channel label (``ChannelLabels``).
final class SocialStatusMetrics: Sendable {
    /// One ended concern, labelled.
    struct Ended: Sendable, Hashable {
        var channel: String
        var policy: String
        var metric: String
        var outcome: String
        /// Seconds from `concern_since` to the answering acknowledgement; nil unless answered.
        var responseSeconds: Double?
    }

    /// Response-time buckets: a minute to three days.
    static let buckets: [Double] = [60, 300, 900, 1800, 3600, 7200, 14400, 28800, 86400, 259_200]

    static var concernsName: MetricNameDescriptor {
        WorkerMetrics.named(
            "loopwatch_concerns_total", "Customer concerns that ended (answered or closed), by outcome (SPEC §9).")
    }

    static var responseName: MetricNameDescriptor {
        WorkerMetrics.named(
            "loopwatch_response_seconds",
            "Time from a concern's oldest unanswered customer message to the acknowledgement that answered it.")
    }

    /// The counter of one (channel, policy, metric, outcome) and the histogram of its
    /// (channel, policy, metric): found with one hash and one lock per ended concern.
    private struct Instruments {
        var counter: Counter
        var responses: ValueHistogram
    }

    private let registry: PrometheusCollectorRegistry
    private let instruments = Mutex<[Ended: Instruments]>([:])

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    /// Makes the series of every policy, metric and outcome (at zero) before any concern ends,
    /// so dashboards and rules find them on an idle worker: one per channel the policy names,
    /// else under `other`.
    func prepare(_ policies: PolicySet) {
        var series: [Ended] = []
        for policy in policies.policies {
            for channel in policy.match.channels ?? ["other"] {
                for metric in ["first_response", "next_response"] {
                    for outcome in ["answered_within_target", "answered_late", "closed_unanswered"] {
                        series.append(Ended(channel: channel, policy: policy.name, metric: metric, outcome: outcome))
                    }
                }
            }
        }
        record(series, counting: false)
    }

    /// Counts ended concerns.
    func record(_ ended: [Ended]) { record(ended, counting: true) }

    private func record(_ ended: [Ended], counting: Bool) {
        for e in ended {
            var key = e
            key.responseSeconds = nil
            let found = instruments.withLock { $0[key] } ?? make(key)
            guard counting else { continue }
            found.counter.increment()
            if let seconds = e.responseSeconds { found.responses.record(seconds) }
        }
    }

    /// Makes the instruments of `key` (whose `responseSeconds` is nil) on its first concern. The
    /// registry hands back a metric it already has for the same name and labels, so the outcomes
    /// of one (channel, policy, metric) share its histogram.
    private func make(_ key: Ended) -> Instruments {
        let made = Instruments(
            counter: registry.makeCounter(
                descriptor: Self.concernsName,
                labels: [
                    ("channel", key.channel), ("policy", key.policy), ("metric", key.metric), ("outcome", key.outcome),
                ]),
            responses: registry.makeValueHistogram(
                descriptor: Self.responseName,
                labels: [("channel", key.channel), ("policy", key.policy), ("metric", key.metric)],
                buckets: Self.buckets))
        instruments.withLock { $0[key] = made }
        return made
    }
}
