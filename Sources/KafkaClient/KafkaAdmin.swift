import CRdKafka
import Logging

/// Creates topics through librdkafka's Admin API (`rd_kafka_CreateTopics`) on its own client
/// handle, and answers metadata and topic configuration questions; for tests, benchmarks and
/// `loopwatch topics`.
///
/// All methods block the calling thread (do not call them from the Swift concurrency pool
/// for long) and are safe to call from any thread. librdkafka's log lines go to `logger`
/// directly from librdkafka's threads (there is no poll thread).
///
/// librdkafka 2.0.2's mock cluster (``KafkaMockCluster``) does not implement CreateTopics: there,
/// create topics with ``KafkaMockCluster/createTopic(name:partitions:replicationFactor:)``.
public final class KafkaAdmin: Sendable {
    let client: RdKafkaClient

    /// What ``createTopics(_:timeout:)`` did with a topic.
    public enum TopicOutcome: Sendable, Hashable {
        /// The topic was created.
        case created
        /// The topic existed already (left as it is: its partitions and configuration unchanged).
        case alreadyExists
    }

    /// Creates the admin client (no connection is made until the first request).
    /// - Parameter configuration: at least `bootstrap.servers`; security properties as for any
    ///   client. Consumer-only properties and `transactional.id` are left out (the client is a
    ///   plain producer handle that never produces).
    /// - Throws: ``KafkaError`` with code `_INVALID_ARG` naming a bad configuration key.
    public init(configuration: KafkaConfiguration, logger: Logger) throws(KafkaError) {
        var effective = configuration.only(for: .producer)
        effective["transactional.id"] = nil
        client = try RdKafkaClient(
            type: RD_KAFKA_PRODUCER, configuration: effective, logger: logger, callbacks: .init(logQueue: false))
    }

    /// Creates `topics` in one CreateTopics request and waits for the broker's answer, at most
    /// `timeout` (which is also the broker's operation timeout). A topic that exists already is
    /// not an error (``TopicOutcome/alreadyExists``; it is not changed).
    /// - Returns: the outcome of each topic, by name.
    /// - Throws: ``KafkaError`` — `_INVALID_ARG` for a specification with fewer than one partition
    ///   or replica (before any request), the broker's per-topic error naming the topic (the
    ///   first topic's code when several failed, every failed topic in the message), or
    ///   `_TIMED_OUT` when no answer came in time.
    @discardableResult
    public func createTopics(_ topics: [KafkaTopicSpec], timeout: Duration) throws(KafkaError)
        -> [String: TopicOutcome]
    {
        guard !topics.isEmpty else { return [:] }
        var newTopics: [OpaquePointer?] = []
        defer { for topic in newTopics { rd_kafka_NewTopic_destroy(topic) } }
        for spec in topics {
            newTopics.append(try Self.newTopic(spec))
        }
        let what = "create topics \(topics.map(\.name).joined(separator: ", "))"
        let event = try request(RD_KAFKA_ADMIN_OP_CREATETOPICS, what, timeout: timeout) { options, queue in
            newTopics.withUnsafeMutableBufferPointer {
                rd_kafka_CreateTopics(client.kafka, $0.baseAddress, $0.count, options, queue)
            }
        }
        defer { rd_kafka_event_destroy(event) }
        return try Self.outcomes(event)
    }

    /// Partition counts of `topics` from a metadata request (at most `timeout`); topics the
    /// cluster does not know are absent. With no topics it only checks that a broker answers.
    /// - Throws: ``KafkaError`` when no broker answered in time (`_TRANSPORT`, `_TIMED_OUT`).
    public func partitionCounts(topics: [String], timeout: Duration) throws(KafkaError) -> [String: Int] {
        try client.partitionCounts(topics: topics, timeout: timeout)
    }

