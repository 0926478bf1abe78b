import LoopwatchCore

extension WorkerService {
    /// `kafka.repartition_topic` must exist with exactly the state topic's partition count
    /// (engine `p` reads repartition partition `p` and keeps its state in state partition `p`);
    /// anything else is a configuration error naming the topic, with the command that fixes it.
    static func validateRepartition(topic: String, counts: [String: Int], kafka: LoopwatchConfig.Kafka) throws {
        let have = counts[topic] ?? 0
        guard let state = counts[kafka.stateTopic], state > 0, have != state else { return }
        let create = "kafka-topics.sh --create --topic \(topic) --partitions \(state)"
        let problem =
            have == 0
            ? "does not exist"
            : "has \(have) partitions but state topic \(kafka.stateTopic) has \(state)"
        throw WorkerError(
            code: .repartitionTopic,
            message: "repartition topic \(topic) (kafka.repartition_topic) \(problem); it must exist with as many "
                + "partitions as the state topic: \(create) (README \"Keying\")")
    }
}
