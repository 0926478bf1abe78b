import LoopwatchCore

/// Builds the social status of a period (SPEC §9) from what a run of the SLA engine saw: good
/// events (for the `broadcasts` / `customer_messages` counts and the default period), concern
/// outcomes, `breached` alerts (the heat map) and bad lines. ``status()`` gives the result.
///
/// It keeps counters per group (overall, channel, policy) and per local day, 168 heat-map cells,
/// the response times of answered concerns (for exact percentiles) and the open concerns — so
/// its memory follows the open conversations and the answered concerns, not the input size.
///
/// The caller de-duplicates events (``recordEvent(occurredAt:kind:channel:policy:duplicate:)``
/// counts an event unless told it is a duplicate), hands every ended concern's outcome once, and
/// the still-open concerns once at the end of the period.
public struct SocialStatusReport: Sendable {
    /// What to report on.
    public struct Options: Sendable, Equatable {
        /// The period's first instant; nil: the earliest `occurred_at` read.
        public var since: Timestamp?
        /// The period's last instant; nil: the latest `occurred_at` read. Events after it are
        /// not read.
        public var until: Timestamp?
        /// Zone of the heat map and the daily trend.
        public var timeZone: ReportTimeZone
        /// Policy names in configuration order (the order of `policies` in the output).
        public var policyNames: [String]
        /// How many open concerns `longest_open` lists.
        public var longestOpenLimit: Int

        /// Options for a period; throws ``ReportError/Code/periodReversed`` when `since` is after
        /// `until`.
        public init(
            since: Timestamp? = nil, until: Timestamp? = nil, timeZone: ReportTimeZone = .utc,
            policyNames: [String] = [], longestOpenLimit: Int = 20
        ) throws {
            if let since, let until, since > until {
                throw ReportError(.periodReversed, "--since \(since) is after --until \(until)")
            }
            self.since = since
            self.until = until
            self.timeZone = timeZone
            self.policyNames = policyNames
            self.longestOpenLimit = longestOpenLimit
        }
    }

    /// The options the report was built with.
    public let options: Options
    var overall = GroupTally()
    var channels: [String: GroupTally] = [:]
    var policies: [String: GroupTally] = [:]
    var days: [Int64: DayTally] = [:]
    /// Open concerns of the period (bounded by the open conversations).
    var openOutcomes: [ConcernOutcome] = []
    var breaches = [Int](repeating: 0, count: 7 * 24)
    var badEvents = 0
    var earliest: Timestamp?
    var latest: Timestamp?

    /// An empty report.
    public init(options: Options) { self.options = options }

    /// Whether `t` lies in the period as far as it is known while reading: the given bounds (the
    /// default ones, earliest and latest `occurred_at`, contain every instant reported).
    @inline(__always) func inPeriod(_ t: Timestamp) -> Bool {
        if let since = options.since, t < since { return false }
        if let until = options.until, t > until { return false }
        return true
    }

    // MARK: Input

    /// Records one good event read (`occurred_at` at or before `until`): it extends the default
    /// period; unless `duplicate`, a broadcast or customer response in the period is counted in
    /// the overall group, its channel's and its policy's (nil: no policy matches it).
    public mutating func recordEvent(
        occurredAt: Timestamp, kind: InteractionEvent.Kind, channel: String, policy: String?, duplicate: Bool = false
    ) {
        if let until = options.until, occurredAt > until { return }
        if earliest.map({ occurredAt < $0 }) ?? true { earliest = occurredAt }
        if latest.map({ occurredAt > $0 }) ?? true { latest = occurredAt }
        guard !duplicate, kind == .broadcast || kind == .response, inPeriod(occurredAt) else { return }
        overall.count(event: kind)
        channels[channel, default: GroupTally()].count(event: kind)
        if let policy { policies[policy, default: GroupTally()].count(event: kind) }
    }

