import LoopwatchCore

/// The social status of recorded events over a period (SPEC §9): what `loopwatch report` prints,
/// as JSON (``json()``) or as one self-contained HTML page (``html()``).
public struct SocialStatus: Sendable, Equatable {
    /// A channel's or a policy's figures.
    public struct NamedGroup: Sendable, Equatable {
        public var name: String
        public var group: GroupStatus
        public init(name: String, group: GroupStatus) {
            self.name = name
            self.group = group
        }
    }

    /// One local day of the daily trend: the concerns that started that day (by `concern_since`
    /// in the report's time zone) and how they were decided.
    public struct Day: Sendable, Equatable {
        /// Days since 1970-01-01, local.
        public var day: Int64
        public var decided: Int
        public var answered: Int
        public var withinTarget: Int
        public init(day: Int64, decided: Int, answered: Int, withinTarget: Int) {
            self.day = day
            self.decided = decided
            self.answered = answered
            self.withinTarget = withinTarget
        }

        /// `YYYY-MM-DD`.
        public var date: String { ReportTimeZone.dateString(day: day) }
        /// answered / decided; nil when decided is 0.
        public var answeredRate: Double? { decided == 0 ? nil : Double(answered) / Double(decided) }
        /// within target / decided; nil when decided is 0.
        public var withinTargetRate: Double? { decided == 0 ? nil : Double(withinTarget) / Double(decided) }
    }

    /// First instant of the period (`--since`, default the earliest `occurred_at`); nil without
    /// any event.
    public var since: Timestamp?
    /// Last instant of the period (`--until`, default the latest `occurred_at`).
    public var until: Timestamp?
    /// The IANA time zone of the heat map and the daily trend.
    public var timeZone: ReportTimeZone
    /// Lines that were not good events.
    public var badEvents: Int
    /// Every concern and event of the period.
    public var overall: GroupStatus
    /// Per channel, by name (UTF-8 byte order).
    public var channels: [NamedGroup]
    /// Per policy, in configuration order.
    public var policies: [NamedGroup]
    /// `breached` alerts with `time` in the period: 7 rows (Monday first) of 24 hourly counts.
    public var breachesByHourOfWeek: [[Int]]
    /// Up to 20 of the period's open concerns, oldest `concern_since` first (ties by
    /// conversation id).
    public var longestOpen: [ConcernOutcome]
    /// The daily trend, days in order (only days with a concern).
    public var daily: [Day]
    /// Response-time histograms of all answered concerns, per metric.
    public var firstResponseHistogram: ResponseTimeHistogram
    public var nextResponseHistogram: ResponseTimeHistogram

    /// A status with these parts.
    public init(
        since: Timestamp?, until: Timestamp?, timeZone: ReportTimeZone, badEvents: Int, overall: GroupStatus,
        channels: [NamedGroup], policies: [NamedGroup], breachesByHourOfWeek: [[Int]], longestOpen: [ConcernOutcome],
        daily: [Day], firstResponseHistogram: ResponseTimeHistogram, nextResponseHistogram: ResponseTimeHistogram
    ) {
        self.since = since
        self.until = until
        self.timeZone = timeZone
        self.badEvents = badEvents
        self.overall = overall
        self.channels = channels
        self.policies = policies
        self.breachesByHourOfWeek = breachesByHourOfWeek
        self.longestOpen = longestOpen
        self.daily = daily
        self.firstResponseHistogram = firstResponseHistogram
        self.nextResponseHistogram = nextResponseHistogram
    }

    /// The histogram of `metric`.
    public func histogram(_ metric: SLAMetric) -> ResponseTimeHistogram {
        metric == .firstResponse ? firstResponseHistogram : nextResponseHistogram
    }
}
