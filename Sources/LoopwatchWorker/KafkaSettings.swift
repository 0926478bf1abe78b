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
    ///
    /// A *static* member (SPEC §5 "Restart"): `group.instance.id` is the instance id unless
    /// `kafka.properties` sets it, so the same instance restarted after a crash gets its
    /// partitions back at once instead of waiting out its own session. The session timeout of
    /// a static member is then the time a member that never comes back keeps its partitions
    /// unwatched: 30 s covers systemd's `RestartSec=5` plus a start and a restore with room to
    /// spare, yet hands the partitions of a lost host to the others within half a minute
    /// (Kafka's own default is 45 s).
    var consumer: KafkaConfiguration {
        base.only(for: .consumer)
            .with("group.id", groupID)
            .withDefault("group.instance.id", instanceID)
            .withDefault("partition.assignment.strategy", "range")
            .with("isolation.level", "read_committed")
            .with("enable.partition.eof", "true")
            .withDefault("auto.offset.reset", "earliest")
            .withDefault("session.timeout.ms", "30000")
            .withDefault("max.poll.interval.ms", "300000")
            .withDefault("fetch.wait.max.ms", "50")
    }

    /// The transactional producer (exactly-once).
    var transactionalProducer: KafkaConfiguration {
        base.only(for: .producer)
            .with("transactional.id", transactionalID)
            .with("enable.idempotence", "true")
            .withDefault("transaction.timeout.ms", "60000")
            .withDefault("queue.buffering.max.kbytes", "131072")
            .withDefault("queue.buffering.max.messages", "500000")
            .withDefault("linger.ms", "5")
            .withDefault("compression.type", "lz4")
    }

    /// The idempotent producer of `processing.guarantee: at_least_once`.
    var plainProducer: KafkaConfiguration {
        base.only(for: .producer)
            .with("enable.idempotence", "true")
            .withDefault("queue.buffering.max.kbytes", "131072")
            .withDefault("queue.buffering.max.messages", "500000")
            .withDefault("linger.ms", "5")
            .withDefault("compression.type", "lz4")
    }

    /// The changelog reader used while restoring: a consumer that only assigns partitions, so
    /// neither a group nor a member identity of the worker's.
    var restoreReader: KafkaConfiguration {
        var c = base.only(for: .consumer).with("isolation.level", "read_committed")
        c["group.instance.id"] = nil
        return c
    }
}
