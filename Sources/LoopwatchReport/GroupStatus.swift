import LoopwatchCore

/// The social status of one group of concerns — everything, one channel or one policy — over a
/// report period (SPEC §9).
public struct GroupStatus: Sendable, Equatable {
    /// Is the loop closed?
    public enum Status: String, Sendable, CaseIterable {
        /// `within_target_rate` ≥ 0.9.
        case closingTheLoop = "closing_the_loop"
        /// Answered at least half, but under 90 % within target.
        case partial
        /// `answered_rate` < 0.5.
        case oneWay = "one_way"
        /// No decided concern.
        case noData = "no_data"

        /// How a person reads it ("closing the loop").
        public var label: String {
            switch self {
            case .closingTheLoop: "closing the loop"
            case .partial: "partial"
            case .oneWay: "one-way"
            case .noData: "no data"
            }
        }
    }

    /// Broadcast events with `occurred_at` in the period.
    public var broadcasts = 0
    /// Customer responses with `occurred_at` in the period, ignored ones included.
    public var customerMessages = 0
    /// Concerns with `concern_since` in the period.
    public var concerns = 0
    public var answeredWithinTarget = 0
    public var answeredLate = 0
    public var closedUnanswered = 0
    /// Still open at the end of the period (overdue ones included).
    public var open = 0
    /// Open ones whose deadline has passed by the end of the period.
    public var openOverdue = 0
    /// Response times of answered `first_response` concerns; nil when none.
    public var firstResponse: ResponseTimeSummary?
    /// Response times of answered `next_response` concerns; nil when none.
    public var nextResponse: ResponseTimeSummary?

    /// An empty group.
    public init() {}

    /// Concerns whose outcome is known: `concerns` − `open` + `open_overdue`.
    public var decided: Int { concerns - open + openOverdue }

    /// Answered concerns (within target or late).
    public var answered: Int { answeredWithinTarget + answeredLate }

    /// (within + late) / decided; nil when decided is 0.
    public var answeredRate: Double? { decided == 0 ? nil : Double(answered) / Double(decided) }

    /// within / decided; nil when decided is 0.
    public var withinTargetRate: Double? { decided == 0 ? nil : Double(answeredWithinTarget) / Double(decided) }

    /// The status rule, decided in integers so the thresholds 0.9 and 0.5 are exact.
    public var status: Status {
        let d = decided
        if d <= 0 { return .noData }
        if answeredWithinTarget * 10 >= d * 9 { return .closingTheLoop }
        if answered * 2 < d { return .oneWay }
        return .partial
    }

    /// The summary of `metric`.
    public func responseTimes(_ metric: SLAMetric) -> ResponseTimeSummary? {
        metric == .firstResponse ? firstResponse : nextResponse
    }
}
