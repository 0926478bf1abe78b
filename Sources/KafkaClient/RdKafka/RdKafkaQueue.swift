import CRdKafka

/// Owner of an `rd_kafka_queue_t` (e.g. the consumer queue).
///
/// `@unchecked Sendable`: wraps a C pointer; librdkafka queues are thread-safe and
/// this object keeps its client alive so the queue is destroyed before the handle.
final class RdKafkaQueue: @unchecked Sendable {
    let pointer: OpaquePointer
    let client: RdKafkaClient

    init(pointer: OpaquePointer, client: RdKafkaClient) {
        self.pointer = pointer
        self.client = client
    }

    deinit {
        rd_kafka_queue_destroy(pointer)
    }

    /// The outcome of one `rd_kafka_consume_batch_queue` call.
    struct Batch {
        var messages: [KafkaConsumerMessage] = []
        /// Partitions that reached their end (only with `enable.partition.eof=true`), at the given offset.
        var endOfPartition: [TopicPartitionOffset] = []
        /// Consumer errors delivered as messages (already logged).
        var errors: [KafkaError] = []
    }

    /// Blocks for at most `timeout` waiting for up to `maxMessages` messages; serves
    /// callbacks (rebalance, logs forwarded to this queue) on the calling thread.
    func consumeBatch(maxMessages: Int, timeout: Duration) throws(KafkaError) -> Batch {
        var messages: [KafkaConsumerMessage] = []
        let events = try consumeBorrowed(maxMessages: maxMessages, timeout: timeout) { message in
            messages.append(KafkaConsumerMessage(message))
            return true
        }
        return Batch(messages: messages, endOfPartition: events.endOfPartition, errors: events.errors)
    }

    /// What ``consumeBorrowed(maxMessages:timeout:_:)`` saw besides records.
    struct Events {
        /// How many records were handed to the body.
        var records = 0
        /// Partitions that reached their end, at the given offset.
        var endOfPartition: [TopicPartitionOffset] = []
        /// Consumer errors delivered as messages (already logged).
        var errors: [KafkaError] = []
    }

    /// Like ``consumeBatch(maxMessages:timeout:)``, but hands each successful message to `body`
    /// in place (no copy of key, value or headers); the pointer is valid only during the call.
    /// `body` returns false to stop: the rest of the batch is then destroyed unseen.
    func consumeBorrowed(
        maxMessages: Int, timeout: Duration, _ body: (UnsafeMutablePointer<rd_kafka_message_t>) -> Bool
    ) throws(KafkaError) -> Events {
        let capacity = max(1, maxMessages)
        let buffer = UnsafeMutablePointer<UnsafeMutablePointer<rd_kafka_message_t>?>.allocate(capacity: capacity)
        defer { buffer.deallocate() }
        let count = rd_kafka_consume_batch_queue(pointer, Int32(timeout.kafkaMilliseconds), buffer, capacity)
        if count < 0 {
            throw KafkaError.from(rd_kafka_last_error(), context: "consume batch")
        }
        var next = 0
        defer { for i in next..<count { if let m = buffer[i] { rd_kafka_message_destroy(m) } } }
        var events = Events()
        while next < count {
            let i = next
            next += 1
            guard let message = buffer[i] else { continue }
            defer { rd_kafka_message_destroy(message) }
            let err = message.pointee.err
            if err == RD_KAFKA_RESP_ERR_NO_ERROR {
                guard body(message) else { break }
                events.records += 1
            } else if err == RD_KAFKA_RESP_ERR__PARTITION_EOF {
                let m = message.pointee
                let topic = m.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? ""
                events.endOfPartition.append(
                    TopicPartitionOffset(topic: topic, partition: m.partition, offset: m.offset))
            } else {
                let text = rd_kafka_message_errstr(message).map { String(cString: $0) } ?? KafkaErrorCode(err).text
                let error = KafkaError(
                    code: KafkaErrorCode(err), message: client.context.scrub(text),
                    isFatal: err == RD_KAFKA_RESP_ERR__FATAL)
                client.logger.warning("consumer error", metadata: ["error": "\(error)"])
                events.errors.append(error)
            }
        }
        return events
    }
}
