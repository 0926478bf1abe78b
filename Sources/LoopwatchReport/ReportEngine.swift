import LoopwatchCore

/// What ``ReportDriver`` needs of an SLA engine: the `replay` loop (apply, advance, drain alerts)
/// plus the outcome of every concern — those that ended, and those still open at the end of the
/// period. ``SLAEngine`` is the engine `loopwatch report` runs, so the report and the alerts of
/// `replay` can never disagree.
public protocol ReportEngine: Sendable {
    /// The policies the engine measures concerns by (their order is the report's).
    var policies: PolicySet { get }
    /// Applies one event (and fires what became due for its conversation).
    mutating func apply(_ event: borrowing InteractionEvent) -> SLAEngine.ApplyResult
    /// Warms the engine's caches for applying the events of `batch` next (default: nothing).
    mutating func warm(for batch: EventBatch)
    /// Applies event `k` of `batch`, as ``apply(_:)`` would (default: through it, on a copy).
    mutating func apply(_ k: Int, of batch: EventBatch) -> SLAEngine.ApplyResult
    /// Moves the watermark forward and fires every deadline at or before it.
    mutating func advance(to watermark: Timestamp)
    /// Alerts emitted since the last call, in emission order.
    mutating func drainAlerts() -> [Alert]
    /// Outcomes of the concerns that ended since the last call — each once, when its end is at
    /// or before the watermark.
    mutating func drainConcernOutcomes() -> [ConcernOutcome]
    /// The concerns not handed out yet, as they stand at the watermark: ended ones not drained,
    /// and the open ones as `open` outcomes. Drained plus these is every concern once.
    func remainingConcernOutcomes() -> [ConcernOutcome]
    /// The channel the engine keeps for a conversation (the latest event that named one); nil
    /// when the conversation is not held. Right after applying an event that names a channel,
    /// that channel (or nil): the driver asks only about events that name none.
    func channel(of conversationID: String) -> String?

    /// Whether alerts or concern outcomes wait to be drained (the driver skips empty drains).
    var hasPendingOutput: Bool { get }
}

extension ReportEngine {
    /// Nothing to warm.
    public mutating func warm(for batch: EventBatch) {}

    /// Applies a copy of the event through ``apply(_:)``.
    public mutating func apply(_ k: Int, of batch: EventBatch) -> SLAEngine.ApplyResult {
        var result = SLAEngine.ApplyResult.applied
        batch.withEvent(k) { result = apply($0.pointee) }
        return result
    }

    /// Whether alerts or concern outcomes wait to be drained; engines that cannot tell say yes.
    public var hasPendingOutput: Bool { true }
}
