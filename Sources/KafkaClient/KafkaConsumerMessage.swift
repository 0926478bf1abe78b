import CRdKafka

/// A record read from Kafka.
public struct KafkaConsumerMessage: Sendable {
    /// The topic.
    public var topic: String
    /// The partition.
    public var partition: Int32
    /// The record's offset.
    public var offset: Int64
    /// Key bytes, or `nil` if the record has no key.
    public var key: [UInt8]?
    /// Value bytes, or `nil` for a tombstone.
    public var value: [UInt8]?
    /// Headers in order; a `nil` value is a null header.
    public var headers: [(String, [UInt8]?)]
    /// Timestamp in milliseconds since the epoch (create or log-append time), if available.
    public var timestamp: Int64?

    /// Creates a message (mostly for tests).
    public init(
        topic: String, partition: Int32, offset: Int64, key: [UInt8]?, value: [UInt8]?,
        headers: [(String, [UInt8]?)] = [], timestamp: Int64? = nil
    ) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.headers = headers
        self.timestamp = timestamp
    }

    /// Copies a successful librdkafka message.
    init(_ message: UnsafeMutablePointer<rd_kafka_message_t>) {
        let m = message.pointee
        topic = m.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? ""
        partition = m.partition
        offset = m.offset
        key = m.key.map { Array(UnsafeRawBufferPointer(start: $0, count: m.key_len)) }
        value = m.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: m.len)) }
        var type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let ts = rd_kafka_message_timestamp(message, &type)
        timestamp = type == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE ? nil : ts
        var parsed: [(String, [UInt8]?)] = []
        var hdrs: OpaquePointer?
        if rd_kafka_message_headers(message, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR, let hdrs {
            var index = 0
            var name: UnsafePointer<CChar>?
            var valuePointer: UnsafeRawPointer?
            var size = 0
            while rd_kafka_header_get_all(hdrs, index, &name, &valuePointer, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
                let headerName = name.map { String(cString: $0) } ?? ""
                parsed.append((headerName, valuePointer.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) }))
                index += 1
            }
        }
        headers = parsed
    }
}
