import CRdKafka

/// Per-message completion passed to librdkafka as the message opaque and
/// invoked exactly once from the delivery report callback (on the poll thread).
///
/// A message produced without one (a null opaque) costs its delivery report nothing when it
/// succeeds; a failure is logged through the client's logger.
final class KafkaDeliveryCallback: Sendable {
    private let completion: @Sendable (Result<KafkaDeliveryReport, KafkaError>) -> Void

    init(_ completion: @escaping @Sendable (Result<KafkaDeliveryReport, KafkaError>) -> Void) {
        self.completion = completion
    }

    /// Called by the dr_msg_cb for every message; consumes the retained opaque.
    static func complete(_ message: UnsafePointer<rd_kafka_message_t>, context: KafkaClientContext?) {
        guard let opaque = message.pointee._private else {
            if message.pointee.err != RD_KAFKA_RESP_ERR_NO_ERROR, let context {
                context.logger.warning("record delivery failed", metadata: ["error": "\(failure(message))"])
            }
            return
        }
        let callback = Unmanaged<KafkaDeliveryCallback>.fromOpaque(opaque).takeRetainedValue()
        let m = message.pointee
        let topic = m.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? ""
        if m.err == RD_KAFKA_RESP_ERR_NO_ERROR {
            var type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
            let ts = rd_kafka_message_timestamp(message, &type)
            callback.completion(
                .success(
                    KafkaDeliveryReport(
                        topic: topic, partition: m.partition, offset: m.offset,
                        timestamp: type == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE ? nil : ts)))
        } else {
            callback.completion(.failure(failure(message)))
        }
    }

    /// The error of a failed delivery.
    static func failure(_ message: UnsafePointer<rd_kafka_message_t>) -> KafkaError {
        let m = message.pointee
        let topic = m.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? ""
        // Not rd_kafka_message_errstr: for a producer's message that is its payload, not a
        // string (librdkafka: "MUST NOT be used with the producer").
        let text = KafkaErrorCode(m.err).text
        return KafkaError(
            code: KafkaErrorCode(m.err), message: "delivery to \(topic)[\(m.partition)] failed: \(text)",
            isFatal: m.err == RD_KAFKA_RESP_ERR__FATAL)
    }
}
