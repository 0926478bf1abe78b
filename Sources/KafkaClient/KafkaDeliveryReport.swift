/// Where a produced record was persisted.
public struct KafkaDeliveryReport: Sendable, Hashable {
    /// The topic.
    public var topic: String
    /// The partition the record was written to.
    public var partition: Int32
    /// The record's offset (may be `TopicPartitionOffset.invalid` if the broker did not return one).
    public var offset: Int64
    /// The record's timestamp in milliseconds since the epoch, if known.
    public var timestamp: Int64?

    /// Creates a delivery report.
    public init(topic: String, partition: Int32, offset: Int64, timestamp: Int64?) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.timestamp = timestamp
    }
}
