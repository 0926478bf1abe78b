import CRdKafka

/// What one poll returned, including partitions that reached their end.
public struct KafkaPollResult: Sendable {
    /// The records, in order per partition.
    public var messages: [KafkaConsumerMessage]
    /// Partitions that reached the end of what can be read (with `read_committed`: the last
    /// stable offset), with the end offset. Only reported with `enable.partition.eof=true`.
    public var ends: [TopicPartitionOffset]
}

extension KafkaConsumer {
    /// Like ``poll(maxMessages:timeout:)``, but also reports partition ends — how a caller
    /// learns it has caught up with a partition. Set `enable.partition.eof=true` to get them.
    public func pollWithEnds(maxMessages: Int, timeout: Duration) throws(KafkaError) -> KafkaPollResult {
        client.serveLogs()
        let batch = try queue.consumeBatch(maxMessages: maxMessages, timeout: timeout)
        client.serveLogs()
        fetchWaker.took(batch.messages.count, queued: Int(rd_kafka_queue_length(queue.pointer)))
        if batch.errors.contains(where: \.isFatal), let fatal = client.fatalError() { throw fatal }
        return KafkaPollResult(messages: batch.messages, ends: batch.endOfPartition)
    }

    /// ``pollWithEnds(maxMessages:timeout:)`` with the rebalances it triggers delivered to
    /// `onRebalance` — synchronously, on the calling thread, before librdkafka applies them —
    /// instead of the consumer's handler. The handler need not be `Sendable`: a loop that owns
    /// its thread can let it change the loop's own state.
    public func pollWithEnds(
        maxMessages: Int, timeout: Duration, onRebalance: (KafkaRebalanceEvent) -> Void
    ) throws(KafkaError) -> KafkaPollResult {
        try client.context.scopedRebalanceHandler.with(onRebalance) { () throws(KafkaError) in
            try pollWithEnds(maxMessages: maxMessages, timeout: timeout)
        }
    }
}
