/// An SLA alert (SPEC §4): what the engine decided, before it is rendered as a CloudEvent.
public struct Alert: Sendable, Equatable {
    /// The alert type.
    public enum Kind: UInt8, Sendable, CaseIterable {
        case warning, breached, escalated, resolved

        /// The CloudEvents `type` (`loopwatch.sla.breached`).
        public var eventType: String {
            switch self {
            case .warning: "loopwatch.sla.warning"
            case .breached: "loopwatch.sla.breached"
            case .escalated: "loopwatch.sla.escalated"
            case .resolved: "loopwatch.sla.resolved"
            }
        }

        /// The short name (`breached`), used in metrics and summaries.
        public var name: String {
            switch self {
            case .warning: "warning"
            case .breached: "breached"
            case .escalated: "escalated"
            case .resolved: "resolved"
            }
        }
    }

    /// Deterministic id: same conversation, concern cycle, metric, type and level → same id.
    public var id: String
    public var kind: Kind
    public var conversationID: String
    public var metric: SLAMetric
    public var policyName: String
    public var policyVersion: String
    /// 0 for warning / breached / resolved; 1… for escalations.
    public var level: Int
    public var severity: String
    public var channel: String
    public var priority: InteractionEvent.Priority
    /// `occurred_at` of the oldest unanswered customer message (identifies the concern cycle).
    public var concernSince: Timestamp
    /// When the target is / was exceeded; nil while the clock is paused.
    public var deadline: Timestamp?
    /// When the alert condition was reached (the due instant; `resolved_at` for resolved).
    public var time: Timestamp
    public var targetSeconds: Int64
    /// Business seconds on the SLA clock at `time`.
    public var elapsedSeconds: Int64
    public var unansweredCount: Int
    public var lastCustomerText: String?
    /// True when emitted after its due time because the worker was down, lagging or restoring.
    public var detectedLate: Bool
    /// For `resolved`: the acknowledgement's `occurred_at`.
    public var resolvedAt: Timestamp?
    /// For `resolved`: whether the acknowledgement came before the deadline.
    public var withinTarget: Bool?

    public init(
        id: String, kind: Kind, conversationID: String, metric: SLAMetric, policyName: String,
        policyVersion: String, level: Int, severity: String, channel: String,
        priority: InteractionEvent.Priority, concernSince: Timestamp, deadline: Timestamp?, time: Timestamp,
        targetSeconds: Int64, elapsedSeconds: Int64, unansweredCount: Int, lastCustomerText: String?,
        detectedLate: Bool, resolvedAt: Timestamp? = nil, withinTarget: Bool? = nil
    ) {
        self.id = id
        self.kind = kind
        self.conversationID = conversationID
        self.metric = metric
        self.policyName = policyName
        self.policyVersion = policyVersion
        self.level = level
        self.severity = severity
        self.channel = channel
        self.priority = priority
        self.concernSince = concernSince
        self.deadline = deadline
        self.time = time
        self.targetSeconds = targetSeconds
        self.elapsedSeconds = elapsedSeconds
        self.unansweredCount = unansweredCount
        self.lastCustomerText = lastCustomerText
        self.detectedLate = detectedLate
        self.resolvedAt = resolvedAt
        self.withinTarget = withinTarget
    }

    /// The deterministic alert id for a concern cycle (SPEC §4).
    public static func makeID(
        conversationID: String, concernSince: Timestamp, metric: SLAMetric, kind: Kind, level: Int
    ) -> String {
        var a = StableHash()
        a.combine(conversationID)
        a.combine(concernSince.millis)
        a.combine(Int64(metric.rawValue))
        a.combine(Int64(kind.rawValue))
        a.combine(Int64(level))
        var b = StableHash(seed: 0x6c6f_6f70_7761_7463)  // "loopwatc"
        b.combine(bytes: withUnsafeBytes(of: a.value.littleEndian) { Array($0) })
        b.combine(conversationID)
        let hi = StableHash.hex(a.value), lo = StableHash.hex(b.value)
        // UUID layout, so consumers that expect one are happy: 8-4-4-4-12.
        let s = Array((hi + lo).utf8)
        return String(decoding: s[0..<8], as: UTF8.self) + "-" + String(decoding: s[8..<12], as: UTF8.self) + "-"
            + String(decoding: s[12..<16], as: UTF8.self) + "-" + String(decoding: s[16..<20], as: UTF8.self) + "-"
            + String(decoding: s[20..<32], as: UTF8.self)
    }
}
