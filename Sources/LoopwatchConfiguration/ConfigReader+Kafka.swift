import KafkaClient
import LoopwatchCore
import Yams

/// `kafka:` — the brokers, topics and librdkafka properties.
extension ConfigReader {
    mutating func kafka(_ node: Node?, parent: Node) -> LoopwatchConfig.Kafka? {
        guard let node else {
            error(parent, .missingKey, "kafka: missing (needs at least bootstrap_servers and input_topics)")
            return nil
        }
        guard let m = mapping(node, path: "kafka", section: .kafka) else { return nil }
        func value(_ k: String) -> Node? { m.first { $0.key == k }?.value }
        var ok = true
        let bootstrap = required(value("bootstrap_servers"), in: node, path: "kafka.bootstrap_servers")
            .flatMap { nonEmpty($0, path: "kafka.bootstrap_servers") }
        if bootstrap == nil { ok = false }
        var inputs: [String] = []
        if let n = value("input_topics") {
            if let list = stringList(n, path: "kafka.input_topics") {
                if list.isEmpty {
                    error(n, .invalidValue, "kafka.input_topics: at least one topic is needed")
                    ok = false
                }
                inputs = list
            } else {
                ok = false
            }
        } else {
            error(node, .missingKey, "kafka.input_topics: missing (the topics to consume)")
            ok = false
        }
        var k = LoopwatchConfig.Kafka(bootstrapServers: bootstrap ?? "", inputTopics: inputs)
        if let n = value("group_id"), let s = nonEmpty(n, path: "kafka.group_id") { k.groupID = s }
        if let n = value("alert_topic"), let s = nonEmpty(n, path: "kafka.alert_topic") { k.alertTopic = s }
        if let n = value("state_topic"), let s = nonEmpty(n, path: "kafka.state_topic") { k.stateTopic = s }
        if let n = value("dead_letter_topic"), let s = nonEmpty(n, path: "kafka.dead_letter_topic") {
            k.deadLetterTopic = s
        }
        if let n = value("repartition_topic"), !isNull(n), let s = nonEmpty(n, path: "kafka.repartition_topic") {
            k.repartitionTopic = s
        }
        if !distinctTopics(k, at: node, value: value) { ok = false }
        if let n = value("properties"), !isNull(n) { properties(n, into: &k) }
        return ok ? k : nil
    }

    /// Reports a topic used in two roles (input, state, alert, dead letter, repartition); a default topic is
    /// reported at `kafka:`.
    private mutating func distinctTopics(
        _ k: LoopwatchConfig.Kafka, at node: Node, value: (String) -> Node?
    ) -> Bool {
        let roles: [(topic: String, key: String)] =
            k.inputTopics.map { ($0, "input_topics") }
            + [(k.stateTopic, "state_topic"), (k.alertTopic, "alert_topic"), (k.deadLetterTopic, "dead_letter_topic")]
            + (k.repartitionTopic.map { [($0, "repartition_topic")] } ?? [])
        var seen: [String: String] = [:]
        var ok = true
        for (topic, key) in roles {
            guard let earlier = seen[topic] else {
                seen[topic] = key
                continue
            }
            let by =
                earlier == key
                ? "twice in kafka.\(key)"
                : "as kafka.\(earlier) and as kafka.\(key)\(value(key) == nil ? " (its default)" : "")"
            let roles =
                key == "repartition_topic"
                ? "input, state, alert, dead-letter and repartition" : "input, state, alert and dead-letter"
            error(
                value(key) ?? node, .invalidValue,
                "kafka.\(key): topic \"\(topic)\" is used \(by); the \(roles) topics must all be different")
            ok = false
        }
        return ok
    }

    /// `kafka.properties`: passed to librdkafka as they are. A substituted value, or a key named
    /// like a secret (``KafkaConfiguration/isSecret(key:)``), is marked secret. Loaded
    /// ``ConfigLoader/Purpose/offline``, substitutions here are checked but not resolved.
    private mutating func properties(_ node: Node, into k: inout LoopwatchConfig.Kafka) {
        guard let props = mapping(node, path: "kafka.properties", allowed: nil) else { return }
        let resolving = purpose != .offline
        for (key, _, v) in props {
            let path = "kafka.properties.\(key)"
            if isNull(v) {
                error(
                    v, .invalidValue, "\(path): no value (give one, or remove the key to keep librdkafka's default)")
                continue
            }
            guard let s = string(v, path: path, resolving: resolving) else { continue }
            k.properties[key] = s.value
            if s.substituted || KafkaConfiguration.isSecret(key: key) { k.secretKeys.insert(key) }
        }
    }
}
