/// A consumer group rebalance notification delivered to a ``KafkaRebalanceHandler``.
///
/// With the eager protocols (`range`, `roundrobin`) every rebalance revokes the
/// whole assignment and then assigns the new one. With `cooperative-sticky` the
/// lists are incremental: only the partitions added or taken away.
public enum KafkaRebalanceEvent: Sendable, Hashable {
    /// Partitions were assigned to this member; fetching starts after the handler returns.
    case assigned([TopicPartition])
    /// Partitions are being revoked in an orderly way; the handler may still commit
    /// their offsets (or transactions) before they are released.
    case revoked([TopicPartition])
    /// Partitions were lost (session timeout, fenced member): another member may
    /// already own them, so committing their offsets will fail.
    case lost([TopicPartition])
}

/// Called synchronously from the consumer's polling thread (inside
/// ``KafkaConsumer/poll(maxMessages:timeout:)``, the ``KafkaConsumer/batches(maxMessages:pollTimeout:)``
/// thread, or ``KafkaConsumer/close()``) before librdkafka applies the change.
public typealias KafkaRebalanceHandler = @Sendable (KafkaRebalanceEvent) -> Void
