/// A worker failure with a stable code and a readable message.
public struct WorkerError: Error, Sendable, CustomStringConvertible {
    /// Stable machine-readable codes.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: String, Hashable, Sendable {
            case topicsMissing = "topics_missing"
            case notCopartitioned = "not_copartitioned"
            case kafkaPropertiesRejected = "kafka_properties_rejected"
            case instanceIDInUse = "instance_id_in_use"
            case badListenAddress = "bad_listen"
            case repartitionTopic = "repartition_topic"
        }

        private let backing: Backing

        private init(_ backing: Backing) { self.backing = backing }

        /// Whether only a change of configuration or topics can mend it (every code so far).
        var isConfiguration: Bool {
            switch backing {
            case .topicsMissing, .notCopartitioned, .kafkaPropertiesRejected, .instanceIDInUse, .badListenAddress,
                .repartitionTopic:
                true
            }
        }

        /// The code as logged (`topics_missing`, …).
        public var description: String { backing.rawValue }

        /// A configured topic does not exist.
        public static let topicsMissing = Code(.topicsMissing)
        /// The state topic's partition count differs from an input topic's.
        public static let notCopartitioned = Code(.notCopartitioned)
        /// librdkafka refused a `kafka.properties` entry.
        public static let kafkaPropertiesRejected = Code(.kafkaPropertiesRejected)
        /// Another running instance has the same instance id (`group.instance.id`): this one was fenced.
        public static let instanceIDInUse = Code(.instanceIDInUse)
        /// `metrics.listen` is not `host:port`.
        public static let badListenAddress = Code(.badListenAddress)
        /// `kafka.repartition_topic` does not exist, or its partition count is not the state topic's.
        public static let repartitionTopic = Code(.repartitionTopic)
    }

    /// What kind of failure.
    public var code: Code
    /// What went wrong and what to do about it.
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// The configuration (or the cluster's topics it names) must change before a restart can
    /// succeed: the daemon exits 78 and systemd does not restart it.
    public var isConfigurationError: Bool { code.isConfiguration }

    public var description: String { message }
}
