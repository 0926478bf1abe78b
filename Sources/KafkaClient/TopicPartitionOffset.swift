/// A topic-partition with an offset (and, for results, a per-partition error).
///
/// For commits the offset is the *next* offset to consume, i.e. the offset of
/// the last processed record plus one. Special offsets: ``beginning``, ``end``,
/// ``stored``, ``invalid`` (no offset, e.g. nothing committed yet).
public struct TopicPartitionOffset: Sendable, Hashable, CustomStringConvertible {
    /// `RD_KAFKA_OFFSET_BEGINNING`.
    public static let beginning: Int64 = -2
    /// `RD_KAFKA_OFFSET_END`.
    public static let end: Int64 = -1
    /// `RD_KAFKA_OFFSET_STORED`.
    public static let stored: Int64 = -1000
    /// `RD_KAFKA_OFFSET_INVALID`: no offset.
    public static let invalid: Int64 = -1001

    /// The topic name.
    public var topic: String
    /// The partition number.
    public var partition: Int32
    /// The offset.
    public var offset: Int64
    /// A per-partition error returned by librdkafka, if any.
    public var error: KafkaErrorCode?

    /// Creates a topic-partition-offset.
    public init(topic: String, partition: Int32, offset: Int64, error: KafkaErrorCode? = nil) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.error = error
    }

    /// The topic-partition without the offset.
    public var topicPartition: TopicPartition {
        TopicPartition(topic: topic, partition: partition)
    }

    /// `topic[partition]@offset`.
    public var description: String {
        "\(topic)[\(partition)]@\(offset)" + (error.map { " (\($0))" } ?? "")
    }
}
