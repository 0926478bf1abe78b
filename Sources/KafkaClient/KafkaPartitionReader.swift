import CRdKafka
import Logging
import Synchronization

/// Reads whole partitions from the beginning to their current end without joining a
/// consumer group — e.g. to restore local state from a changelog topic.
///
/// Defaults (overridable): `isolation.level=read_committed`, large fetch sizes
/// (`fetch.max.bytes=52428800`, `max.partition.fetch.bytes=10485760`), `fetch.wait.max.ms=10`,
/// a bounded local queue (`queued.min.messages=200000`, `queued.max.messages.kbytes=262144`),
/// `auto.offset.reset=earliest`. librdkafka 2.0.2 stops fetching *every* partition once the
/// shared queue holds that many, and looks again only when its broker thread wakes up, which
/// without traffic is a second later (a restore of a million records stalled a second per
/// 100,000 queued). The reader therefore wakes it once the queue has drained to half, as
/// ``KafkaConsumer`` does: a thread of its own sends one ListOffsets request to the leaders of the
/// assigned partitions, so the fetcher idles while the queue is full instead of polling the broker,
/// and the reading thread does not wait for that round trip.
/// Forced: `enable.partition.eof=true`, no auto commit / offset store. librdkafka needs a
/// `group.id` for `rd_kafka_assign`; if none is given a unique throwaway one is set. The reader
/// only assigns, so it never joins that group nor commits offsets.
///
/// End detection: the watermarks are queried first (`rd_kafka_query_watermark_offsets`);
/// an empty partition returns immediately. Otherwise reading starts at the low watermark (an
/// explicit offset: `BEGINNING` would cost an offset query, which librdkafka 2.0.2 puts off by
/// 500 ms when the partition's leader is not joined yet) and stops at librdkafka's
/// partition-EOF event. With `read_committed` that end is the *last stable offset*:
/// records of aborted transactions are skipped, and records of a transaction still open
/// when the read reaches the LSO are not returned (nor anything after them). Offsets are
/// not contiguous (transaction markers occupy offsets), so never compare counts to offsets.
/// To restore a changelog written by a transactional producer, read it *after* that
/// producer's `initTransactions`, which aborts a previous instance's open transaction and
/// so lets the LSO advance past it.
public final class KafkaPartitionReader: Sendable {
    let client: RdKafkaClient
    private let queue: RdKafkaQueue
    private let closed = Mutex(false)
    /// Wakes librdkafka's fetcher once a full queue has drained (see ``KafkaFetchWaker``).
    private let fetchWaker: KafkaFetchWaker

    /// Creates the reader.
    public init(configuration: KafkaConfiguration, logger: Logger) throws(KafkaError) {
        let effective =
            configuration
            .with("enable.partition.eof", "true")
            .with("enable.auto.commit", "false")
            .with("enable.auto.offset.store", "false")
            .withDefault("isolation.level", "read_committed")
            .withDefault("fetch.max.bytes", "52428800")
            .withDefault("max.partition.fetch.bytes", "10485760")
            .withDefault("fetch.wait.max.ms", "10")
            .withDefault("queued.min.messages", "200000")
            .withDefault("queued.max.messages.kbytes", "262144")
            .withDefault("auto.offset.reset", "earliest")
            .withDefault("group.id", "loopwatch-partition-reader-\(UInt64.random(in: 0...UInt64.max))")
        let client = try RdKafkaClient(
            type: RD_KAFKA_CONSUMER, configuration: effective, logger: logger, callbacks: .init())
        self.client = client
        rd_kafka_poll_set_consumer(client.kafka)
        guard let queue = rd_kafka_queue_get_consumer(client.kafka) else {
            throw KafkaError(code: .state, message: "partition reader has no consumer queue")
        }
        self.queue = RdKafkaQueue(pointer: queue, client: client)
        // Last: nothing after it throws, so the waker's thread runs only for a reader that exists.
        fetchWaker = KafkaFetchWaker(client: client, configuration: effective)
    }

    deinit {
        close()
    }

