import CRdKafka

/// Per-message completion passed to librdkafka as the message opaque and
/// invoked exactly once from the delivery report callback (on the poll thread).
final class KafkaDeliveryCallback: Sendable {
    private let completion: @Sendable (Result<KafkaDeliveryReport, KafkaError>) -> Void

    init(_ completion: @escaping @Sendable (Result<KafkaDeliveryReport, KafkaError>) -> Void) {
        self.completion = completion
    }

    /// Called by the dr_msg_cb for every message; consumes the retained opaque.
    static func complete(_ message: UnsafePointer<rd_kafka_message_t>) {
        guard let opaque = message.pointee._private else { return }
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
            var text = KafkaErrorCode(m.err).text
            if let detail = rd_kafka_message_errstr(message) {
                text = String(cString: detail)
            }
            callback.completion(
                .failure(
                    KafkaError(
                        code: KafkaErrorCode(m.err),
                        message: "delivery to \(topic)[\(m.partition)] failed: \(text)",
                        isFatal: m.err == RD_KAFKA_RESP_ERR__FATAL)))
        }
    }
}
