/// The whole configuration file (SPEC §7), validated.
public struct LoopwatchConfig: Sendable {
    /// How Kafka work is committed.
    public enum ProcessingGuarantee: String, Sendable {
        case exactlyOnce = "exactly_once"
        case atLeastOnce = "at_least_once"
    }

    /// `kafka:` section.
    public struct Kafka: Sendable {
        public var bootstrapServers: String
        public var groupID: String
        public var inputTopics: [String]
        public var alertTopic: String
        public var stateTopic: String
        public var deadLetterTopic: String
        /// `kafka.repartition_topic`: when set, inputs may be keyed any way — loopwatch re-keys every
        /// input message by its `conversation_id` into this topic (murmur2) and keeps its
        /// conversations by this topic's partitions (SPEC §1 "Keying"). Nil: inputs must be keyed by
        /// `conversation_id` (else `wrong_key`).
        public var repartitionTopic: String?
        /// librdkafka properties, passed through as they are (after `${…}` substitution).
        public var properties: [String: String]
        /// Keys of `properties` whose values must never be logged: substituted from `${file:}` /
        /// `${env:}`, or named like a secret (the rule is KafkaClient's
        /// `KafkaConfiguration.isSecret(key:)`: password, secret, token, ssl.key, …).
        public var secretKeys: Set<String>

        public init(
            bootstrapServers: String, groupID: String = "loopwatch", inputTopics: [String] = ["interactions"],
            alertTopic: String = "sla-alerts", stateTopic: String = "loopwatch-state",
            deadLetterTopic: String = "interactions-dlq", repartitionTopic: String? = nil,
            properties: [String: String] = [:], secretKeys: Set<String> = []
        ) {
            self.bootstrapServers = bootstrapServers
            self.groupID = groupID
            self.inputTopics = inputTopics
            self.alertTopic = alertTopic
            self.stateTopic = stateTopic
            self.deadLetterTopic = deadLetterTopic
            self.repartitionTopic = repartitionTopic
            self.properties = properties
            self.secretKeys = secretKeys
        }
    }

    /// `processing:` section.
    public struct Processing: Sendable {
        public var commitInterval: TimeSpan = .init(millis: 100)
        public var allowedLateness: TimeSpan = .seconds(30)
        public var stateTTL: TimeSpan = .days(30)
        public var maxEventBytes: Int = 65536
        public var maxFutureSkew: TimeSpan = .minutes(5)
        public var guarantee: ProcessingGuarantee = .exactlyOnce
        public init() {}
    }

    /// `metrics:` section.
    public struct Metrics: Sendable {
        /// `host:port` of the HTTP endpoint; nil disables it.
        public var listen: String? = "127.0.0.1:9464"
        public init() {}
    }

    public var kafka: Kafka
    public var processing: Processing
    public var metrics: Metrics
    /// Calendars by name.
    public var calendars: [String: BusinessCalendar]
    /// Policies in order.
    public var policies: PolicySet

    public init(
        kafka: Kafka, processing: Processing = .init(), metrics: Metrics = .init(),
        calendars: [String: BusinessCalendar] = [:], policies: PolicySet
    ) {
        self.kafka = kafka
        self.processing = processing
        self.metrics = metrics
        self.calendars = calendars
        self.policies = policies
    }
}
