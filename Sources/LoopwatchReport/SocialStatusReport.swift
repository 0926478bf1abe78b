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
    /// Channels and policies seen, numbered; a group's tally is nil until something counts in it
    /// (only groups with an event or a concern of the period are reported).
    var channelNames = NameIndex()
    var policyNames = NameIndex()
    var channels: [GroupTally?] = []
    var policies: [GroupTally?] = []
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
        extendPeriod(to: occurredAt)
        guard !duplicate, kind == .broadcast || kind == .response, inPeriod(occurredAt) else { return }
        let c = channelNumber(channel)
        let p = policy.map { policyNumber($0) }
        count(event: kind, channel: c, policy: p)
    }

    /// Extends the default period to `t`, an event's `occurred_at` (at or before `until`).
    @inline(__always) mutating func extendPeriod(to t: Timestamp) {
        if earliest.map({ t < $0 }) ?? true { earliest = t }
        if latest.map({ t > $0 }) ?? true { latest = t }
    }

    /// The number of a channel (``channelNames``), numbering it if new.
    mutating func channelNumber(_ name: String) -> Int {
        let n = channelNames.number(of: name)
        if n == channels.count { channels.append(nil) }
        return n
    }

    /// The number of a policy (``policyNames``), numbering it if new.
    mutating func policyNumber(_ name: String) -> Int {
        let n = policyNames.number(of: name)
        if n == policies.count { policies.append(nil) }
        return n
    }

    /// Counts a broadcast or customer response of the period, not a duplicate, in the overall
    /// group, channel number `channel`'s and policy number `policy`'s (nil: no policy).
    @inline(__always) mutating func count(event kind: InteractionEvent.Kind, channel: Int, policy: Int?) {
        overall.count(event: kind)
        if channels[channel] == nil { channels[channel] = GroupTally() }
        channels[channel]!.count(event: kind)
        guard let policy else { return }
        if policies[policy] == nil { policies[policy] = GroupTally() }
        policies[policy]!.count(event: kind)
    }

    /// Records a concern's outcome: an ended one when it ends, an open one at the end of the
    /// period. Counted when its `concern_since` is in the period.
    public mutating func record(_ outcome: ConcernOutcome) {
        guard inPeriod(outcome.concernSince) else { return }
        if outcome.outcome == .open {
            openOutcomes.append(outcome)
            return
        }
        count(outcome, overdue: false)
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
        var r = self
        for o in openOutcomes { r.count(o, overdue: until.map { o.isOverdue(at: $0) } ?? false) }
        func present(_ names: NameIndex, _ tallies: [GroupTally?]) -> [String] {
            names.names.indices.filter { tallies[$0] != nil }.map { names.names[$0] }
        }
        let channelNames = present(r.channelNames, r.channels).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var policyNames = options.policyNames.filter {
            r.policyNames.existingNumber(of: $0).map { r.policies[$0] != nil } ?? false
        }
        policyNames += present(r.policyNames, r.policies).filter { !options.policyNames.contains($0) }
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        func group(_ names: NameIndex, _ tallies: [GroupTally?], _ name: String) -> GroupStatus {
            tallies[names.existingNumber(of: name)!]!.status()
        }
        return SocialStatus(
            since: since, until: until, timeZone: options.timeZone, badEvents: badEvents,
            overall: r.overall.status(),
            channels: channelNames.map { .init(name: $0, group: group(r.channelNames, r.channels, $0)) },
            policies: policyNames.map { .init(name: $0, group: group(r.policyNames, r.policies, $0)) },
            breachesByHourOfWeek: (0..<7).map { Array(breaches[$0 * 24..<($0 + 1) * 24]) },
            longestOpen: Self.oldest(openOutcomes, limit: max(0, options.longestOpenLimit)),
            daily: r.days.keys.sorted().map {
                let d = r.days[$0]!
                return .init(day: $0, decided: d.decided, answered: d.answered, withinTarget: d.withinTarget)
            },
            firstResponseHistogram: ResponseTimeHistogram(millis: r.overall.firstResponseMillis),
            nextResponseHistogram: ResponseTimeHistogram(millis: r.overall.nextResponseMillis))
    }

    /// `longest_open` order: oldest `concern_since` first, ties by conversation id (UTF-8 order).
    static func olderFirst(_ a: ConcernOutcome, _ b: ConcernOutcome) -> Bool {
        if a.concernSince != b.concernSince { return a.concernSince < b.concernSince }
        if a.conversationID != b.conversationID {
            return a.conversationID.utf8.lexicographicallyPrecedes(b.conversationID.utf8)
        }
        return a.metric.rawValue < b.metric.rawValue
    }

    /// The first `limit` of `outcomes` in a stable sort by ``olderFirst(_:_:)`` — without sorting
    /// them all: one pass keeps the best `limit` so far (a later one displaces a kept one only
    /// when strictly older, so ties keep their input order, as a stable sort does).
    static func oldest(_ outcomes: [ConcernOutcome], limit: Int) -> [ConcernOutcome] {
        guard limit > 0 else { return [] }
        var kept: [Int] = []
        kept.reserveCapacity(limit + 1)
        for i in outcomes.indices {
            if kept.count == limit, !olderFirst(outcomes[i], outcomes[kept[limit - 1]]) { continue }
            // After every kept one that it is not older than (the upper bound): ties stay in order.
            var lo = 0
            var hi = kept.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if olderFirst(outcomes[i], outcomes[kept[mid]]) { hi = mid } else { lo = mid + 1 }
            }
            kept.insert(i, at: lo)
            if kept.count > limit { kept.removeLast() }
        }
        return kept.map { outcomes[$0] }
    }

    /// Counts a concern of the period in its groups and its local day.
    mutating func count(_ o: ConcernOutcome, overdue: Bool) {
        overall.count(o, overdue: overdue)
        let c = channelNumber(o.channel)
        if channels[c] == nil { channels[c] = GroupTally() }
        channels[c]!.count(o, overdue: overdue)
        let p = policyNumber(o.policyName)
        if policies[p] == nil { policies[p] = GroupTally() }
        policies[p]!.count(o, overdue: overdue)
        days[options.timeZone.localDay(o.concernSince), default: DayTally()].count(o, overdue: overdue)
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
