import KafkaClient
import Logging
import LoopwatchCore
import LoopwatchTestSupport
import Testing

@testable import LoopwatchWorker

/// How the worker joins its group: static membership, properties routed by client kind, and
/// readiness that waits for the join and the restore (SPEC §5).
@Suite(.serialized) struct WorkerMembershipTests {
    static let policy = Policy(name: "fast", firstResponse: .seconds(2), nextResponse: .seconds(2), version: "v1")

    @Test func consumerIsAStaticMemberNamedAfterTheInstance() {
        let kafka = LoopwatchConfig.Kafka(bootstrapServers: "b:9092", groupID: "g")
        let settings = KafkaSettings(kafka, bootstrapServers: "b:9092", instanceID: "host-7")
        #expect(settings.consumer["group.instance.id"] == "host-7")
        #expect(settings.consumer["session.timeout.ms"] == "30000")
        #expect(settings.restoreReader["group.instance.id"] == nil)
        #expect(settings.transactionalProducer["group.instance.id"] == nil)

        let overridden = LoopwatchConfig.Kafka(
            bootstrapServers: "b:9092", groupID: "g", properties: ["group.instance.id": "care-eu-1"])
        #expect(
            KafkaSettings(overridden, bootstrapServers: "b:9092", instanceID: "h").consumer["group.instance.id"]
                == "care-eu-1")
    }

    @Test func propertiesGoOnlyToTheClientsTheyApplyTo() {
        let kafka = LoopwatchConfig.Kafka(
            bootstrapServers: "b:9092", groupID: "g",
            properties: ["linger.ms": "20", "fetch.min.bytes": "1", "socket.keepalive.enable": "true"])
        let settings = KafkaSettings(kafka, bootstrapServers: "b:9092", instanceID: "h")
        #expect(settings.consumer["linger.ms"] == nil)
        #expect(settings.consumer["fetch.min.bytes"] == "1")
        #expect(settings.transactionalProducer["linger.ms"] == "20")
        #expect(settings.transactionalProducer["fetch.min.bytes"] == nil)
        #expect(settings.plainProducer["fetch.min.bytes"] == nil)
        for c in [settings.consumer, settings.transactionalProducer, settings.plainProducer, settings.restoreReader] {
            #expect(c["socket.keepalive.enable"] == "true")
        }
    }

    @Test func noClientWarnsAboutAPropertyItIgnores() async throws {
        let h = try WorkerHarness(
            policies: [Self.policy], properties: ["linger.ms": "10", "fetch.min.bytes": "1", "acks": "all"])
        defer { h.destroy() }
        let lines = LineStore()
        var logger = Logger(label: "capture") { _ in CapturingLogHandler(lines: lines) }
        logger.logLevel = .debug
        let worker = h.startWorker(logger: logger)
        try await waitUntil(timeout: .seconds(30)) { worker.pipeline.status.isReady }
        try await worker.stop()
        let warnings = lines.all.filter { $0.hasPrefix("CONFWARN") }
        #expect(warnings.isEmpty, "librdkafka ignored properties: \(warnings)")
    }

    @Test func readyOnlyOnceJoinedAndEveryPartitionRestored() async throws {
        let h = try WorkerHarness(partitions: 3, policies: [Self.policy])
        defer { h.destroy() }
        let worker = h.startWorker()
        #expect(!worker.pipeline.status.isReady)
        try await waitUntil(timeout: .seconds(30)) { worker.pipeline.status.isReady }
        // Ready and the status line are set together: ready means holding every partition.
        #expect(worker.pipeline.status.statusLine.hasPrefix("processing 3 partition(s)"))
        try await worker.stop()
    }
}
