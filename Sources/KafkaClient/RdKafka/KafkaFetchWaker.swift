import CRdKafka
import Dispatch
import Synchronization

/// Wakes a consumer's fetcher after its queue has drained, on a thread of its own.
///
/// Serves both ``KafkaConsumer`` (a group member: its assignment comes from the group) and
/// ``KafkaPartitionReader`` (its assignment is set with `rd_kafka_assign`); either way the
/// partitions to wake are the handle's current assignment (`rd_kafka_assignment`), read when the
/// wake-up is sent, so an assignment that changed since ``took(_:queued:)`` is woken as it is now.
/// Its owner calls ``stop()`` before closing the handle.
///
/// librdkafka 2.0.2 stops fetching every partition while the consumer's queue holds
/// `queued.min.messages` and is not told when the application drains it: it looks again only at
/// its broker thread's next wake-up, which without traffic is up to a second later. A worker
/// catching up on a backlog stalled that long each time its queue filled (1.28 s in a debug log of
/// the end-to-end benchmark). ``took(_:queued:)`` counts what the caller took; once it has taken half
/// of the threshold since the last wake-up and the queue holds less than half, a thread of this
/// waker asks the partitions' leaders for their latest offsets (`rd_kafka_offsets_for_times`),
/// which wakes each broker thread at once. Its answer is not needed. The caller never waits for
/// that round trip; a wake-up already asked for and not yet sent is not asked for twice.
///
/// `@unchecked Sendable`: the C handle is thread-safe; the counters are behind a `Mutex`.
final class KafkaFetchWaker: @unchecked Sendable {
    private struct State {
        var sinceWake = 0
        var asked = false
        var stopped = false
    }

    private let client: RdKafkaClient
    private let half: Int
    private let state = Mutex(State())
    private let signal = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    /// librdkafka's default `queued.min.messages`, used when the configuration does not set it.
    static let defaultQueuedMinMessages = 100_000

    /// Starts the waker's thread. Its threshold is the `queued.min.messages` of `configuration`
    /// (the one `client` was created with), or librdkafka's default when unset or not a number.
    init(client: RdKafkaClient, configuration: KafkaConfiguration) {
        self.client = client
        let queuedMinMessages = configuration["queued.min.messages"].flatMap { Int($0) }
        half = max(1, (queuedMinMessages ?? Self.defaultQueuedMinMessages) / 2)
        DedicatedThread.start(name: "kafka-waker") { [self] in run() }
    }

    /// Counts `n` messages taken from a queue that now holds `queued`; asks for a wake-up when due.
    func took(_ n: Int, queued: Int) {
        let ask = state.withLock { s -> Bool in
            s.sinceWake += n
            guard s.sinceWake >= half, queued < half, !s.asked, !s.stopped else { return false }
            s.sinceWake = 0
            s.asked = true
            return true
        }
        if ask { signal.signal() }
    }

    /// Stops the thread, waiting for a wake-up in flight (at most its 1 s timeout). Idempotent.
    func stop() {
        let first = state.withLock { s -> Bool in
            defer { s.stopped = true }
            return !s.stopped
        }
        guard first else { return }
        signal.signal()
        finished.wait()
    }

    private func run() {
        while true {
            signal.wait()
            if state.withLock({ $0.stopped }) { break }
            wake()
            state.withLock { $0.asked = false }
        }
        finished.signal()
    }

    /// One latest-offsets request for the current assignment: each leader's broker thread wakes.
    private func wake() {
        var list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
        guard rd_kafka_assignment(client.kafka, &list) == RD_KAFKA_RESP_ERR_NO_ERROR, let list else { return }
        defer { rd_kafka_topic_partition_list_destroy(list) }
        guard list.pointee.cnt > 0 else { return }
        for i in 0..<Int(list.pointee.cnt) { list.pointee.elems[i].offset = -1 }  // -1: the latest
        _ = rd_kafka_offsets_for_times(client.kafka, list, 1_000)
    }
}