    /// Reads `topic`/`partition` from its beginning to its current end, handing each
    /// non-empty batch (in offset order) to `body` on the calling thread. Blocks.
    /// - Parameters:
    ///   - maxBatch: maximum records per batch.
    ///   - idleTimeout: fail if neither records nor the end arrive for this long.
    /// - Returns: the number of records handed to `body`.
    /// - Throws: ``KafkaError`` (closed, watermark query failure, idle timeout, fatal error)
    ///   or whatever `body` throws.
    public func read(
        topic: String,
        partition: Int32,
        maxBatch: Int = 10_000,
        idleTimeout: Duration = .seconds(30),
        _ body: ([KafkaConsumerMessage]) throws -> Void
    ) throws -> Int {
        guard !closed.withLock({ $0 }) else { throw KafkaError.closed("partition reader") }
        let span = try offsets(topic: topic, partition: partition, timeout: idleTimeout)
        client.serveLogs()
        guard let span else { return 0 }

        let start = RdKafkaTopicPartitionList([
            TopicPartitionOffset(topic: topic, partition: partition, offset: span.lowerBound)
        ])
        try KafkaError.check(rd_kafka_assign(client.kafka, start.pointer), context: "assign \(topic)[\(partition)]")
        defer {
            _ = rd_kafka_assign(client.kafka, nil)
            client.serveLogs()
        }

        let clock = ContinuousClock()
        var lastProgress = clock.now
        var count = 0
        while true {
            // A short wait: consume_batch blocks until `maxBatch` messages *or* the timeout, and
            // a partition's tail rarely fills a batch — a long wait would be paid per partition.
            let batch = try queue.consumeBatch(maxMessages: maxBatch, timeout: .milliseconds(5))
            client.serveLogs()
            tookFromQueue(batch.messages.count)
            let mine = batch.messages.filter { $0.topic == topic && $0.partition == partition }
            if !mine.isEmpty {
                try body(mine)
                count += mine.count
                lastProgress = clock.now
            }
            if batch.endOfPartition.contains(where: { $0.topic == topic && $0.partition == partition }) {
                return count
            }
            if batch.errors.contains(where: \.isFatal), let fatal = client.fatalError() {
                throw fatal
            }
            if clock.now - lastProgress > idleTimeout {
                throw KafkaError(
                    code: .timedOut, message: "no progress reading \(topic)[\(partition)] for \(idleTimeout)")
            }
        }
    }

