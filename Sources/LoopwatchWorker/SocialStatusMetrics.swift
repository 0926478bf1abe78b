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

    private struct Series: Hashable {
        var channel: String
        var policy: String
        var metric: String
    }

    private let registry: PrometheusCollectorRegistry
    private let concerns = Mutex<[Ended: Counter]>([:])
    private let responses = Mutex<[Series: ValueHistogram]>([:])

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    /// Counts ended concerns.
    func record(_ ended: [Ended]) {
        for e in ended {
            var key = e
            key.responseSeconds = nil
            concerns.withLock { counters in
                if counters[key] == nil {
                    counters[key] = registry.makeCounter(
                        descriptor: Self.concernsName,
                        labels: [
                            ("channel", e.channel), ("policy", e.policy), ("metric", e.metric), ("outcome", e.outcome),
                        ])
                }
                counters[key]!.increment()
            }
            if let seconds = e.responseSeconds {
                let series = Series(channel: e.channel, policy: e.policy, metric: e.metric)
                responses.withLock { histograms in
                    if histograms[series] == nil {
                        histograms[series] = registry.makeValueHistogram(
                            descriptor: Self.responseName,
                            labels: [("channel", e.channel), ("policy", e.policy), ("metric", e.metric)],
                            buckets: Self.buckets)
                    }
                    histograms[series]!.record(seconds)
                }
            }
        }
    }
}
