import KafkaClient

/// Which partitions keep their changelog records — and, with them, their input offsets — back
/// for now, while they catch up on a backlog.
///
/// A partition that lags after an outage applies its backlog at the pipe's speed, and every
/// event changes a conversation's state. Written as they arise, those states would go out once
/// per cycle, and again — or as a tombstone — when the conversations' overdue deadlines fire
/// after the partition has caught up: two records or more per conversation where one does. So a
/// lagging partition with deadlines already due on the wall clock (*overdue*: only its lag keeps
/// them back) writes no changelog and commits no input offset while it produces nothing else;
/// its changes pile up in its engine (the latest state of each changed conversation) and go out
/// together, with the offsets, when it flushes:
///
/// - at once, when it has a dead letter to write, or an alert while it is not releasing a
///   backlog — an alert or a dead letter is committed with the state and the offsets it came
///   from, so alerts wait for nothing, however often a busy partition lags a poll behind;
/// - once it is caught up and its backlog of due deadlines is released (over several budgeted
///   cycles: the alerts of a holding partition wait in its engine meanwhile), up to
///   ``flushBudget`` conversations per cycle (several partitions catching up at once flush over
///   a few cycles);
/// - when it has held for ``maxAge``, or holds ``maxChanges`` conversations and alerts — a crash
///   re-reads at most that much input, and a flush stays a bounded transaction;
/// - before its partitions are revoked and at a graceful stop (``PipelineLoop``).
///
/// Exactly-once is kept per partition: a transaction either carries a partition's offsets
/// together with the state of every conversation they changed, or neither. A rollback drops
/// what is held (``reset()``): it was never written, and the input is read again from the
/// committed offsets. A partition that is caught up and was not holding flushes every cycle,
/// as before: in a steady state nothing changes. Nor does a lagging partition with nothing due
/// (new traffic read late): holding would only put its writes off until it has caught up, where
/// they overlap its reading now.
struct ChangelogHold: Sendable {
    /// A held partition flushes after this long.
    static let maxAge = Duration.seconds(10)
    /// A held partition flushes once this many of its conversations wait to be written.
    static let maxChanges = 50_000
    /// Caught-up partitions that held flush at most this many conversations per cycle in all
    /// (the first one always flushes).
    static let flushBudget = 20_000

    /// What the loop knows of one owned partition number this cycle.
    struct Candidate: Sendable, Equatable {
        var partition: Int32
        /// Conversations whose changelog record waits (at most).
        var changes: Int
        /// Alerts waiting in its engine.
        var alerts: Int = 0
        /// It has a dead letter to write this cycle.
        var deadLetters = false
        /// Every input partition of this number is read to its end.
        var caughtUp: Bool
        /// A deadline of its is due on the wall clock already: it fires once caught up.
        var overdue = true
        /// Its due deadlines are not all released yet (the tick's budget ran out).
        var backlogged = false
    }

    /// Off with `processing.guarantee` settings that cannot hold (none today) or repartitioning.
    let enabled: Bool
    /// When each holding partition began to hold.
    private(set) var since: [Int32: ContinuousClock.Instant] = [:]
    /// The input offsets of holding partitions (the next offset to read), not yet handed out.
    private(set) var offsets: [TopicPartition: Int64] = [:]

    init(enabled: Bool) { self.enabled = enabled }

    /// Whether nothing is held.
    var isEmpty: Bool { since.isEmpty && offsets.isEmpty }

    /// The partition numbers to hold this cycle, out of `candidates`.
    mutating func decide(_ candidates: [Candidate], now: ContinuousClock.Instant = .now) -> Set<Int32> {
        guard enabled else {
            since.removeAll()
            return []
        }
        var held: Set<Int32> = []
        var flushed = 0
        var optional: [Candidate] = []
        for c in candidates {
            let started = since[c.partition]
            let releasing = started != nil && c.backlogged
            if c.deadLetters || (c.alerts > 0 && !releasing) || c.changes + c.alerts >= Self.maxChanges
                || started.map({ now - $0 >= Self.maxAge }) == true
            {
                flushed += c.changes + c.alerts
                since[c.partition] = nil
            } else if (!c.caughtUp && (c.overdue || started != nil)) || releasing {
                held.insert(c.partition)
                if started == nil { since[c.partition] = now }
            } else if started != nil {
                optional.append(c)  // caught up after holding: flushes within the budget
            }  // else caught up and not holding: flushes every cycle, as before
        }
        for c in optional {
            if flushed == 0 || flushed + c.changes <= Self.flushBudget {
                flushed += c.changes
                since[c.partition] = nil
            } else {
                held.insert(c.partition)
            }
        }
        return held
    }

    /// Moves the cycle's input offsets of `held` partitions out of `cycle` into the hold, and
    /// the held offsets of partitions no longer holding back into `cycle` (the later offset of
    /// the two wins). Only `stateful` topic partitions are held.
    mutating func exchange(
        _ cycle: inout [TopicPartition: Int64], held: Set<Int32>, stateful: (TopicPartition) -> Bool
    ) {
        if !held.isEmpty {
            for (tp, next) in cycle where held.contains(tp.partition) && stateful(tp) {
                offsets[tp] = max(offsets[tp] ?? next, next)
                cycle[tp] = nil
            }
        }
        for (tp, next) in offsets where !held.contains(tp.partition) {
            cycle[tp] = max(cycle[tp] ?? next, next)
            offsets[tp] = nil
        }
    }

    /// Hands every held offset back to `cycle` (a flush of everything: revoke, stop).
    mutating func releaseAll(into cycle: inout [TopicPartition: Int64]) {
        exchange(&cycle, held: [], stateful: { _ in false })
        since.removeAll()
    }

    /// Forgets partitions `numbers` (no longer owned).
    mutating func drop(_ numbers: some Sequence<Int32>) {
        for p in numbers {
            since[p] = nil
            for tp in offsets.keys where tp.partition == p { offsets[tp] = nil }
        }
    }

    /// Drops everything held: the state is rebuilt from the changelog and the input re-read.
    mutating func reset() {
        since.removeAll()
        offsets.removeAll()
    }
}