    /// Reads every partition of `partitions` in `topic` from its beginning to its current end, all
    /// at once (one assignment: librdkafka fetches them together while `record` runs), handing
    /// each record in place to `record` — key and value are valid only during the call — and
    /// calling `end` once per partition when it is complete, with its record count. Records of a
    /// partition arrive in offset order; partitions interleave. Empty partitions end first,
    /// without a fetch. Blocks.
    /// - Parameters:
    ///   - maxBatch: maximum records taken from librdkafka's queue per call.
    ///   - idleTimeout: fail if neither records nor an end arrive for this long.
    ///   - start: called once per non-empty partition before reading, with the number of
    ///     offsets it spans (an upper bound of its records: markers and aborted records count).
    /// - Throws: ``KafkaError`` (closed, watermark query failure, idle timeout naming the
    ///   partitions still open, fatal error) or whatever `record` or `end` throws; partitions
    ///   `end` was not called for are then incomplete.
    public func readAll(
        topic: String,
        partitions: [Int32],
        maxBatch: Int = 10_000,
        idleTimeout: Duration = .seconds(30),
        start: (_ partition: Int32, _ offsets: Int64) throws -> Void = { _, _ in },
        record: (_ partition: Int32, _ key: UnsafeRawBufferPointer?, _ value: UnsafeRawBufferPointer?) throws -> Void,
        end: (_ partition: Int32, _ records: Int) throws -> Void
    ) throws {
        guard !closed.withLock({ $0 }) else { throw KafkaError.closed("partition reader") }
        let wanted = Array(Set(partitions)).sorted()
        guard let largest = wanted.last, wanted.first! >= 0 else { return }
        // Per partition number: -1 not read here, -2 complete, else the count so far.
        var counts = [Int](repeating: -1, count: Int(largest) + 1)
        var open: [TopicPartitionOffset] = []
        for p in wanted {
            if let span = try offsets(topic: topic, partition: p, timeout: idleTimeout) {
                counts[Int(p)] = 0
                open.append(TopicPartitionOffset(topic: topic, partition: p, offset: span.lowerBound))
                try start(p, span.upperBound - span.lowerBound)
            } else {
                counts[Int(p)] = -2
                try end(p, 0)
            }
        }
        client.serveLogs()
        guard !open.isEmpty else { return }
        var remaining = open.count

        let assignment = RdKafkaTopicPartitionList(open)
        try KafkaError.check(rd_kafka_assign(client.kafka, assignment.pointer), context: "assign \(topic) \(wanted)")
        defer {
            _ = rd_kafka_assign(client.kafka, nil)
            client.serveLogs()
        }
        // Messages carry their topic as a handle: its name is compared once per handle.
        var topicHandle: OpaquePointer?
        let clock = ContinuousClock()
        var lastProgress = clock.now
        while remaining > 0 {
            var failure: (any Error)?
            let events = try queue.consumeBorrowed(maxMessages: maxBatch, timeout: .milliseconds(5)) { message in
                let m = message.pointee
                let p = Int(m.partition)
                guard p >= 0, p < counts.count, counts[p] >= 0, let rkt = m.rkt else { return true }
                if rkt != topicHandle {
                    guard String(cString: rd_kafka_topic_name(rkt)) == topic else { return true }
                    topicHandle = rkt
                }
                counts[p] += 1
                do {
                    try record(
                        m.partition,
                        m.key.map { UnsafeRawBufferPointer(start: $0, count: m.key_len) },
                        m.payload.map { UnsafeRawBufferPointer(start: $0, count: m.len) })
                    return true
                } catch {
                    failure = error
                    return false
                }
            }
            client.serveLogs()
            if let failure { throw failure }
            tookFromQueue(events.records)
            var progressed = events.records > 0
            for eof in events.endOfPartition where eof.topic == topic {
                let p = Int(eof.partition)
                guard p >= 0, p < counts.count, counts[p] >= 0 else { continue }
                let n = counts[p]
                counts[p] = -2
                remaining -= 1
                progressed = true
                try end(eof.partition, n)
            }
            if events.errors.contains(where: \.isFatal), let fatal = client.fatalError() {
                throw fatal
            }
            if progressed {
                lastProgress = clock.now
            } else if clock.now - lastProgress > idleTimeout {
                let pending = wanted.filter { counts[Int($0)] >= 0 }
                throw KafkaError(
                    code: .timedOut, message: "no progress reading \(topic)\(pending) for \(idleTimeout)")
            }
        }
    }

    /// Tells the fetch waker that `n` messages were taken from the queue (it wakes the fetcher
    /// of the current assignment once a full queue has drained).
    private func tookFromQueue(_ n: Int) {
        fetchWaker.took(n, queued: Int(rd_kafka_queue_length(queue.pointer)))
    }

    /// The offsets `topic`/`partition` spans (its watermarks, asked of the broker), or nil when
    /// it holds no records.
    private func offsets(topic: String, partition: Int32, timeout: Duration) throws(KafkaError) -> Range<Int64>? {
        var low: Int64 = 0
        var high: Int64 = 0
        try KafkaError.check(
            rd_kafka_query_watermark_offsets(
                client.kafka, topic, partition, &low, &high, Int32(timeout.kafkaMilliseconds)),
            context: "query watermarks of \(topic)[\(partition)]")
        return high > low ? low..<high : nil
    }

    /// Releases the consumer (after stopping its fetch waker, which waits for a wake-up in flight).
    /// Idempotent.
    public func close() {
        let wasClosed = closed.withLock { closed in
            defer { closed = true }
            return closed
        }
        guard !wasClosed else { return }
        fetchWaker.stop()
        _ = rd_kafka_consumer_close(client.kafka)
        client.serveLogs()
    }
}
