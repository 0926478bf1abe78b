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

    /// Alerts or concern outcomes wait to be drained.
    public var hasPendingOutput: Bool { hasPendingAlerts || hasPendingConcernOutcomes }
}
