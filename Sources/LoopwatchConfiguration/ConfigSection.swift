/// The sections of the configuration file (SPEC §7) and the keys each accepts.
///
/// The raw value is the section's path in the documentation: `<name>` marks the entries of a
/// map, `[]` the items of a list (`policies[].match`).
enum ConfigSection: String, CaseIterable, Sendable {
    case kafka = "kafka"
    case processing = "processing"
    case metrics = "metrics"
    case calendar = "calendars.<name>"
    case policy = "policies[]"
    case match = "policies[].match"
    case escalation = "policies[].escalations[]"
    case ignore = "policies[].ignore"

    /// The keys at the top of the document.
    static let rootKeys = ["kafka", "processing", "metrics", "calendars", "policies"]

    /// The keys this section accepts, in documentation order.
    var keys: [String] {
        switch self {
        case .kafka:
            [
                "bootstrap_servers", "group_id", "input_topics", "alert_topic", "state_topic", "dead_letter_topic",
                "repartition_topic", "properties",
            ]
        case .processing:
            ["commit_interval", "allowed_lateness", "state_ttl", "max_event_bytes", "max_future_skew", "guarantee"]
        case .metrics:
            ["listen"]
        case .calendar:
            ["timezone", "weekly", "holidays"]
        case .policy:
            [
                "name", "match", "calendar", "first_response", "next_response", "warn_before", "severity",
                "escalations", "count_automated_replies", "ignore",
            ]
        case .match:
            ["channel", "priority", "tags", "attributes"]
        case .escalation:
            ["after", "severity"]
        case .ignore:
            ["text_matches"]
        }
    }

    /// Every key path of every section (`policies[].match.channel`), in documentation order.
    static var keyPaths: [String] {
        allCases.flatMap { section in section.keys.map { "\(section.rawValue).\($0)" } }
    }
}
