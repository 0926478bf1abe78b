import KafkaClient
import LoopwatchCore

/// `kafka.repartition_topic` in the loop (SPEC §1 "Keying"). Group membership, as in Kafka
/// Streams: **one** consumer group (`kafka.group_id`) and one consumer subscribe to the input
/// topics *and* the repartition topic, and one transactional producer commits both stages —
/// stage 1's re-keyed records and dead letters, stage 2's alerts and changelog, and the offsets
/// of both — in one transaction. The range assignor gives each member repartition partition
/// `p` with state partition `p` (restored before `p` is processed); input partitions go
/// wherever the assignor puts them, since stage 1 holds no state. Stage 2 reads the repartition
/// topic read_committed, so it sees stage 1's records once their transaction committed.
extension PipelineLoop {
    /// The topics the consumer subscribes to: the inputs, and the repartition topic when set.
    static func subscription(_ kafka: LoopwatchConfig.Kafka) -> [String] {
        kafka.inputTopics + (kafka.repartitionTopic.map { [$0] } ?? [])
    }

    /// The repartition stage of `kafka.repartition_topic`: the topic with its partition count,
    /// looked up (retried while Kafka cannot be reached). Nil without one, or when a stop came
    /// first.
    static func repartitionStage(_ pipeline: Pipeline) throws(KafkaError) -> ProcessingCore.Repartition? {
        guard let topic = pipeline.config.kafka.repartitionTopic else { return nil }
        var backoff = Backoff.connect
        while !pipeline.stopRequested {
            do throws(KafkaError) {
                let probe = try KafkaProducer(configuration: pipeline.settings.plainProducer, logger: pipeline.logger)
                defer { probe.shutdown(timeout: .zero) }
                if let n = try probe.partitionCount(topic: topic, timeout: .seconds(10)), n > 0 {
                    return ProcessingCore.Repartition(topic: topic, partitions: Int32(n))
                }
                pipeline.logger.warning(
                    "the repartition topic does not exist; waiting", metadata: ["topic": "\(topic)"])
            } catch  where error.code == .invalidArgument {
                throw error
            } catch {
                pipeline.logger.warning(
                    "cannot read the repartition topic's partition count; retrying", metadata: ["error": "\(error)"])
            }
            backoff.wait(unless: { pipeline.stopRequested })
        }
        return nil
    }
}
