import KafkaClient
import Logging
import LoopwatchCore

/// `bootstrap_servers: embedded`: an in-process librdkafka mock cluster on loopback with every
/// configured topic created — for trying loopwatch locally and for `loopwatch demo`. Not durable:
/// everything is gone when the process exits.
public enum EmbeddedKafka {
    /// Partitions of every embedded topic.
    public static let partitions = 4

    /// Starts the cluster and creates the input, state, alert and dead-letter topics (and the
    /// repartition topic when one is configured).
    public static func start(_ kafka: LoopwatchConfig.Kafka, logger: Logger) throws -> KafkaMockCluster {
        let cluster = try KafkaMockCluster(brokers: 1, logger: logger)
        for topic in kafka.inputTopics + [kafka.stateTopic, kafka.alertTopic, kafka.deadLetterTopic]
            + (kafka.repartitionTopic.map { [$0] } ?? [])
        {
            try cluster.createTopic(name: topic, partitions: partitions)
        }
        logger.notice("embedded Kafka (mock cluster) started", metadata: ["bootstrap": "\(cluster.bootstrapServers)"])
        return cluster
    }
}
