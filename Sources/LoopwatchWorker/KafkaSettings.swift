import KafkaClient
import LoopwatchCore

/// The librdkafka configurations of the worker's clients, derived from `kafka:`.
///
/// `kafka.properties` pass through to every client as they are (SASL/SSL included); on top the
/// worker sets what exactly-once needs. Secrets stay secret: substituted values and secret-looking
/// keys are redacted wherever a configuration is described.
struct KafkaSettings: Sendable {
    let base: KafkaConfiguration
    let groupID: String
    let transactionalID: String
    let instanceID: String

    /// - Parameter instanceID: distinguishes workers of one group; the transactional id is
    ///   `<group_id>-<instanceID>` unless `transactional.id` is set in `kafka.properties`.
    init(_ kafka: LoopwatchConfig.Kafka, bootstrapServers: String, instanceID: String) {
        var c = KafkaConfiguration(secretKeys: kafka.secretKeys)
        c["bootstrap.servers"] = bootstrapServers
        c["client.id"] = "loopwatch-\(instanceID)"
        for (k, v) in kafka.properties.sorted(by: { $0.key < $1.key }) where k != "transactional.id" {
            c[k] = v
        }
        base = c
        groupID = kafka.groupID
        self.instanceID = instanceID
        transactionalID = kafka.properties["transactional.id"] ?? "\(kafka.groupID)-\(instanceID)"
    }

    /// The group member: range assignment keeps partition `p` of every input topic on one
    /// member (co-partitioning with the state topic), read_committed, manual offsets.
    var consumer: KafkaConfiguration {
        base.with("group.id", groupID)
            .withDefault("partition.assignment.strategy", "range")
            .with("isolation.level", "read_committed")
            .with("enable.partition.eof", "true")
            .withDefault("auto.offset.reset", "earliest")
            .withDefault("session.timeout.ms", "10000")
            .withDefault("max.poll.interval.ms", "300000")
            .withDefault("fetch.wait.max.ms", "50")
    }

    /// The transactional producer (exactly-once).
    var transactionalProducer: KafkaConfiguration {
        base.with("transactional.id", transactionalID)
            .with("enable.idempotence", "true")
            .withDefault("transaction.timeout.ms", "60000")
            .withDefault("queue.buffering.max.kbytes", "131072")
            .withDefault("queue.buffering.max.messages", "500000")
            .withDefault("linger.ms", "5")
            .withDefault("compression.type", "lz4")
    }

    /// The idempotent producer of `processing.guarantee: at_least_once`.
    var plainProducer: KafkaConfiguration {
        base.with("enable.idempotence", "true")
            .withDefault("queue.buffering.max.kbytes", "131072")
            .withDefault("queue.buffering.max.messages", "500000")
            .withDefault("linger.ms", "5")
            .withDefault("compression.type", "lz4")
    }

    /// The changelog reader used while restoring.
    var restoreReader: KafkaConfiguration {
        base.with("isolation.level", "read_committed")
    }
}
