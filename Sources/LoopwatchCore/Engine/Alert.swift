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
        b.combine(Int64(bitPattern: a.value))
        b.combine(conversationID)
        // UUID layout (8-4-4-4-12), so consumers that expect one are happy.
        return String(unsafeUninitializedCapacity: 36) { out in
            let digits: StaticString = "0123456789abcdef"
            var i = 0
            func put(_ v: UInt64, _ count: Int, _ shift: inout Int) {
                for _ in 0..<count {
                    shift -= 4
                    out[i] = digits.utf8Start[Int((v >> UInt64(shift)) & 0xf)]
                    i += 1
                }
            }
            var sa = 64
            var sb = 64
            put(a.value, 8, &sa)
            out[i] = 0x2d
            i += 1
            put(a.value, 4, &sa)
            out[i] = 0x2d
            i += 1
            put(a.value, 4, &sa)
            out[i] = 0x2d
            i += 1
            put(b.value, 4, &sb)
            out[i] = 0x2d
            i += 1
            put(b.value, 12, &sb)
            return 36
        }
    }
}
