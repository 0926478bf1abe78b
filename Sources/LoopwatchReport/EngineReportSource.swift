import LoopwatchCore

/// ``SLAEngine`` as a ``ReportEngine`` for `loopwatch report`.
///
/// Phase 1 of the report: the engine does not hand out concern outcomes yet, so this source
/// gives alerts (the heat map), apply results and channels — everything the event counts need —
/// and no outcome: concern figures stay empty until `SLAEngine` gets its outcome drain
/// (``providesConcernOutcomes`` is false; the CLI says so on standard error).
public struct EngineReportSource: ReportEngine {
    /// Whether concern outcomes come from the engine.
    public static let providesConcernOutcomes = false

    /// The engine driven.
    public private(set) var engine: SLAEngine

    /// A source over a new engine with `policies` and the configuration's processing settings
    /// (as `replay` creates it).
    public init(policies: PolicySet, processing: LoopwatchConfig.Processing) {
        engine = SLAEngine(
            policies: policies,
            settings: .init(allowedLateness: processing.allowedLateness, stateTTL: processing.stateTTL))
    }

    public var policies: PolicySet { engine.policies }

    public mutating func apply(_ event: UnsafePointer<InteractionEvent>) -> SLAEngine.ApplyResult {
        engine.apply(event.pointee)
    }

    public mutating func advance(to watermark: Timestamp) { engine.advance(to: watermark) }

    public mutating func drainAlerts() -> [Alert] { engine.drainAlerts() }

    /// None yet (see the type's note).
    public mutating func drainConcernOutcomes() -> [ConcernOutcome] { [] }

    /// None yet (see the type's note).
    public func openConcernOutcomes() -> [ConcernOutcome] { [] }

    public func channel(of conversationID: String) -> String? { engine.state(of: conversationID)?.channel }
}
