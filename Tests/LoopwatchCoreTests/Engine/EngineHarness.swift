@testable import LoopwatchCore

/// A small driver for scenario tests: minutes from a fixed Monday 09:00 UTC, an event-time
/// clock like `replay`'s, and readable alert summaries.
struct EngineHarness {
    static let base = Timestamp(millis: 1_793_610_000_000)  // 2026-11-02T09:00:00Z, a Monday

    var engine: SLAEngine
    var alerts: [Alert] = []
    var lateness: TimeSpan
    var maxSeen = Timestamp.distantPast
    var counter = 0

    init(policies: [Policy], lateness: TimeSpan = .zero, ttl: TimeSpan = .days(30)) {
        self.lateness = lateness
        engine = SLAEngine(policies: PolicySet(policies), settings: .init(allowedLateness: lateness, stateTTL: ttl))
    }

    static func t(_ minutes: Double) -> Timestamp { Timestamp(millis: base.millis + Int64(minutes * 60_000)) }

    /// Applies an event on the event-time clock (fires what is due before it, like replay).
    @discardableResult
    mutating func send(_ event: InteractionEvent) -> SLAEngine.ApplyResult {
        if event.occurredAt > maxSeen { maxSeen = event.occurredAt }
        engine.advance(to: maxSeen - lateness)
        let r = engine.apply(event)
        alerts += engine.drainAlerts()
        return r
    }

    @discardableResult
    mutating func customer(
        _ minute: Double, conv: String = "c1", id: String? = nil, text: String? = nil, channel: String = "twitter",
        priority: InteractionEvent.Priority = .normal, attributes: [InteractionEvent.Attribute] = []
    ) -> SLAEngine.ApplyResult {
        send(
            event(
                .response, minute, conv: conv, id: id, text: text, channel: channel, priority: priority,
                attributes: attributes))
    }

    @discardableResult
    mutating func ack(_ minute: Double, conv: String = "c1", id: String? = nil, automated: Bool = false)
        -> SLAEngine.ApplyResult
    {
        send(event(.acknowledgement, minute, conv: conv, id: id, automated: automated))
    }

    @discardableResult
    mutating func status(_ s: InteractionEvent.AgentStatus, _ minute: Double, conv: String = "c1")
        -> SLAEngine.ApplyResult
    {
        var e = event(.status, minute, conv: conv)
        e.status = s
        return send(e)
    }

    mutating func event(
        _ kind: InteractionEvent.Kind, _ minute: Double, conv: String = "c1", id: String? = nil, text: String? = nil,
        channel: String = "twitter", priority: InteractionEvent.Priority = .normal,
        attributes: [InteractionEvent.Attribute] = [], automated: Bool = false
    ) -> InteractionEvent {
        counter += 1
        return InteractionEvent(
            id: id ?? "\(conv)-\(kind.name)-\(counter)", conversationID: conv, kind: kind, occurredAt: Self.t(minute),
            channel: channel, automated: automated, priority: priority, attributes: attributes, text: text)
    }

    /// Advances the clock to `minute` (like the end of a replay with `--until`).
    mutating func advance(to minute: Double) {
        engine.advance(to: Self.t(minute))
        alerts += engine.drainAlerts()
    }

    /// `"breached c1 first_response @15"`-style lines, in emission order.
    var summary: [String] {
        alerts.map { a in
            var s = "\(a.kind.name)"
            if a.kind == .escalated { s += "\(a.level)" }
            s += " \(a.conversationID) \(a.metric.name) @\(Self.minutes(a.time))"
            if a.kind == .resolved { s += a.withinTarget == true ? " within" : " late" }
            return s
        }
    }

    static func minutes(_ t: Timestamp) -> String {
        let m = Double(t.millis - base.millis) / 60_000
        return m == m.rounded() ? String(Int(m)) : String(m)
    }
}
