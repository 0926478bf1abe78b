import CRdKafka
import Logging

/// Owner of one `rd_kafka_t` handle and the context its C callbacks use.
///
/// `@unchecked Sendable`: wraps C pointers; librdkafka handles are thread-safe and
/// the handle is destroyed exactly once, in `deinit`, when no caller can use it.
final class RdKafkaClient: @unchecked Sendable {
    let kafka: OpaquePointer
    let context: KafkaClientContext
    private let contextRef: Unmanaged<KafkaClientContext>
    private let logQueue: OpaquePointer?

    /// Which C callbacks to install.
    struct Callbacks {
        var deliveryReports = false
        var rebalance: KafkaRebalanceHandler?
        /// Install the rebalance callback (consumers): it serves ``rebalance`` and the handlers
        /// passed to single polls.
        var rebalanceCallback = false
        /// Deliver logs through a dedicated log queue served by ``serveLogs()``;
        /// when false logs are forwarded directly from librdkafka's threads.
        var logQueue = true
    }

    init(type: rd_kafka_type_t, configuration: KafkaConfiguration, logger: Logger, callbacks: Callbacks)
        throws(KafkaError)
    {
        let context = KafkaClientContext(
            logger: logger, secretValues: configuration.secretValues, rebalanceHandler: callbacks.rebalance)
        guard let conf = rd_kafka_conf_new() else {
            throw KafkaError(code: .invalidArgument, message: "rd_kafka_conf_new failed")
        }
        var confOwned = true
        defer { if confOwned { rd_kafka_conf_destroy(conf) } }

        var entries = configuration.entries
        if callbacks.logQueue { entries.append(("log.queue", "true")) }
        for (key, value) in entries {
            try Self.set(conf, key: key, value: value, secret: configuration.isSecret(key))
        }
        rd_kafka_conf_set_log_cb(conf) { kafka, level, facility, message in
            guard let context = KafkaClientContext.of(kafka) else { return }
            context.log(
                level: level,
                facility: facility.map { String(cString: $0) } ?? "",
                message: message.map { String(cString: $0) } ?? ""
            )
        }
        if callbacks.deliveryReports {
            rd_kafka_conf_set_dr_msg_cb(conf) { kafka, message, _ in
                guard let message else { return }
                KafkaDeliveryCallback.complete(message, context: KafkaClientContext.of(kafka))
            }
        }
        if callbacks.rebalanceCallback || callbacks.rebalance != nil {
            rd_kafka_conf_set_rebalance_cb(conf) { kafka, err, partitions, _ in
                guard let kafka else { return }
                KafkaRebalanceDispatcher.handle(kafka: kafka, err: err, partitions: partitions)
            }
        }
        let contextRef = Unmanaged.passRetained(context)
        rd_kafka_conf_set_opaque(conf, contextRef.toOpaque())

        var errstr = [CChar](repeating: 0, count: 512)
        guard let kafka = rd_kafka_new(type, conf, &errstr, errstr.count) else {
            contextRef.release()
            let text = errstr.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw KafkaError(code: .invalidArgument, message: "rd_kafka_new failed: \(context.scrub(text))")
        }
        confOwned = false  // rd_kafka_new took ownership

        self.kafka = kafka
        self.context = context
        self.contextRef = contextRef
        if callbacks.logQueue, let queue = rd_kafka_queue_new(kafka) {
            rd_kafka_set_log_queue(kafka, queue)
            self.logQueue = queue
        } else {
            self.logQueue = nil
        }
    }

    deinit {
        serveLogs()
        if let logQueue {
            rd_kafka_set_log_queue(kafka, nil)
            rd_kafka_queue_destroy(logQueue)
        }
        rd_kafka_destroy(kafka)
        contextRef.release()
    }

    var logger: Logger { context.logger }

    /// Serves pending log lines (non-blocking). Call from the client's poll thread.
    func serveLogs() {
        if let logQueue {
            _ = rd_kafka_queue_poll_callback(logQueue, 0)
        }
    }

    private static func set(_ conf: OpaquePointer, key: String, value: String, secret: Bool) throws(KafkaError) {
        var errstr = [CChar](repeating: 0, count: 512)
        let result = rd_kafka_conf_set(conf, key, value, &errstr, errstr.count)
        guard result != RD_KAFKA_CONF_OK else { return }
        let detail: String
        if secret {
            detail =
                result == RD_KAFKA_CONF_UNKNOWN
                ? "unknown property" : "invalid value \(KafkaConfiguration.redactionMarker)"
        } else {
            detail = errstr.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        }
        throw KafkaError(code: .invalidArgument, message: "configuration property '\(key)': \(detail)")
    }

    /// The fatal error of this instance, if one was raised.
    func fatalError() -> KafkaError? {
        var errstr = [CChar](repeating: 0, count: 512)
        let err = rd_kafka_fatal_error(kafka, &errstr, errstr.count)
        guard err != RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
        let text = errstr.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        return KafkaError(code: KafkaErrorCode(err), message: context.scrub(text), isFatal: true)
    }

    /// Partition counts of the given topics from a full metadata request; unknown topics are absent.
    func partitionCounts(topics: [String], timeout: Duration) throws(KafkaError) -> [String: Int] {
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let err = rd_kafka_metadata(kafka, 1, nil, &metadata, Int32(timeout.kafkaMilliseconds))
        try KafkaError.check(err, context: "metadata request")
        guard let metadata else { return [:] }
        defer { rd_kafka_metadata_destroy(metadata) }
        let wanted = Set(topics)
        var counts: [String: Int] = [:]
        for i in 0..<Int(metadata.pointee.topic_cnt) {
            let topic = metadata.pointee.topics[i]
            let name = String(cString: topic.topic)
            if wanted.contains(name), topic.err == RD_KAFKA_RESP_ERR_NO_ERROR {
                counts[name] = Int(topic.partition_cnt)
            }
        }
        return counts
    }

    /// Creates this client's handle of `topic` and loads the topic's metadata through it, so the
    /// client knows its partitions from now on. Returns the partition count, nil when the
    /// cluster does not know the topic.
    func loadTopic(_ topic: String, timeout: Duration) throws(KafkaError) -> Int? {
        guard let handle = rd_kafka_topic_new(kafka, topic, nil) else {
            throw KafkaError.from(rd_kafka_last_error(), context: "topic \(topic)")
        }
        // librdkafka keeps the topic (its partitions hold it) after the application's handle goes.
        defer { rd_kafka_topic_destroy(handle) }
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let err = rd_kafka_metadata(kafka, 0, handle, &metadata, Int32(timeout.kafkaMilliseconds))
        try KafkaError.check(err, context: "metadata request for \(topic)")
        guard let metadata else { return nil }
        defer { rd_kafka_metadata_destroy(metadata) }
        for i in 0..<Int(metadata.pointee.topic_cnt) {
            let t = metadata.pointee.topics[i]
            if String(cString: t.topic) == topic, t.err == RD_KAFKA_RESP_ERR_NO_ERROR, t.partition_cnt > 0 {
                return Int(t.partition_cnt)
            }
        }
        return nil
    }
}
