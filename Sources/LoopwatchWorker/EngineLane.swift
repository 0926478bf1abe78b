import Foundation
import KafkaClient
import LoopwatchCore
import Synchronization

/// One thread's share of applying a poll batch. Partitions are independent — each has its own
/// engine, its own input and its own changelog — so ``ProcessingCore`` hands the engines of the
/// partitions in a large batch to ``count`` lanes, which decode and apply their messages at
/// once. The lanes own their engines while they run (moved out of the core and back, never
/// shared) and keep what they produced apart — counters, dead letters with the place of their
/// message in the batch — for the core to merge in the order one thread would have produced.
///
/// Only the apply runs in lanes: firing deadlines and encoding the output stay on the loop's
/// thread (in lanes they were slower on two cores, where the Kafka client's threads need the
/// second one while a backlog of alerts is produced: Benchmarks/README.md).
struct EngineLane: Sendable {
    /// How many lanes run at once (the machine's cores, at most two: the Kafka client's own
    /// threads need the rest).
    static let count = max(1, min(2, ProcessInfo.processInfo.activeProcessorCount))

    /// The engines this lane runs this phase, by partition.
    var engines: [(partition: Int32, engine: SLAEngine)] = []
    /// Decoding scratch (storage reused across cycles).
    var run = EventBatch(capacity: 64)
    var stats = ProcessingCore.Stats()
    /// Dead letters, each with the index of its message in the poll batch.
    var deadLetters: [(index: Int, record: KafkaProducerRecord)] = []
    var deadLetterPartitions: Set<Int32> = []
    /// The latest `occurred_at` applied, by partition.
    var maxSeen: [Int32: Timestamp] = [:]

    /// Runs `body` for every lane, at once when there are several: one on the calling thread,
    /// the others on the system's worker threads (compute only: nothing here blocks). Each lane
    /// is moved into a box of its own for the run and back out after it, so no two threads ever
    /// see the same lane and no engine is copied.
    static func run(_ lanes: inout [EngineLane], _ body: @Sendable (inout EngineLane) -> Void) {
        if lanes.count == 1 {
            body(&lanes[0])
            return
        }
        let boxes = lanes.indices.map { i in Box(lane: lanes[i].take()) }
        DispatchQueue.concurrentPerform(iterations: boxes.count) { i in boxes[i].lane.withLock { body(&$0) } }
        for i in lanes.indices { lanes[i] = boxes[i].lane.withLock { $0.take() } }
    }

    /// One lane while it runs (the lock is never contended: one thread per box).
    final class Box: Sendable {
        let lane: Mutex<EngineLane>
        init(lane: consuming EngineLane) { self.lane = Mutex(lane) }
    }

    /// Moves this lane out, leaving an empty one.
    mutating func take() -> EngineLane {
        var out = EngineLane(run: EventBatch(capacity: 1))
        swap(&out, &self)
        return out
    }

    // MARK: Processing

    /// Decodes and applies this lane's messages of `batch` (`indices`, in batch order), a run of
    /// up to 64 messages of one partition at a time (``apply(_:to:run:stats:maxSeen:deadLetters:topics:decoder:now:)``).
    mutating func process(
        _ batch: [KafkaConsumerMessage], indices: [Int], slots: [Int32: Int], topics: ProcessingCore.Topics,
        decoder: EventDecoder, now: Timestamp
    ) {
        var i = 0
        var bad: [(Int, KafkaProducerRecord)] = []
        while i < indices.count {
            let p = batch[indices[i]].partition
            var j = i + 1
            while j < indices.count, j - i < 64, batch[indices[j]].partition == p { j += 1 }
            Self.apply(
                indices[i..<j].lazy.map { batch[$0] }, to: &engines[slots[p]!].engine, run: &run, stats: &stats,
                maxSeen: &maxSeen[p], deadLetters: &bad, topics: topics, decoder: decoder, now: now)
            if !bad.isEmpty {
                for (k, record) in bad { deadLetters.append((indices[i + k], record)) }
                deadLetterPartitions.insert(p)
                bad.removeAll(keepingCapacity: true)
            }
            i = j
        }
    }

    /// Applies one run of one partition's messages (at most 64, in order) to its engine: decodes
    /// them into `run`, warms the engine for the run (`SLAEngine.prefetch`), applies the events
    /// one by one. A bad message becomes a dead letter, appended to `deadLetters` with its place
    /// in the run; `maxSeen` keeps the latest `occurred_at` applied. The daemon's one path for
    /// it, on one thread (``ProcessingCore/process(_:now:)``) or in lanes.
    static func apply<C: Collection<KafkaConsumerMessage>>(
        _ messages: C, to engine: inout SLAEngine, run: inout EventBatch, stats: inout ProcessingCore.Stats,
        maxSeen: inout Timestamp?, deadLetters: inout [(Int, KafkaProducerRecord)], topics: ProcessingCore.Topics,
        decoder: EventDecoder, now: Timestamp
    ) {
        for (k, m) in messages.enumerated() {
            let bad: BadEvent?
            if let value = m.value {
                bad =
                    value.withUnsafeBytes { run.decode($0, with: decoder, now: now) }
                    ?? ProcessingCore.checkKeyOfLast(m, run: &run, stats: &stats)
            } else {
                bad = BadEvent(.emptyMessage, "the message has no value (null payload)")
            }
            if let bad {
                stats.bad[bad.reason, default: 0] += 1
                deadLetters.append((k, ProcessingCore.deadLetter(m, bad, topics: topics)))
            }
        }
        run.warm(&engine)
        for k in 0..<run.count {
            let at = run.occurredAt(k)
            if at > (maxSeen ?? .distantPast) { maxSeen = at }
            let result = run.apply(k, to: &engine)
            stats.events[result, default: 0] += 1
        }
        run.removeAll()
    }

    /// Ready for the next phase: no engines, no output (scratch storage kept).
    mutating func reset() {
        engines.removeAll(keepingCapacity: true)
        stats = ProcessingCore.Stats()
        deadLetters.removeAll(keepingCapacity: true)
        deadLetterPartitions.removeAll(keepingCapacity: true)
        maxSeen.removeAll(keepingCapacity: true)
    }
}
