/// What the engine's hot path reads of each policy, in flat arrays.
struct PolicyTable: Sendable {
    /// Target in ms per `policy * 2 + metric`; -1 when the policy does not measure the metric.
    var targets: [Int64]
    var calendars: [BusinessCalendar?]
    var countsAutomated: [Bool]
    /// Ignore rules of policies that have any (nil otherwise, so most responses skip them).
    var ignores: [IgnoreRules?]
    /// Planned alerts, flat: those of `policy * 2 + metric` are
    /// `planItems[planStart[i]..<planStart[i + 1]]` (one array, so reading a plan retains nothing).
    var planItems: [SLAEngine.PlannedAlert]
    var planStart: [Int]

    init(_ set: PolicySet) {
        let plans = SLAEngine.plans(for: set)
        planItems = plans.flatMap { $0 }
        planStart = [0]
        for plan in plans { planStart.append(planStart[planStart.count - 1] + plan.count) }
        ignores = set.policies.map { $0.ignore.textMatches.isEmpty ? nil : $0.ignore }
        targets = set.policies.flatMap { [$0.firstResponse?.millis ?? -1, $0.nextResponse?.millis ?? -1] }
        calendars = set.policies.map(\.calendar)
        countsAutomated = set.policies.map(\.countAutomatedReplies)
    }

    /// Whether policy `p` counts automated acknowledgements (`count_automated_replies`).
    @inline(__always) func countsAutomatedReplies(policy p: Int) -> Bool {
        p < countsAutomated.count && countsAutomated[p]
    }

    /// The target of `metric` under policy `p`; nil when the policy does not measure it.
    @inline(__always) func target(policy p: Int, metric: SLAMetric) -> TimeSpan? {
        let i = p &* 2 &+ Int(metric.rawValue)
        guard p < calendars.count, targets[i] >= 0 else { return nil }
        return TimeSpan(millis: targets[i])
    }
}
