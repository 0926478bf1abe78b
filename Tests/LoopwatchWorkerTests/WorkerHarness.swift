import Foundation
import KafkaClient
import Logging
import LoopwatchCore
import LoopwatchTestSupport
import Synchronization

@testable import LoopwatchWorker

/// loopwatch's topics on one broker — a mock cluster of its own (fault injection) or the suite's
/// noida-db (isolating: read_committed hides aborted transactions) — workers running on their own
/// threads, a producer of events, and read_committed readers of the output topics: for worker
/// tests through Kafka.
final class WorkerHarness: Sendable {
    /// Silent unless LOOPWATCH_TEST_LOG is set (faults are injected on purpose here).
    static let logger: Logger = {
        if ProcessInfo.processInfo.environment["LOOPWATCH_TEST_LOG"] == nil {
            return Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        }
        var l = Logger(label: "test")
        l.logLevel = .info
        return l
    }()

    let config: LoopwatchConfig
    let partitions: Int
    let bootstrapServers: String
    private let mock: KafkaMockCluster?

    /// The mock cluster, for fault injection (a harness made on noida-db has none).
    var cluster: KafkaMockCluster {
        guard let mock else { preconditionFailure("fault injection needs the mock cluster, not noida-db") }
        return mock
    }

    init(
        partitions: Int = 2, policies: [Policy], lateness: TimeSpan = .zero,
        guarantee: LoopwatchConfig.ProcessingGuarantee = .exactlyOnce,
        group: String = "lw-\(UInt32.random(in: 0...UInt32.max))",
        // Static members keep their partitions for the session timeout when they stop: the
        // takeover tests wait 6 s for that, not the production 30 s.
        properties: [String: String] = ["session.timeout.ms": "6000"],
        inputs: [(topic: String, partitions: Int)]? = nil,
        repartitionTopic: String? = nil
    ) throws {
        let cluster = try KafkaMockCluster(brokers: 1, logger: Self.logger)
        mock = cluster
        bootstrapServers = cluster.bootstrapServers
        self.partitions = partitions
        var processing = LoopwatchConfig.Processing()
        processing.commitInterval = .init(millis: 100)
        processing.allowedLateness = lateness
        processing.guarantee = guarantee
        var kafka = LoopwatchConfig.Kafka(
            bootstrapServers: cluster.bootstrapServers, groupID: group, repartitionTopic: repartitionTopic,
            properties: properties)
        if let inputs { kafka.inputTopics = inputs.map(\.topic) }
        config = LoopwatchConfig(kafka: kafka, processing: processing, policies: PolicySet(policies))
        for (topic, count) in inputs ?? [(config.kafka.inputTopics[0], partitions)] {
            try cluster.createTopic(name: topic, partitions: count)
        }
        for t in [config.kafka.stateTopic, config.kafka.alertTopic, config.kafka.deadLetterTopic]
            + (repartitionTopic.map { [$0] } ?? [])
        {
            try cluster.createTopic(name: t, partitions: partitions)
        }
    }

    /// The same topics on the suite's noida-db broker (a `.noida` suite), named apart with a
    /// random tag so that the tests of a suite never share one; the state topic is compacted.
    init(noida broker: NoidaBroker, partitions: Int, policies: [Policy]) throws {
        mock = nil
        bootstrapServers = broker.bootstrapServers
        self.partitions = partitions
        var processing = LoopwatchConfig.Processing()
        processing.commitInterval = .init(millis: 100)
        processing.allowedLateness = .zero
        let tag = "t\(UInt32.random(in: 0...UInt32.max))"
        var kafka = LoopwatchConfig.Kafka(
            bootstrapServers: broker.bootstrapServers, groupID: "lw-\(tag)", properties: ["session.timeout.ms": "6000"])
        kafka.inputTopics = ["\(tag)-interactions"]
        kafka.alertTopic = "\(tag)-alerts"
        kafka.stateTopic = "\(tag)-state"
        kafka.deadLetterTopic = "\(tag)-dlq"
        config = LoopwatchConfig(kafka: kafka, processing: processing, policies: PolicySet(policies))
        try broker.createTopics(
            [kafka.inputTopics[0], kafka.alertTopic, kafka.deadLetterTopic], partitions: Int32(partitions))
        try broker.createTopics(
            [kafka.stateTopic], partitions: Int32(partitions), configs: ["cleanup.policy": "compact"])
    }

    /// A running worker; `stop()` stops it gracefully, `crash()` abandons it like `kill -9` would.
    final class RunningWorker: Sendable {
        let pipeline: Pipeline
        let status = WorkerStatus()
        let done = Mutex<Result<Void, any Error>?>(nil)

