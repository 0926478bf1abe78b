import KafkaClient
import LoopwatchCore

extension PipelineLoop {
    /// Restores partitions `numbers` from the state topic, all in one read (librdkafka fetches
    /// them together while the engines are rebuilt here); each partition's input resumes as
    /// soon as it is complete. On failure the partitions not complete are paused and retried later.
    func restore(partitions numbers: [Int32]) {
        guard !numbers.isEmpty else { return }
        let started = ContinuousClock.now
        // Any engine held for them goes first: a failed read must leave none behind.
        for p in numbers { core.close(partition: p) }
        var restore = core.beginRestore(of: numbers)
        defer { core.noteRestored(restore) }
        var complete: Set<Int32> = []
        do {
            try reader.readAll(topic: config.kafka.stateTopic, partitions: numbers) { p, offsets in
                restore.reserve(partition: p, records: offsets)
            } record: { p, key, value in
                restore.apply(partition: p, key: key, value: value)
            } end: { p, count in
                complete.insert(p)
                core.adopt(partition: p, from: &restore)
                let took = ContinuousClock.now - started
                metrics.restoreDuration.record(seconds(took))
                if ownership.restored(p) { try? consumer.resume(ownership.inputs(of: p)) }
                logger.info(
                    "partition restored",
                    metadata: [
                        "partition": "\(p)", "records": "\(count)",
                        "conversations": "\(core.engines[p]?.conversationCount ?? 0)", "took": "\(took)",
                    ])
            }
        } catch {
            let failed = numbers.filter { !complete.contains($0) }
            logger.error(
                "restoring partitions failed; their input is paused until it succeeds",
                metadata: ["partitions": "\(failed)", "error": "\(error)"])
            for p in failed {
                if ownership.restoreFailed(p) { try? consumer.pause(ownership.inputs(of: p)) }
            }
        }
    }

    func retryRestores() {
        restore(partitions: ownership.unrestored.sorted())
        if !ownership.unrestored.isEmpty { ownership.retryFailed() }
        updateStatus()
    }
}
