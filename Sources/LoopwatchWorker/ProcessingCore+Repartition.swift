import KafkaClient
import LoopwatchCore

/// Stage 1 of `kafka.repartition_topic` (SPEC §1 "Keying"): every input message is validated
/// and re-keyed by its `conversation_id` into the repartition topic, partitioned as the Java
/// clients do (murmur2), in the transaction that holds its input offset. Stage 2 — the engines —
/// then reads the repartition topic, co-partitioned with the state topic.
extension ProcessingCore {
    /// The repartition topic and its partitioner.
    struct Repartition: Sendable {
        var topic: String
        var partitioner: Murmur2Partitioner

        init(topic: String, partitions: Int32) {
            self.topic = topic
            partitioner = Murmur2Partitioner(partitions: partitions)
        }
    }

    /// Whether `m` is stage-1 input: repartitioning is on and `m` is not from the repartition topic.
    @inline(__always)
    func isStageOne(_ m: KafkaConsumerMessage) -> Bool {
        guard let r = topics.repartition else { return false }
        return m.topic != r.topic
    }

    /// Stage 1 for one input message: a bad event becomes a dead letter with its own
    /// `loopwatch.source`; a good one is produced to the repartition topic — value, headers and
    /// timestamp unchanged, key its `conversation_id`, partition murmur2 of that key — with a
    /// `loopwatch.source` header naming where it came from, for stage 2's dead letters.
    mutating func repartition(_ m: KafkaConsumerMessage, into r: Repartition, now: Timestamp) {
        let bad: BadEvent?
        if let value = m.value {
            bad = value.withUnsafeBytes { decoder.decode($0, now: now, into: &scratch) }
        } else {
            bad = BadEvent(.emptyMessage, "the message has no value (null payload)")
        }
        if let bad {
            stats.bad[bad.reason, default: 0] += 1
            pending.append(deadLetter(m, bad))
            return
        }
        let key = Array(scratch.conversationID.utf8)
        var headers = m.headers
        headers.append((Self.sourceHeader, Array(Self.source(of: m).utf8)))
        pending.append(
            KafkaProducerRecord(
                topic: r.topic, partition: r.partitioner.partition(of: key), key: key, value: m.value,
                headers: headers, timestamp: m.timestamp))
        stats.repartitioned += 1
    }
}