        init(pipeline: Pipeline) { self.pipeline = pipeline }

        func stop() async throws {
            pipeline.requestStop()
            try await waitUntil(timeout: .seconds(60)) { self.done.withLock { $0 != nil } }
            if case .failure(let e) = done.withLock({ $0! }) { throw e }
        }
    }

    /// Starts a worker on its own thread, on the wall clock unless `now` says otherwise;
    /// `beforeCommitFiringAhead` is ``Pipeline``'s fault seam.
    func startWorker(
        instance: String = "w1", logger: Logger = WorkerHarness.logger,
        now: @escaping @Sendable () -> Timestamp = Timestamp.wallClock,
        beforeCommitFiringAhead: @escaping @Sendable (_ firedAhead: Int) -> Void = { _ in }
    ) -> RunningWorker {
        let status = WorkerStatus()
        let pipeline = Pipeline(
            config: config, bootstrapServers: bootstrapServers, instanceID: instance, logger: logger,
            metrics: WorkerMetrics(), status: status, now: now, beforeCommitFiringAhead: beforeCommitFiringAhead)
        let worker = RunningWorker(pipeline: pipeline)
        DedicatedThread.start(name: "test-pipeline-\(instance)") {
            let result: Result<Void, any Error>
            do {
                try pipeline.run()
                result = .success(())
            } catch { result = .failure(error) }
            worker.done.withLock { $0 = result }
        }
        return worker
    }

    /// Produces JSON events keyed by conversation id (with the default partitioner) and returns
    /// once all are delivered. They are handed to librdkafka together and lingered over, so the
    /// lines of one conversation reach the broker in one batch and the worker in one fetch: a
    /// test's acknowledgement is never read after its response's deadline passed only because a
    /// busy machine delayed it.
    func produce(_ lines: [String]) async throws {
        let producer = try KafkaProducer(
            configuration: KafkaConfiguration([
                "bootstrap.servers": bootstrapServers, "queue.buffering.max.kbytes": "65536",
                "linger.ms": "50",
            ]),
            logger: Self.logger)
        defer { producer.shutdown() }
        let failures = Mutex<[KafkaError]>([])
        for line in lines {
            let conversation =
                (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["conversation_id"]
                as? String
            try producer.enqueue(
                KafkaProducerRecord(
                    topic: config.kafka.inputTopics[0], key: conversation.map { Array($0.utf8) } ?? Array("x".utf8),
                    value: Array(line.utf8))
            ) { result in
                if case .failure(let error) = result { failures.withLock { $0.append(error) } }
            }
        }
        try await DedicatedThread.run(name: "test-producer") { try producer.flush(timeout: .seconds(30)) }
        if let first = failures.withLock({ $0.first }) { throw first }
    }

    /// Everything committed to `topic` so far (read_committed), read from the beginning, from
    /// its first `partitions` partitions (default: the harness's count).
    func readAll(_ topic: String, partitions: Int? = nil) async throws -> [KafkaConsumerMessage] {
        let config = KafkaConfiguration(["bootstrap.servers": bootstrapServers])
        let partitions = partitions ?? self.partitions
        return try await DedicatedThread.run(name: "test-reader") {
            let reader = try KafkaPartitionReader(configuration: config, logger: Self.logger)
            defer { reader.close() }
            var all: [KafkaConsumerMessage] = []
            for p in 0..<partitions {
                _ = try reader.read(topic: topic, partition: Int32(p)) { all += $0 }
            }
            return all
        }
    }

    /// Alerts on the alert topic as (type, subject, id) triples.
    func alerts() async throws -> [AlertSeen] {
        try await readAll(config.kafka.alertTopic).compactMap { m in
            guard let v = m.value, let o = try? JSONSerialization.jsonObject(with: Data(v)) as? [String: Any] else {
                return nil
            }
            return AlertSeen(
                id: o["id"] as? String ?? "", type: o["type"] as? String ?? "", subject: o["subject"] as? String ?? "")
        }
    }

    struct AlertSeen: Hashable, Sendable, CustomStringConvertible {
        var id: String
        var type: String
        var subject: String
        var description: String { "\(type.replacingOccurrences(of: "loopwatch.sla.", with: "")) \(subject)" }
    }

    /// Destroys the mock cluster; a noida-db broker belongs to its suite.
    func destroy() { mock?.destroy() }
}

/// Event JSON with an occurred_at relative to now.
func eventJSON(_ id: String, _ conversation: String, _ kind: String, at: Timestamp, extra: String = "") -> String {
    #"{"id":"\#(id)","conversation_id":"\#(conversation)","kind":"\#(kind)","occurred_at":"\#(RFC3339.format(at))","channel":"twitter"\#(extra)}"#
}
