import CRdKafka
import Logging
import Synchronization

/// An in-process librdkafka mock Kafka cluster listening on loopback, for tests.
///
/// Create one per test and hand ``bootstrapServers`` to every client of that test
/// (do not use `test.mock.num.brokers`, which gives each client a private cluster).
/// Broker ids are `1...brokerCount`.
///
/// Destruction: close/shut down every client using the cluster first, then call
/// ``destroy()`` (or drop the last reference). Destroying destroys the mock cluster,
/// then the private producer handle that owns it. Operations after ``destroy()`` throw.
///
/// Limits of the librdkafka 2.0.2 mock: no CreateTopics/admin API (use ``createTopic(name:partitions:replicationFactor:)``),
/// no SSL/SASL, each partition retains only roughly the last 5 MiB / 100k messages.
/// `@unchecked Sendable`: wraps the C mock-cluster pointer; every use holds `isDestroyed`'s
/// lock so no call can race with ``destroy()``.
public final class KafkaMockCluster: @unchecked Sendable {
    /// Coordinator kinds for ``setCoordinator(_:key:brokerID:)``.
    public enum CoordinatorType: String, Sendable {
        /// Transaction coordinator, keyed by `transactional.id`.
        case transaction
        /// Group coordinator, keyed by `group.id`.
        case group
    }

    private let handle: RdKafkaClient
    private let cluster: OpaquePointer
    private let isDestroyed = Mutex(false)

    /// `host:port,…` of the mock brokers.
    public let bootstrapServers: String
    /// Number of brokers.
    public let brokerCount: Int

    /// Starts a mock cluster with `brokers` brokers.
    public init(brokers: Int = 3, logger: Logger = Logger(label: "kafka.mock")) throws(KafkaError) {
        let handle = try RdKafkaClient(
            type: RD_KAFKA_PRODUCER, configuration: KafkaConfiguration(["log_level": "3"]), logger: logger,
            callbacks: .init(logQueue: false))
        guard let cluster = rd_kafka_mock_cluster_new(handle.kafka, Int32(brokers)) else {
            throw KafkaError(code: .invalidArgument, message: "rd_kafka_mock_cluster_new failed")
        }
        self.handle = handle
        self.brokerCount = brokers
        self.bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
        self.cluster = cluster
    }

    deinit {
        destroy()
    }

    /// Destroys the mock cluster. Idempotent. Close all clients first.
    public func destroy() {
        isDestroyed.withLock { destroyed in
            if !destroyed {
                rd_kafka_mock_cluster_destroy(cluster)
                destroyed = true
            }
        }
    }

    private func withCluster<R: Sendable>(_ body: (OpaquePointer) -> R) throws(KafkaError) -> R {
        let result: R? = isDestroyed.withLock { destroyed in destroyed ? nil : body(cluster) }
        guard let result else { throw KafkaError.closed("mock cluster") }
        return result
    }

    private func check(_ what: String, _ body: (OpaquePointer) -> rd_kafka_resp_err_t) throws(KafkaError) {
        try KafkaError.check(try withCluster(body), context: what)
    }

    /// Creates a topic (the mock has no CreateTopics API).
    public func createTopic(name: String, partitions: Int, replicationFactor: Int = 1) throws(KafkaError) {
        try check("create topic \(name)") {
            rd_kafka_mock_topic_create($0, name, Int32(partitions), Int32(replicationFactor))
        }
    }

    /// Makes the next `errors.count` requests of type `apiKey` (to any broker) fail with
    /// these errors, in order. `_TRANSPORT` makes the broker disconnect instead.
    public func pushRequestErrors(_ apiKey: KafkaApiKey, _ errors: [KafkaErrorCode]) throws(KafkaError) {
        let raw = errors.map(\.rdKafkaValue)
        try withCluster { cluster in
            raw.withUnsafeBufferPointer {
                rd_kafka_mock_push_request_errors_array(cluster, apiKey.rawValue, raw.count, $0.baseAddress)
            }
        }
    }

    /// Drops the queued injected errors for `apiKey`.
    public func clearRequestErrors(_ apiKey: KafkaApiKey) throws(KafkaError) {
        try withCluster { rd_kafka_mock_clear_request_errors($0, apiKey.rawValue) }
    }

    /// Makes metadata (and AddPartitionsToTxn) requests report `error` for `topic`.
    public func setTopicError(_ topic: String, _ error: KafkaErrorCode) throws(KafkaError) {
        try withCluster { rd_kafka_mock_topic_set_error($0, topic, error.rdKafkaValue) }
    }

    /// Disconnects broker `brokerID` (-1 = all) and refuses connections. Leadership does not move.
    public func setBrokerDown(_ brokerID: Int32) throws(KafkaError) {
        try check("broker \(brokerID) down") { rd_kafka_mock_broker_set_down($0, brokerID) }
    }

    /// Lets broker `brokerID` (-1 = all) accept connections again.
    public func setBrokerUp(_ brokerID: Int32) throws(KafkaError) {
        try check("broker \(brokerID) up") { rd_kafka_mock_broker_set_up($0, brokerID) }
    }

    /// Delays every response of broker `brokerID` (-1 = all) by `rtt`.
    public func setBrokerRTT(_ brokerID: Int32, rtt: Duration) throws(KafkaError) {
        try check("broker \(brokerID) rtt") { rd_kafka_mock_broker_set_rtt($0, brokerID, rtt.kafkaMilliseconds) }
    }

    /// Moves the transaction or group coordinator for `key` to `brokerID`.
    public func setCoordinator(_ type: CoordinatorType, key: String, brokerID: Int32) throws(KafkaError) {
        try check("set \(type.rawValue) coordinator for \(key)") {
            rd_kafka_mock_coordinator_set($0, type.rawValue, key, brokerID)
        }
    }

    /// Moves the leader of `topic`/`partition` to `brokerID` (-1 = leaderless).
    public func setPartitionLeader(topic: String, partition: Int32, brokerID: Int32) throws(KafkaError) {
        try check("set leader of \(topic)[\(partition)]") {
            rd_kafka_mock_partition_set_leader($0, topic, partition, brokerID)
        }
    }
}
