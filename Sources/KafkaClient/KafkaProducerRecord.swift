/// A record to produce.
public struct KafkaProducerRecord: Sendable {
    /// Destination topic.
    public var topic: String
    /// Destination partition, or `nil` to let the configured partitioner choose (by key).
    public var partition: Int32?
    /// Key bytes, or `nil` for no key.
    public var key: [UInt8]?
    /// Value bytes; `nil` produces a tombstone (null value).
    public var value: [UInt8]?
    /// Headers in order; a `nil` header value is a null header.
    public var headers: [(String, [UInt8]?)]
    /// Create time in milliseconds since the Unix epoch, or `nil` for "now".
    public var timestamp: Int64?

    /// Creates a record.
    public init(
        topic: String,
        partition: Int32? = nil,
        key: [UInt8]? = nil,
        value: [UInt8]?,
        headers: [(String, [UInt8]?)] = [],
        timestamp: Int64? = nil
    ) {
        self.topic = topic
        self.partition = partition
        self.key = key
        self.value = value
        self.headers = headers
        self.timestamp = timestamp
    }
}
