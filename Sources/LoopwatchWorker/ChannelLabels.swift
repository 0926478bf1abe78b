import LoopwatchCore

/// The bounded `channel` label of the social-status metrics (SPEC §9): the channels the
/// policies name, plus the first 32 others seen, then `other` — so a producer that invents a
/// channel per message cannot blow up the number of series.
struct ChannelLabels: Sendable {
    /// Channels beyond the named ones that get a label of their own.
    static let maxOthers = 32

    private var named: Set<String>
    private var others: Set<String> = []

    init(policies: PolicySet) {
        named = Set(policies.policies.flatMap { $0.match.channels ?? [] })
    }

    /// The label for `channel`.
    mutating func label(_ channel: String) -> String {
        if named.contains(channel) || others.contains(channel) { return channel }
        guard others.count < Self.maxOthers else { return "other" }
        others.insert(channel)
        return channel
    }

    /// New policies may name new channels; channels already labelled keep their label.
    mutating func reload(_ policies: PolicySet) {
        named.formUnion(policies.policies.flatMap { $0.match.channels ?? [] })
    }
}
