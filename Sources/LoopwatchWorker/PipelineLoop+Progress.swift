import KafkaClient

extension PipelineLoop {
    /// Notes how far each input partition was read: once per run of one partition's messages
    /// (its last, highest offset), not per message — a `TopicPartition` (a String) hashed per
    /// message was a visible share of the cycle.
    func noteConsumed(_ messages: [KafkaConsumerMessage]) {
        var k = messages.startIndex
        while k != messages.endIndex {
            let m = messages[k]
            k += 1
            if k != messages.endIndex, messages[k].partition == m.partition, messages[k].topic == m.topic { continue }
            let tp = TopicPartition(topic: m.topic, partition: m.partition)
            offsets[tp] = m.offset + 1
            ownership.consumed(tp, next: m.offset + 1)
        }
    }

    /// Stage 1's re-keyed records of this cycle: the repartition partitions they went to wait
    /// for them before their deadlines run on the wall clock again (``PartitionOwnership/awaitsRecords(_:)``).
    func noteRekeyed(_ records: [KafkaProducerRecord], topic: String) {
        var seen = Set<Int32>()
        for r in records where r.topic == topic {
            guard let p = r.partition, seen.insert(p).inserted else { continue }
            ownership.awaitsRecords(TopicPartition(topic: topic, partition: p))
        }
    }
}