    /// Records a concern's outcome: an ended one when it ends, an open one at the end of the
    /// period. Counted when its `concern_since` is in the period.
    public mutating func record(_ outcome: ConcernOutcome) {
        guard inPeriod(outcome.concernSince) else { return }
        if outcome.outcome == .open {
            openOutcomes.append(outcome)
            return
        }
        Self.count(outcome, overdue: false, overall: &overall, channels: &channels, policies: &policies)
        let day = options.timeZone.localDay(outcome.concernSince)
        days[day, default: DayTally()].count(outcome, overdue: false)
    }

    /// Records an alert: a `breached` one with `time` in the period goes into the heat map.
    public mutating func record(alert: Alert) {
        guard alert.kind == .breached, inPeriod(alert.time) else { return }
        let (weekday, hour) = options.timeZone.hourOfWeek(alert.time)
        breaches[weekday * 24 + hour] += 1
    }

    /// Records a line that is not a good event.
    public mutating func recordBadEvent() { badEvents += 1 }

    // MARK: Result

    /// The period as reported: the given bounds, else the earliest and latest `occurred_at`.
    public var period: (since: Timestamp?, until: Timestamp?) { (options.since ?? earliest, options.until ?? latest) }

    /// The social status of everything recorded so far.
    public func status() -> SocialStatus {
        let (since, until) = period
        var overall = overall
        var channels = channels
        var policies = policies
        var days = days
        for o in openOutcomes {
            let overdue = until.map { o.isOverdue(at: $0) } ?? false
            Self.count(o, overdue: overdue, overall: &overall, channels: &channels, policies: &policies)
            days[options.timeZone.localDay(o.concernSince), default: DayTally()].count(o, overdue: overdue)
        }
        let channelNames = channels.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var policyNames = options.policyNames.filter { policies[$0] != nil }
        policyNames += policies.keys.filter { !options.policyNames.contains($0) }
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        let longest = openOutcomes.sorted(by: Self.olderFirst).prefix(max(0, options.longestOpenLimit))
        return SocialStatus(
            since: since, until: until, timeZone: options.timeZone, badEvents: badEvents,
            overall: overall.status(),
            channels: channelNames.map { .init(name: $0, group: channels[$0]!.status()) },
            policies: policyNames.map { .init(name: $0, group: policies[$0]!.status()) },
            breachesByHourOfWeek: (0..<7).map { Array(breaches[$0 * 24..<($0 + 1) * 24]) },
            longestOpen: Array(longest),
            daily: days.keys.sorted().map {
                let d = days[$0]!
                return .init(day: $0, decided: d.decided, answered: d.answered, withinTarget: d.withinTarget)
            },
            firstResponseHistogram: ResponseTimeHistogram(millis: overall.firstResponseMillis),
            nextResponseHistogram: ResponseTimeHistogram(millis: overall.nextResponseMillis))
    }

    /// `longest_open` order: oldest `concern_since` first, ties by conversation id (UTF-8 order).
    static func olderFirst(_ a: ConcernOutcome, _ b: ConcernOutcome) -> Bool {
        if a.concernSince != b.concernSince { return a.concernSince < b.concernSince }
        if a.conversationID != b.conversationID {
            return a.conversationID.utf8.lexicographicallyPrecedes(b.conversationID.utf8)
        }
        return a.metric.rawValue < b.metric.rawValue
    }

    static func count(
        _ o: ConcernOutcome, overdue: Bool, overall: inout GroupTally, channels: inout [String: GroupTally],
        policies: inout [String: GroupTally]
    ) {
        overall.count(o, overdue: overdue)
        channels[o.channel, default: GroupTally()].count(o, overdue: overdue)
        policies[o.policyName, default: GroupTally()].count(o, overdue: overdue)
    }
}

extension DayTally {
    /// Adds a concern that started this day if it is decided.
    mutating func count(_ o: ConcernOutcome, overdue: Bool) {
        guard o.outcome != .open || overdue else { return }
        decided += 1
        if o.outcome.isAnswered { answered += 1 }
        if o.outcome == .answeredWithinTarget { withinTarget += 1 }
    }
}
