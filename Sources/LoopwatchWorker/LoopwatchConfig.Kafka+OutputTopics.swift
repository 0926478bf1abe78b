import LoopwatchCore

extension LoopwatchConfig.Kafka {
    /// Every topic the worker's producer writes to: alerts, changelog, dead letters and, when
    /// set, the repartition topic.
    var outputTopics: [String] {
        [alertTopic, stateTopic, deadLetterTopic] + (repartitionTopic.map { [$0] } ?? [])
    }
}
