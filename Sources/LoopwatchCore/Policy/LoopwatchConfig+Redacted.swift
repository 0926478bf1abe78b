extension LoopwatchConfig {
    /// A one-line-per-setting rendering for logs: Kafka properties in `kafka.secretKeys` show
    /// `***` instead of their value; policies appear by name and version only.
    public var redactedDescription: String {
        var lines = [
            "kafka.bootstrap_servers=\(kafka.bootstrapServers)",
            "kafka.group_id=\(kafka.groupID)",
            "kafka.input_topics=\(kafka.inputTopics.joined(separator: ","))",
            "kafka.alert_topic=\(kafka.alertTopic)",
            "kafka.state_topic=\(kafka.stateTopic)",
            "kafka.dead_letter_topic=\(kafka.deadLetterTopic)",
        ]
        for key in kafka.properties.keys.sorted() {
            let value = kafka.secretKeys.contains(key) ? "***" : kafka.properties[key]!
            lines.append("kafka.properties.\(key)=\(value)")
        }
        lines.append("processing.guarantee=\(processing.guarantee.rawValue)")
        lines.append("metrics.listen=\(metrics.listen ?? "off")")
        for name in calendars.keys.sorted() { lines.append("calendars.\(name)=\(calendars[name]!.timeZone)") }
        for p in policies.policies { lines.append("policies.\(p.name)=\(p.version)") }
        return lines.joined(separator: "\n")
    }
}
