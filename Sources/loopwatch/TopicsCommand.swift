import ArgumentParser
import Foundation
import KafkaClient
import Logging
import LoopwatchConfiguration
import LoopwatchCore

/// `loopwatch topics --config FILE --partitions N`: creates the topics a configuration names.
struct TopicsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topics",
        abstract: "Create the Kafka topics a configuration names (those that exist are left as they are).",
        discussion: """
            Creates each input topic, the state topic (cleanup.policy=compact), the alert topic, the \
            dead-letter topic and, when set, the repartition topic, with --partitions partitions each, \
            in one CreateTopics request through the configured cluster (kafka.properties apply, SASL/SSL \
            included). Prints one line per topic: "created NAME (N partitions[, cleanup.policy=compact])" \
            or "found NAME (N partitions[, cleanup.policy=…])" for a topic that existed — its partitions \
            and configuration are not changed (a found state topic that is not compacted gets a warning \
            on standard error). Exit 0 when every topic was created or found, 78 for a bad configuration, \
            69 when the cluster rejected a topic or did not answer within --timeout.
            """
    )

    @Option(name: .long, help: "The YAML configuration file.")
    var config: String

    @Option(name: .long, help: "Partitions of each topic created (co-partitioned: one count for all).")
    var partitions: Int

    @Option(name: .long, help: "Replication factor of each topic created.")
    var replicationFactor: Int = 1

    @Option(name: .long, help: "How long to wait for the cluster, in seconds.")
    var timeout: Int = 30

    /// EX_UNAVAILABLE: the cluster rejected a topic or did not answer.
    static let unavailable = ExitCode(69)

    func validate() throws {
        guard partitions >= 1 else { throw ValidationError("--partitions must be at least 1") }
        guard replicationFactor >= 1 else { throw ValidationError("--replication-factor must be at least 1") }
        guard timeout >= 1 else { throw ValidationError("--timeout must be at least 1 second") }
    }

    func run() throws {
        let loaded = try loadConfigurationOrExit(config, purpose: .full)
        let kafka = loaded.kafka
        if kafka.bootstrapServers == "embedded" {
            print("\(config): kafka.bootstrap_servers is embedded: `loopwatch run` creates its topics; nothing to do")
            return
        }
        let specs = Self.topics(kafka, partitions: partitions, replicationFactor: replicationFactor)
        var logger = Logger(label: "loopwatch-topics")
        logger.logLevel = .critical
        do {
            let admin = try KafkaAdmin(configuration: Self.clientConfiguration(kafka), logger: logger)
            let outcomes = try admin.createTopics(specs, timeout: .seconds(timeout))
            let found = specs.filter { outcomes[$0.name] == .alreadyExists }.map(\.name)
            let counts = found.isEmpty ? [:] : try admin.partitionCounts(topics: found, timeout: .seconds(timeout))
            for spec in specs {
                guard outcomes[spec.name] == .alreadyExists else {
                    print(Self.describe(spec, outcome: .created))
                    continue
                }
                // What a found topic has of the settings asked for (left out when the cluster
                // does not describe its configuration, e.g. without the ACL for it).
                let existing =
                    spec.configs.isEmpty ? [:] : (try? admin.topicConfigs(spec.name, timeout: .seconds(timeout)))
                let settings = spec.configs.keys.sorted().compactMap { key in existing?[key].map { (key, $0) } }
                print(Self.describe(spec, outcome: .alreadyExists, partitions: counts[spec.name], settings: settings))
                for (key, value) in settings where value != spec.configs[key] {
                    StandardError.write(
                        "warning: \(spec.name) has \(key)=\(value), not \(spec.configs[key] ?? ""): loopwatch leaves "
                            + "existing topics as they are (change it with kafka-configs.sh --alter)\n")
                }
            }
        } catch {
            StandardError.write("\(config): topics on \(kafka.bootstrapServers): \(error)\n")
            throw Self.unavailable
        }
    }

    /// The topics of `kafka`, in the order input, state, alert, dead letter, repartition; each once.
    static func topics(_ kafka: LoopwatchConfig.Kafka, partitions: Int, replicationFactor: Int) -> [KafkaTopicSpec] {
        var seen = Set<String>()
        let names =
            kafka.inputTopics + [kafka.stateTopic, kafka.alertTopic, kafka.deadLetterTopic]
            + (kafka.repartitionTopic.map { [$0] } ?? [])
        return names.filter { seen.insert($0).inserted }.map { name in
            KafkaTopicSpec(
                name: name, partitions: partitions, replicationFactor: replicationFactor,
                configs: name == kafka.stateTopic ? ["cleanup.policy": "compact"] : [:])
        }
    }

    /// `bootstrap.servers` and `kafka.properties` (secrets stay secret in any message).
    static func clientConfiguration(_ kafka: LoopwatchConfig.Kafka) -> KafkaConfiguration {
        var c = KafkaConfiguration(secretKeys: kafka.secretKeys)
        c["bootstrap.servers"] = kafka.bootstrapServers
        c["client.id"] = "loopwatch-topics"
        for (key, value) in kafka.properties.sorted(by: { $0.key < $1.key }) {
            c[key] = value
        }
        return c
    }

    /// `created NAME (N partitions[, k=v…])` for a created topic (its spec's configs), or
    /// `found NAME (N partitions[, k=v…])` for one that existed (`partitions` and `settings`
    /// as the cluster reported them).
    static func describe(
        _ spec: KafkaTopicSpec, outcome: KafkaAdmin.TopicOutcome, partitions: Int? = nil,
        settings: [(String, String)] = []
    ) -> String {
        func plural(_ n: Int) -> String { n == 1 ? "1 partition" : "\(n) partitions" }
        func list(_ pairs: [(String, String)]) -> String { pairs.map { ", \($0.0)=\($0.1)" }.joined() }
        switch outcome {
        case .created:
            let configs = spec.configs.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
            return "created \(spec.name) (\(plural(spec.partitions))\(list(configs)))"
        case .alreadyExists:
            return "found \(spec.name) (\(partitions.map(plural) ?? "partitions unknown")\(list(settings)))"
        }
    }
}
