/// The ordered policies of a configuration; the first whose `match` fits applies.
public struct PolicySet: Sendable {
    /// Policies in configuration order.
    public var policies: [Policy]

    public init(_ policies: [Policy]) { self.policies = policies }

    /// Index of the first policy whose match fits, or nil when none does.
    public func firstMatch(
        channel: String, priority: InteractionEvent.Priority, tags: [String],
        attributes: [InteractionEvent.Attribute]
    ) -> Int? {
        // By index: iterating the elements would copy every Policy (and retain its fields).
        for i in policies.indices
        where policies[i].match.matches(channel: channel, priority: priority, tags: tags, attributes: attributes) {
            return i
        }
        return nil
    }

    /// Index of the policy with this name.
    public func index(named name: String) -> Int? { policies.firstIndex { $0.name == name } }
}
