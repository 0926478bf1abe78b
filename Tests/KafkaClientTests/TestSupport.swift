import Foundation
import KafkaClient
import Logging
import LoopwatchTestSupport
import Synchronization
import Testing

/// Shared helpers: one mock cluster per test, unique names, blocking bodies on a
/// dedicated thread, and bounded waits (no sleeps).
enum TestSupport {
    static let logger: Logger = {
        var logger = Logger(label: "kafka.test")
        logger.logLevel =
            ProcessInfo.processInfo.environment["KAFKA_TEST_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .error
        return logger
    }()

    static func unique(_ prefix: String) -> String {
        "\(prefix)-\(UUID().uuidString.prefix(8))"
    }

    static func producerConfiguration(_ cluster: some Bootstrapping) -> KafkaConfiguration {
        KafkaConfiguration([
            "bootstrap.servers": cluster.bootstrapServers,
            "queue.buffering.max.kbytes": "65536",
            "linger.ms": "5",
            "reconnect.backoff.ms": "50",
            "reconnect.backoff.max.ms": "500",
            "retry.backoff.ms": "50",
        ])
    }

    static func transactionalConfiguration(_ cluster: some Bootstrapping, id: String) -> KafkaConfiguration {
        producerConfiguration(cluster)
            .with("transactional.id", id)
            .with("transaction.timeout.ms", "10000")
    }

    static func consumerConfiguration(_ cluster: some Bootstrapping, group: String) -> KafkaConfiguration {
        KafkaConfiguration([
            "bootstrap.servers": cluster.bootstrapServers,
            "group.id": group,
            "session.timeout.ms": "6000",
            "heartbeat.interval.ms": "100",
            "reconnect.backoff.ms": "50",
            "reconnect.backoff.max.ms": "500",
            "fetch.wait.max.ms": "50",
            "topic.metadata.refresh.interval.ms": "1000",
        ])
    }

    static func readerConfiguration(_ cluster: some Bootstrapping) -> KafkaConfiguration {
        KafkaConfiguration(["bootstrap.servers": cluster.bootstrapServers])
    }

    /// Runs a blocking test body on its own thread so the concurrency pool stays free.
    static func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, any Error>, Never>) in
            let thread = Thread {
                continuation.resume(returning: Result { try body() })
            }
            thread.start()
        }
        return try result.get()
    }

    /// Calls `step` until it returns true or `timeout` elapses; returns whether it succeeded.
    /// `step` must itself block briefly (e.g. a poll with a short timeout).
    @discardableResult
    static func waitUntil(timeout: Duration, _ step: () throws -> Bool) rethrows -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while clock.now < deadline {
            if try step() { return true }
        }
        return false
    }

    /// Polls `consumer` until `count` messages arrived or `timeout` elapsed.
    static func consume(_ consumer: KafkaConsumer, count: Int, timeout: Duration = .seconds(20)) throws
        -> [KafkaConsumerMessage]
    {
        var messages: [KafkaConsumerMessage] = []
        try waitUntil(timeout: timeout) {
            messages += try consumer.poll(maxMessages: 100, timeout: .milliseconds(100))
            return messages.count >= count
        }
        return messages
    }

    /// Produces `counts[p]` records to each partition `p` of `topic` on `cluster` and returns once
    /// all are delivered (or throws). Record `i` of partition `p` has the key and value `record(p, i)`.
    static func produce(
        to cluster: some Bootstrapping,
        topic: String,
        counts: [Int32: Int],
        _ record: (_ partition: Int32, _ index: Int) -> (key: [UInt8]?, value: [UInt8]?)
    ) async throws {
        let records = counts.sorted { $0.key < $1.key }.flatMap { p, n in
            (0..<n).map { i in
                let (key, value) = record(p, i)
                return KafkaProducerRecord(topic: topic, partition: p, key: key, value: value)
            }
        }
        let configuration = producerConfiguration(cluster)
        try await blocking {
            let producer = try KafkaProducer(configuration: configuration, logger: logger)
            defer { producer.shutdown() }
            for r in records { try producer.enqueue(r, maxBlock: .seconds(10)) }
            try producer.flush(timeout: .seconds(20))
        }
    }

    static func bytes(_ string: String) -> [UInt8] { Array(string.utf8) }

    static func string(_ bytes: [UInt8]?) -> String? { bytes.map { String(decoding: $0, as: UTF8.self) } }
}

/// A broker the helpers can configure clients for: the mock cluster or a noida broker.
protocol Bootstrapping {
    var bootstrapServers: String { get }
}

extension KafkaMockCluster: Bootstrapping {}
extension NoidaBroker: Bootstrapping {}

/// A thread-safe recorder of rebalance events.
final class RebalanceRecorder: Sendable {
    private let events = Mutex<[KafkaRebalanceEvent]>([])

    var handler: KafkaRebalanceHandler {
        { event in self.events.withLock { $0.append(event) } }
    }

    var all: [KafkaRebalanceEvent] { events.withLock { $0 } }

    var assigned: [[TopicPartition]] {
        all.compactMap { if case .assigned(let p) = $0 { p } else { nil } }
    }

    var revoked: [[TopicPartition]] {
        all.compactMap { if case .revoked(let p) = $0 { p } else { nil } }
    }
}
