/// How one concern ended, or that it is still open at the end of a period (SPEC §9): the record
/// the engine hands out when a concern ends, and for every still-open concern at the end of a
/// report period. `loopwatch report` and the `loopwatch_concerns_total` metric count these.
///
/// A concern is one run of the SLA clock in a conversation (§2) — the unit an alert id calls a
/// concern cycle. It ends when an acknowledgement answers all its messages (an acknowledgement
/// that answers only part of it ends it too; the rest is a new `next_response` concern), or when
/// `closed` clears it.
public struct ConcernOutcome: Sendable, Equatable, Hashable {
    /// What became of the concern.
    public enum Kind: UInt8, Sendable, CaseIterable, Hashable {
        /// Answered by an acknowledgement whose `occurred_at` is before the deadline (as
        /// `resolved`'s `within_target`; a concern without a deadline that gets answered counts
        /// here too).
        case answeredWithinTarget
        /// Answered by an acknowledgement at or after the deadline.
        case answeredLate
        /// Cleared by a `closed` status before any acknowledgement answered it.
        case closedUnanswered
        /// Still unanswered at the end of the period.
        case open

        /// The wire / metric label (`answered_within_target`).
        public var name: String {
            switch self {
            case .answeredWithinTarget: "answered_within_target"
            case .answeredLate: "answered_late"
            case .closedUnanswered: "closed_unanswered"
            case .open: "open"
            }
        }

        /// Whether an acknowledgement answered the concern.
        public var isAnswered: Bool { self == .answeredWithinTarget || self == .answeredLate }
    }

    /// The conversation the concern belongs to.
    public var conversationID: String
    /// The conversation's channel, as the concern's alerts carry it (at its end, or at the end
    /// of the period).
    public var channel: String
    /// Name of the policy that measures the concern (that of its latest customer message).
    public var policyName: String
    /// Which target applies: `first_response` or `next_response`.
    public var metric: SLAMetric
    /// `occurred_at` of the oldest unanswered customer message: identifies the concern cycle.
    public var concernSince: Timestamp
    /// When the target is / was exceeded; nil when the policy sets no target for the metric or
    /// the clock was paused before reaching it.
    public var deadline: Timestamp?
    /// `occurred_at` of the acknowledgement that answered it, or of the `closed` status that
    /// cleared it; nil while open.
    public var endedAt: Timestamp?
    /// What became of it.
    public var outcome: Kind
    /// Customer messages of the concern (at its end, or at the end of the period).
    public var unansweredCount: Int

    /// Creates an outcome record.
    public init(
        conversationID: String, channel: String, policyName: String, metric: SLAMetric, concernSince: Timestamp,
        deadline: Timestamp?, endedAt: Timestamp?, outcome: Kind, unansweredCount: Int
    ) {
        self.conversationID = conversationID
        self.channel = channel
        self.policyName = policyName
        self.metric = metric
        self.concernSince = concernSince
        self.deadline = deadline
        self.endedAt = endedAt
        self.outcome = outcome
        self.unansweredCount = unansweredCount
    }

    /// `occurred_at` of the answering acknowledgement; nil unless answered.
    public var answeredAt: Timestamp? { outcome.isAnswered ? endedAt : nil }

    /// The response time (answering acknowledgement's `occurred_at` − `concern_since`); nil unless
    /// answered.
    public var responseTime: TimeSpan? { answeredAt.map { $0 - concernSince } }

    /// Whether the concern is open with its deadline passed by `instant` (SPEC §9 `open_overdue`:
    /// the breach is due at the deadline, so a deadline equal to `instant` has passed).
    public func isOverdue(at instant: Timestamp) -> Bool {
        guard outcome == .open, let deadline else { return false }
        return deadline <= instant
    }

    /// The outcome of a concern answered at `answeredAt` against its `deadline`: within target
    /// when the acknowledgement is before the deadline (or there is none), else late.
    public static func answered(at answeredAt: Timestamp, deadline: Timestamp?) -> Kind {
        guard let deadline else { return .answeredWithinTarget }
        return answeredAt < deadline ? .answeredWithinTarget : .answeredLate
    }
}
