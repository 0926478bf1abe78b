import CRdKafka

/// A librdkafka error code (`rd_kafka_resp_err_t`): broker errors are positive,
/// client-internal errors (names starting with `_`) are negative.
public struct KafkaErrorCode: Sendable, Hashable, CustomStringConvertible {
    /// The raw `rd_kafka_resp_err_t` value.
    public let rawValue: Int32

    /// Wraps a raw `rd_kafka_resp_err_t` value.
    public init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    init(_ err: rd_kafka_resp_err_t) {
        self.rawValue = err.rawValue
    }

    var rdKafkaValue: rd_kafka_resp_err_t {
        rd_kafka_resp_err_t(rawValue: rawValue)
    }

    /// The librdkafka name of the code, e.g. `NOT_COORDINATOR` or `_TIMED_OUT`.
    public var name: String {
        String(cString: rd_kafka_err2name(rdKafkaValue))
    }

    /// librdkafka's human readable text for the code.
    public var text: String {
        String(cString: rd_kafka_err2str(rdKafkaValue))
    }

    /// `<name> (<raw value>)`.
    public var description: String { "\(name) (\(rawValue))" }

    /// No error.
    public static let noError = KafkaErrorCode(RD_KAFKA_RESP_ERR_NO_ERROR)
    /// Broker: unknown error (`RD_KAFKA_RESP_ERR_UNKNOWN`).
    public static let unknown = KafkaErrorCode(RD_KAFKA_RESP_ERR_UNKNOWN)
    /// Local: an operation timed out.
    public static let timedOut = KafkaErrorCode(RD_KAFKA_RESP_ERR__TIMED_OUT)
    /// Local: a message timed out in the queue.
    public static let messageTimedOut = KafkaErrorCode(RD_KAFKA_RESP_ERR__MSG_TIMED_OUT)
    /// Local: timed out waiting in queue.
    public static let timedOutQueue = KafkaErrorCode(RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE)
    /// Local: the producer queue is full.
    public static let queueFull = KafkaErrorCode(RD_KAFKA_RESP_ERR__QUEUE_FULL)
    /// Local: the client is closed or being destroyed.
    public static let destroyed = KafkaErrorCode(RD_KAFKA_RESP_ERR__DESTROY)
    /// Local: invalid argument or configuration.
    public static let invalidArgument = KafkaErrorCode(RD_KAFKA_RESP_ERR__INVALID_ARG)
    /// Local: operation not allowed in the current state.
    public static let state = KafkaErrorCode(RD_KAFKA_RESP_ERR__STATE)
    /// Local: a fatal error occurred; see the message for the underlying error.
    public static let fatal = KafkaErrorCode(RD_KAFKA_RESP_ERR__FATAL)
    /// Local: the partition reached its end (only with `enable.partition.eof`).
    public static let partitionEOF = KafkaErrorCode(RD_KAFKA_RESP_ERR__PARTITION_EOF)
    /// Local: unknown topic.
    public static let unknownTopic = KafkaErrorCode(RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC)
    /// Local: message purged from the queue (client shut down).
    public static let purgeQueue = KafkaErrorCode(RD_KAFKA_RESP_ERR__PURGE_QUEUE)
    /// Local: in-flight message purged (client shut down).
    public static let purgeInflight = KafkaErrorCode(RD_KAFKA_RESP_ERR__PURGE_INFLIGHT)
    /// Local: broker transport failure.
    public static let transport = KafkaErrorCode(RD_KAFKA_RESP_ERR__TRANSPORT)
    /// Broker: request timed out.
    public static let requestTimedOut = KafkaErrorCode(RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT)
    /// Broker: not enough in-sync replicas.
    public static let notEnoughReplicas = KafkaErrorCode(RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS)
    /// Broker: not the leader for the partition.
    public static let notLeaderForPartition = KafkaErrorCode(RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION)
    /// Broker: not the coordinator.
    public static let notCoordinator = KafkaErrorCode(RD_KAFKA_RESP_ERR_NOT_COORDINATOR)
    /// Broker: coordinator not available.
    public static let coordinatorNotAvailable = KafkaErrorCode(RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE)
    /// Broker: coordinator load in progress.
    public static let coordinatorLoadInProgress = KafkaErrorCode(RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS)
    /// Broker: concurrent transactions.
    public static let concurrentTransactions = KafkaErrorCode(RD_KAFKA_RESP_ERR_CONCURRENT_TRANSACTIONS)
    /// Local: this instance was fenced by a newer instance (the normalised fencing error).
    public static let fenced = KafkaErrorCode(RD_KAFKA_RESP_ERR__FENCED)
    /// Broker: producer fenced by a newer instance with the same `transactional.id`.
    public static let producerFenced = KafkaErrorCode(RD_KAFKA_RESP_ERR_PRODUCER_FENCED)
    /// Broker: invalid producer epoch (typically fenced).
    public static let invalidProducerEpoch = KafkaErrorCode(RD_KAFKA_RESP_ERR_INVALID_PRODUCER_EPOCH)
    /// Broker: invalid transactional.id mapping / producer id.
    public static let invalidProducerIDMapping = KafkaErrorCode(RD_KAFKA_RESP_ERR_INVALID_PRODUCER_ID_MAPPING)
    /// Broker: topic authorization failed.
    public static let topicAuthorizationFailed = KafkaErrorCode(RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED)
    /// Broker: group authorization failed.
    public static let groupAuthorizationFailed = KafkaErrorCode(RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED)
    /// Broker: transactional id authorization failed.
    public static let transactionalIDAuthorizationFailed = KafkaErrorCode(
        RD_KAFKA_RESP_ERR_TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
    /// Broker: unknown member id.
    /// Broker: another running static member has this `group.instance.id`.
    public static let fencedInstanceID = KafkaErrorCode(RD_KAFKA_RESP_ERR_FENCED_INSTANCE_ID)
    public static let unknownMemberID = KafkaErrorCode(RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID)
    /// Broker: illegal generation.
    public static let illegalGeneration = KafkaErrorCode(RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION)
    /// Broker: rebalance in progress.
    public static let rebalanceInProgress = KafkaErrorCode(RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS)
    /// Broker: unknown topic or partition.
    public static let unknownTopicOrPartition = KafkaErrorCode(RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART)
    /// Broker: leader not available.
    public static let leaderNotAvailable = KafkaErrorCode(RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE)
}
