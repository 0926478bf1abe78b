/// A topic for ``KafkaAdmin/createTopics(_:timeout:)`` to create: its name, partition count,
/// replication factor and topic-level configuration (e.g. `cleanup.policy=compact`).
public struct KafkaTopicSpec: Sendable, Hashable {
    /// The topic name.
    public var name: String
    /// The number of partitions (at least 1).
    public var partitions: Int
    /// The replication factor (at least 1; 1 for a single-broker cluster).
    public var replicationFactor: Int
    /// Topic-level configuration passed to the broker as it is, e.g. `["cleanup.policy": "compact"]`.
    public var configs: [String: String]

    /// Creates a topic specification.
    public init(name: String, partitions: Int, replicationFactor: Int = 1, configs: [String: String] = [:]) {
        self.name = name
        self.partitions = partitions
        self.replicationFactor = replicationFactor
        self.configs = configs
    }
}
