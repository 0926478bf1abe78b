import KafkaClient

/// What a sink has taken since its last commit: when that began and the input offsets it
/// accounts for. Both sinks keep one.
struct UncommittedOutput: Sendable {
    /// When the output not yet committed began; nil when there is none.
    private(set) var openedAt: ContinuousClock.Instant?
    private var offsets: [TopicPartition: Int64] = [:]

    /// Whether nothing was taken yet (the next `take` opens it).
    var isEmpty: Bool { openedAt == nil }

    /// Notes the consumed `offsets` (next offset to read per input partition), opening the output.
    mutating func take(_ offsets: [TopicPartition: Int64]) {
        if openedAt == nil { openedAt = .now }
        self.offsets.merge(offsets) { _, new in new }
    }

    /// The offsets to commit with the output.
    var offsetList: [TopicPartitionOffset] {
        offsets.map { TopicPartitionOffset(topic: $0.key.topic, partition: $0.key.partition, offset: $0.value) }
    }

    /// Committed or abandoned: nothing is uncommitted any more.
    mutating func clear() {
        openedAt = nil
        offsets.removeAll(keepingCapacity: true)
    }
}