    /// Sends one Admin API request (`send` gets the options and the result queue) and waits for
    /// its result event, at most `timeout` (the request's and the broker's operation timeout).
    /// The caller destroys the event.
    func request(
        _ op: rd_kafka_admin_op_t, _ what: String, timeout: Duration,
        _ send: (OpaquePointer, OpaquePointer) -> Void
    ) throws(KafkaError) -> OpaquePointer {
        guard let options = rd_kafka_AdminOptions_new(client.kafka, op) else {
            throw KafkaError(code: .invalidArgument, message: "\(what): rd_kafka_AdminOptions_new failed")
        }
        defer { rd_kafka_AdminOptions_destroy(options) }
        var errstr = [CChar](repeating: 0, count: 512)
        let ms = Int32(timeout.kafkaMilliseconds)
        try KafkaError.check(
            rd_kafka_AdminOptions_set_request_timeout(options, ms, &errstr, errstr.count),
            context: "\(what): timeout \(timeout)")
        if op == RD_KAFKA_ADMIN_OP_CREATETOPICS {
            try KafkaError.check(
                rd_kafka_AdminOptions_set_operation_timeout(options, ms, &errstr, errstr.count),
                context: "\(what): timeout \(timeout)")
        }
        guard let queue = rd_kafka_queue_new(client.kafka) else {
            throw KafkaError(code: .invalidArgument, message: "\(what): rd_kafka_queue_new failed")
        }
        defer { rd_kafka_queue_destroy(queue) }
        send(options, queue)
        // librdkafka answers by the request timeout (with `_TIMED_OUT` if need be); the margin
        // only guards against it not doing so.
        guard let event = rd_kafka_queue_poll(queue, (timeout + .seconds(1)).kafkaMilliseconds) else {
            throw KafkaError(code: .timedOut, message: "\(what): no answer within \(timeout)")
        }
        let err = rd_kafka_event_error(event)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            let text = rd_kafka_event_error_string(event).map { String(cString: $0) } ?? KafkaErrorCode(err).text
            rd_kafka_event_destroy(event)
            throw KafkaError(code: KafkaErrorCode(err), message: "\(what): \(text)")
        }
        return event
    }

    private static func newTopic(_ spec: KafkaTopicSpec) throws(KafkaError) -> OpaquePointer {
        let context = "create topic \(spec.name)"
        guard spec.partitions >= 1, spec.replicationFactor >= 1 else {
            throw KafkaError(
                code: .invalidArgument,
                message: "\(context): partitions and replication factor must be at least 1 "
                    + "(got \(spec.partitions) and \(spec.replicationFactor))")
        }
        var errstr = [CChar](repeating: 0, count: 512)
        guard
            let topic = rd_kafka_NewTopic_new(
                spec.name, Int32(clamping: spec.partitions), Int32(clamping: spec.replicationFactor),
                &errstr, errstr.count)
        else {
            let text = errstr.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw KafkaError(code: .invalidArgument, message: "\(context): \(text)")
        }
        for (key, value) in spec.configs.sorted(by: { $0.key < $1.key }) {
            let err = rd_kafka_NewTopic_set_config(topic, key, value)
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
                rd_kafka_NewTopic_destroy(topic)
                throw KafkaError.from(err, context: "\(context): config \(key)")
            }
        }
        return topic
    }

    /// The per-topic outcomes of a CreateTopics result event; throws the topics' errors.
    private static func outcomes(_ event: OpaquePointer) throws(KafkaError)
        -> [String: TopicOutcome]
    {
        guard let result = rd_kafka_event_CreateTopics_result(event) else {
            let name = rd_kafka_event_name(event).map { String(cString: $0) } ?? "?"
            throw KafkaError(code: .state, message: "create topics: unexpected event \(name)")
        }
        var count = 0
        let results = rd_kafka_CreateTopics_result_topics(result, &count)
        var outcomes: [String: TopicOutcome] = [:]
        var failures: [(code: KafkaErrorCode, text: String)] = []
        for i in 0..<count {
            guard let topic = results?[i] else { continue }
            let name = String(cString: rd_kafka_topic_result_name(topic))
            let err = rd_kafka_topic_result_error(topic)
            let code = KafkaErrorCode(err)
            if err == RD_KAFKA_RESP_ERR_NO_ERROR {
                outcomes[name] = .created
            } else if err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS {
                outcomes[name] = .alreadyExists
            } else {
                let text = rd_kafka_topic_result_error_string(topic).map { String(cString: $0) } ?? code.text
                failures.append((code, "create topic \(name): \(text)"))
            }
        }
        if let first = failures.first {
            throw KafkaError(code: first.code, message: failures.map(\.text).joined(separator: "; "))
        }
        return outcomes
    }
}
