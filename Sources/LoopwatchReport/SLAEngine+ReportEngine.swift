import LoopwatchCore

/// The real engine drives `loopwatch report`: the report's breaches are the alerts `replay`
/// raises, and its concern outcomes are the engine's own (``SLAEngine/drainConcernOutcomes()``).
extension SLAEngine: ReportEngine {
    /// An engine that hands out concern outcomes, with `policies` and the configuration's
    /// processing settings (as `replay` creates its engine).
    public static func reporting(policies: PolicySet, processing: LoopwatchConfig.Processing) -> SLAEngine {
        SLAEngine(
            policies: policies,
            settings: .init(
                allowedLateness: processing.allowedLateness, stateTTL: processing.stateTTL, reportsOutcomes: true))
    }

    /// Loads what the batch will touch (as `replay` does before applying a batch).
    public mutating func warm(for batch: EventBatch) { batch.warm(&self) }

    /// Applies the event in place: none of its strings is copied or retained.
    public mutating func apply(_ k: Int, of batch: EventBatch) -> SLAEngine.ApplyResult { batch.apply(k, to: &self) }

    /// Alerts or concern outcomes wait to be drained.
    public var hasPendingOutput: Bool { hasPendingAlerts || hasPendingConcernOutcomes }
}
