import CRdKafka

/// A consumer's group metadata (group id, generation, member id) for
/// ``KafkaTransactionalProducer/sendOffsetsToTransaction(offsets:groupMetadata:timeout:)``.
///
/// `@unchecked Sendable`: wraps an immutable `rd_kafka_consumer_group_metadata_t`
/// that is only read after creation and freed once in `deinit`.
public final class KafkaConsumerGroupMetadata: @unchecked Sendable {
    let pointer: OpaquePointer

    init(owning pointer: OpaquePointer) {
        self.pointer = pointer
    }

    /// Metadata naming only a group id (no generation/member fencing); prefer
    /// ``KafkaConsumer/groupMetadata()`` so zombie members are fenced.
    public convenience init(groupID: String) {
        self.init(owning: rd_kafka_consumer_group_metadata_new(groupID))
    }

    deinit {
        rd_kafka_consumer_group_metadata_destroy(pointer)
    }
}
