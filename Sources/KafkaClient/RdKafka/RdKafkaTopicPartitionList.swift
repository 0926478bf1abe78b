import CRdKafka

/// An owned `rd_kafka_topic_partition_list_t`, destroyed on deinit.
///
/// Never shared between threads: created, used and dropped within one call.
final class RdKafkaTopicPartitionList {
    let pointer: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>

    init(capacity: Int = 0) {
        pointer = rd_kafka_topic_partition_list_new(Int32(max(capacity, 1)))
    }

    convenience init(_ partitions: [TopicPartition]) {
        self.init(capacity: partitions.count)
        for p in partitions {
            rd_kafka_topic_partition_list_add(pointer, p.topic, p.partition)
        }
    }

    convenience init(_ offsets: [TopicPartitionOffset]) {
        self.init(capacity: offsets.count)
        for p in offsets {
            rd_kafka_topic_partition_list_add(pointer, p.topic, p.partition).pointee.offset = p.offset
        }
    }

    /// Takes ownership of a list allocated by librdkafka.
    init(owning pointer: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) {
        self.pointer = pointer
    }

    deinit {
        rd_kafka_topic_partition_list_destroy(pointer)
    }

    var offsets: [TopicPartitionOffset] {
        Self.offsets(of: pointer)
    }

    var topicPartitions: [TopicPartition] {
        Self.topicPartitions(of: pointer)
    }

    static func offsets(of list: UnsafePointer<rd_kafka_topic_partition_list_t>?) -> [TopicPartitionOffset] {
        guard let list, let elems = list.pointee.elems else { return [] }
        return (0..<Int(list.pointee.cnt)).map { i in
            let e = elems[i]
            let err = e.err == RD_KAFKA_RESP_ERR_NO_ERROR ? nil : KafkaErrorCode(e.err)
            return TopicPartitionOffset(
                topic: String(cString: e.topic), partition: e.partition, offset: e.offset, error: err)
        }
    }

    static func topicPartitions(of list: UnsafePointer<rd_kafka_topic_partition_list_t>?) -> [TopicPartition] {
        offsets(of: list).map(\.topicPartition)
    }
}
