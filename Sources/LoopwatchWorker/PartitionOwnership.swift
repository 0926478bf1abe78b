import KafkaClient

/// Which input partitions this worker holds and how far along each is: assigned, read to its
/// end (caught up), or waiting for its state to be restored — and when a failed restore is
/// tried again.
///
/// Partition *numbers* are the unit of state: partition `p` of every input topic and of the
/// state topic belong together (co-partitioning), so a number is restored once and dropped only
/// when no input partition of that number is held any more. No I/O: the loop restores, pauses
/// and resumes; this type decides.
///
/// With `kafka.repartition_topic` the input topics are *stateless* (stage 1: re-keyed into the
/// repartition topic); their partitions are assigned, read and rewound like any other, but only
/// the repartition topic's partition numbers hold state.
struct PartitionOwnership: Sendable {
    /// Topics whose partitions hold no state (stage 1 inputs); empty without repartitioning.
    let stateless: Set<String>
    /// Input partitions currently assigned.
    private(set) var assigned: Set<TopicPartition> = []
    /// Input partitions read to their end: their deadlines run on the wall clock.
    private(set) var atEnd: Set<TopicPartition> = []
    /// Partition numbers whose restore failed; their input is paused until one succeeds.
    private(set) var unrestored: Set<Int32> = []
    /// The next offset to read of each assigned input partition, as far as this worker got.
    private var positions: [TopicPartition: Int64] = [:]
    /// Repartition partitions that stage 1 wrote to: not at their end before an end-of-partition
    /// at or past this offset — one that comes after those records, not a stale one from before.
    private var endAtLeast: [TopicPartition: Int64] = [:]
    /// Whether the group was joined at least once (the first assignment, even an empty one).
    private(set) var joined = false
    private var backoff = Backoff.restore
    private var retryAt = ContinuousClock.now

    init(stateless: Set<String> = []) { self.stateless = stateless }

    /// Whether `tp` holds state (every input partition, unless repartitioning).
    func isStateful(_ tp: TopicPartition) -> Bool { stateless.isEmpty || !stateless.contains(tp.topic) }

    /// Ready: joined, and every assigned partition restored. An empty assignment after the
    /// join is ready (more workers than partitions).
    var isReady: Bool { joined && unrestored.isEmpty }

    /// Numbers of the assigned partitions that hold state.
    var numbers: Set<Int32> { Set(assigned.lazy.filter(isStateful).map(\.partition)) }

    /// Takes `partitions` on; returns the numbers that must be restored (not held before).
    mutating func assign(_ partitions: [TopicPartition], holding owned: Set<Int32>) -> [Int32] {
        joined = true
        assigned.formUnion(partitions)
        return Set(partitions.lazy.filter(isStateful).map(\.partition)).subtracting(owned).sorted()
    }

    /// Gives `partitions` up; returns the numbers whose state must be dropped (no input
    /// partition of that number is held any more).
    mutating func release(_ partitions: [TopicPartition]) -> [Int32] {
        assigned.subtract(partitions)
        atEnd.subtract(partitions)
        for tp in partitions {
            positions[tp] = nil
            endAtLeast[tp] = nil
        }
        let dropped = Set(partitions.lazy.filter(isStateful).map(\.partition)).subtracting(numbers).sorted()
        for p in dropped { unrestored.remove(p) }
        return dropped
    }

    /// The partitions of number `p` that hold state (paused while `p` is not restored).
    func inputs(of p: Int32) -> [TopicPartition] {
        assigned.filter { $0.partition == p && isStateful($0) }.sorted()
    }

    // MARK: Progress

    /// A message of `tp` was read; `next` is the offset after it.
    mutating func consumed(_ tp: TopicPartition, next: Int64) {
        positions[tp] = next
        atEnd.remove(tp)
    }

    /// librdkafka reports the end of `tp` at `offset`: caught up unless messages before it
    /// are still to come.
    mutating func reachedEnd(_ tp: TopicPartition, at offset: Int64) {
        guard assigned.contains(tp), offset >= (positions[tp] ?? 0) else { return }
        if let least = endAtLeast[tp] {
            guard offset >= least else { return }
            endAtLeast[tp] = nil
        }
        atEnd.insert(tp)
    }

    /// Stage 1 just wrote re-keyed records to `tp` (uncommitted): held here, `tp` is not at its
    /// end until it was read past them, so their conversations' deadlines wait for them.
    mutating func awaitsRecords(_ tp: TopicPartition) {
        guard assigned.contains(tp) else { return }
        atEnd.remove(tp)
        endAtLeast[tp] = max(endAtLeast[tp] ?? 0, (positions[tp] ?? 0) + 1)
    }

    /// Whether every input partition of number `p` is read to its end — and, repartitioning,
    /// every stateless one held too (a stage-1 backlog may hold `p`'s next events).
    func isCaughtUp(_ p: Int32) -> Bool {
        assigned.allSatisfy { ($0.partition != p && isStateful($0)) || atEnd.contains($0) }
    }

    /// Input partitions not yet read to their end (the lag gauge).
    var lagging: Int { assigned.count - atEnd.count }

    /// After a rewind to the committed offsets nothing is known to be caught up.
    mutating func rewound() {
        atEnd.removeAll()
        positions.removeAll()
        endAtLeast.removeAll()
    }

    // MARK: Restore

    /// Partition `p` was restored; true when it had failed before (its input must be resumed).
    mutating func restored(_ p: Int32) -> Bool {
        let wasPending = unrestored.remove(p) != nil
        if unrestored.isEmpty { backoff.reset() }
        return wasPending
    }

    /// Restoring partition `p` failed; true when it had not failed before (pause its input).
    mutating func restoreFailed(_ p: Int32, now: ContinuousClock.Instant = .now) -> Bool {
        guard unrestored.insert(p).inserted else { return false }
        retryAt = now + backoff.next()
        return true
    }

    /// Whether failed restores are due to be tried again.
    func retryDue(now: ContinuousClock.Instant = .now) -> Bool { !unrestored.isEmpty && now >= retryAt }

    /// A retry round ended with restores still failing: wait longer before the next.
    mutating func retryFailed(now: ContinuousClock.Instant = .now) {
        retryAt = now + backoff.next()
    }
}
