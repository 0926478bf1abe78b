/// Which SLA a concern is measured against (SPEC §2).
public enum SLAMetric: UInt8, Sendable, CaseIterable {
    /// The brand has never acknowledged in this conversation.
    case firstResponse
    /// The brand has acknowledged before.
    case nextResponse

    /// The wire name (`"first_response"`).
    public var name: String { self == .firstResponse ? "first_response" : "next_response" }
}

/// One escalation level: fires `after` (business time) past the deadline.
public struct Escalation: Sendable, Equatable {
    /// Business time past the deadline.
    public var after: TimeSpan
    /// Severity carried by the alert.
    public var severity: String
    public init(after: TimeSpan, severity: String) {
        self.after = after
        self.severity = severity
    }
}

/// Which conversations a policy applies to. Every given criterion must hold; a criterion lists
/// alternatives (any may match). An empty match fits everything.
public struct PolicyMatch: Sendable, Equatable {
    /// Allowed channels; nil = any.
    public var channels: [String]?
    /// Allowed priorities; nil = any.
    public var priorities: [InteractionEvent.Priority]?
    /// The conversation must carry at least one of these tags; nil = any.
    public var tags: [String]?
    /// For each key, the attribute must be present with one of the listed values.
    public var attributes: [(key: String, values: [String])]

    public init(
        channels: [String]? = nil, priorities: [InteractionEvent.Priority]? = nil,
        tags: [String]? = nil, attributes: [(key: String, values: [String])] = []
    ) {
        self.channels = channels
        self.priorities = priorities
        self.tags = tags
        self.attributes = attributes
    }

    /// Whether a conversation with these properties fits.
    public func matches(
        channel: String, priority: InteractionEvent.Priority, tags: [String],
        attributes: [InteractionEvent.Attribute]
    ) -> Bool {
        if let channels, !channels.contains(channel) { return false }
        if let priorities, !priorities.contains(priority) { return false }
        if let wanted = self.tags, !wanted.contains(where: { tags.contains($0) }) { return false }
        for (key, values) in self.attributes {
            guard let value = attributes.first(where: { $0.key == key })?.value, values.contains(value) else {
                return false
            }
        }
        return true
    }

    public static func == (lhs: PolicyMatch, rhs: PolicyMatch) -> Bool {
        lhs.channels == rhs.channels && lhs.priorities == rhs.priorities && lhs.tags == rhs.tags
            && lhs.attributes.map(\.key) == rhs.attributes.map(\.key)
            && lhs.attributes.map(\.values) == rhs.attributes.map(\.values)
    }
}

/// One SLA policy as loaded from the configuration (SPEC §3, §7).
public struct Policy: Sendable {
    /// Unique name, carried by alerts.
    public var name: String
    /// Which conversations it applies to.
    public var match: PolicyMatch
    /// Business calendar; nil means 24×7.
    public var calendar: BusinessCalendar?
    /// Target for `first_response`; nil means not measured.
    public var firstResponse: TimeSpan?
    /// Target for `next_response`; nil means not measured.
    public var nextResponse: TimeSpan?
    /// Lead time (business time) before the deadline for a `warning`; nil means no warning.
    public var warnBefore: TimeSpan?
    /// Severity of the `breached` alert (level 0).
    public var severity: String
    /// Escalation levels 1…n, in order of `after`.
    public var escalations: [Escalation]
    /// Whether automated brand replies acknowledge.
    public var countAutomatedReplies: Bool
    /// Customer responses that open no concern.
    public var ignore: IgnoreRules
    /// Stable hash of the policy as loaded (`data.policy_version`).
    public var version: String

    public init(
        name: String, match: PolicyMatch = PolicyMatch(), calendar: BusinessCalendar? = nil,
        firstResponse: TimeSpan? = nil, nextResponse: TimeSpan? = nil, warnBefore: TimeSpan? = nil,
        severity: String = "high", escalations: [Escalation] = [], countAutomatedReplies: Bool = false,
        ignore: IgnoreRules = IgnoreRules(), version: String = ""
    ) {
        self.name = name
        self.match = match
        self.calendar = calendar
        self.firstResponse = firstResponse
        self.nextResponse = nextResponse
        self.warnBefore = warnBefore
        self.severity = severity
        self.escalations = escalations
        self.countAutomatedReplies = countAutomatedReplies
        self.ignore = ignore
        self.version = version
    }

    /// The target for a metric, if the policy measures it.
    @inlinable public func target(for metric: SLAMetric) -> TimeSpan? {
        metric == .firstResponse ? firstResponse : nextResponse
    }

    /// `start` moved forward by `span` of this policy's business time (24×7 without a calendar).
    @inlinable public func add(_ span: TimeSpan, to start: Timestamp) -> Timestamp {
        BusinessCalendar.add(span, to: start, in: calendar)
    }

    /// Business time between two instants under this policy (zero when `to <= from`).
    @inlinable public func businessTime(from: Timestamp, to: Timestamp) -> TimeSpan {
        BusinessCalendar.businessTime(from: from, to: to, in: calendar)
    }
}
