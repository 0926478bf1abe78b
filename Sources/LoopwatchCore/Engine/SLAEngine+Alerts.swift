/// What an alert says: the alerts each policy plans for a concern, and how an emitted one is built
/// (SPEC §4). When they fire is in `SLAEngine+Deadlines.swift`.
extension SLAEngine {
    /// One planned alert of a concern: which, at what business time on its clock.
    struct PlannedAlert {
        var kind: Alert.Kind
        var level: Int
        var elapsed: TimeSpan
        var severity: String
        var bit: UInt16
    }

    /// The alerts each policy plans for a concern of each metric, in clock order.
    static func plans(for policies: PolicySet) -> [[PlannedAlert]] {
        var all: [[PlannedAlert]] = []
        for policy in policies.policies {
            for metric in [SLAMetric.firstResponse, .nextResponse] {
                guard let target = policy.target(for: metric) else {
                    all.append([])
                    continue
                }
                var out: [PlannedAlert] = []
                if let warn = policy.warnBefore, warn < target {
                    out.append(
                        PlannedAlert(
                            kind: .warning, level: 0, elapsed: target - warn, severity: "warning",
                            bit: ConversationState.Mark.warningBit))
                }
                out.append(
                    PlannedAlert(
                        kind: .breached, level: 0, elapsed: target, severity: policy.severity,
                        bit: ConversationState.Mark.breachedBit))
                for (i, e) in policy.escalations.prefix(ConversationState.Mark.maxEscalationLevels).enumerated() {
                    out.append(
                        PlannedAlert(
                            kind: .escalated, level: i + 1, elapsed: target + e.after, severity: e.severity,
                            bit: ConversationState.Mark.escalationBit(level: i + 1)))
                }
                // Clock order (configurations already list escalations by `after`; policies built
                // in code may not): `evaluate` stops at the first alert not yet due.
                let sorted = out.enumerated().sorted {
                    ($0.element.elapsed, $0.offset) < ($1.element.elapsed, $1.offset)
                }
                all.append(sorted.map(\.element))
            }
        }
        return all
    }

    /// Remembers that the alert `bit` of the concern cycle starting at `since` was emitted.
    func setMark(_ st: inout ConversationState, since: Int64, bit: UInt16) {
        if let i = st.marks.firstIndex(where: { $0.since == since }) {
            st.marks[i].mask |= bit
        } else {
            st.marks.append(.init(since: since, mask: bit))
        }
    }

    /// Whether an alert due at `due` is emitted late by the wall clock (`detected_late`).
    func isLate(_ due: Int64) -> Bool {
        guard let limit = settings.lateAfter, let now = wallClock else { return false }
        return now.millis &- (due &+ settings.allowedLateness.millis) > limit.millis
    }

    /// A warning, breach or escalation of concern `c`, due at `due`.
    ///
    /// Static, with the engine's parts passed in: as an instance method called from a mutating
    /// one (`evaluate`), the compiler copied the whole engine for each alert — a retain and a
    /// release of every stored reference (perf, 2026-12-07).
    static func makeAlert(
        _ item: PlannedAlert, concern c: Concern, due: Int64, deadline: Int64?, target: TimeSpan, policy: Policy,
        state st: ConversationState, id: String, late: Bool
    ) -> Alert {
        Alert(
            id: Alert.makeID(
                conversationID: id, concernSince: Timestamp(millis: c.since), metric: c.metric, kind: item.kind,
                level: item.level),
            kind: item.kind, conversationID: id, metric: c.metric, policyName: policy.name,
            policyVersion: policy.version, level: item.level, severity: item.severity, channel: st.channel,
            priority: st.priority, concernSince: Timestamp(millis: c.since), deadline: deadline.map(Timestamp.init),
            time: Timestamp(millis: due), targetSeconds: target.wholeSeconds, elapsedSeconds: item.elapsed.wholeSeconds,
            unansweredCount: ConcernTimeline.messageCount(of: c, through: due, history: st.history),
            lastCustomerText: st.lastCustomerText, detectedLate: late)
    }

    /// The `resolved` alert of concern `c`, answered at `end` (static: see ``makeAlert``).
    static func makeResolved(
        concern c: Concern, end: Int64, deadline: Int64?, target: TimeSpan, policy: Policy,
        state st: ConversationState, id: String, late: Bool
    ) -> Alert {
        let elapsed = ConcernTimeline.elapsed(of: c, at: end, history: st.history, calendar: policy.calendar)
        return Alert(
            id: Alert.makeID(
                conversationID: id, concernSince: Timestamp(millis: c.since), metric: c.metric, kind: .resolved,
                level: 0),
            kind: .resolved, conversationID: id, metric: c.metric, policyName: policy.name,
            policyVersion: policy.version, level: 0, severity: "info", channel: st.channel, priority: st.priority,
            concernSince: Timestamp(millis: c.since), deadline: deadline.map(Timestamp.init),
            time: Timestamp(millis: end), targetSeconds: target.wholeSeconds,
            elapsedSeconds: elapsed.wholeSeconds,
            unansweredCount: ConcernTimeline.messageCount(of: c, through: end, history: st.history),
            lastCustomerText: st.lastCustomerText, detectedLate: late, resolvedAt: Timestamp(millis: end),
            withinTarget: deadline.map { end < $0 } ?? true)
    }
}
