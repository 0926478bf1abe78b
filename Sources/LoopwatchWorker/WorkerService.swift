import KafkaClient
import Logging
import LoopwatchCore
import ServiceLifecycle
import UnixSignals

/// `loopwatch run` as a swift-service-lifecycle service: startup checks, the processing thread,
/// systemd notifications and the watchdog, SIGHUP reloads, graceful stop.
public struct WorkerService: Service {
    /// Re-reads the configuration file (for SIGHUP); throws its validation errors.
    public typealias ConfigReader = @Sendable () throws -> LoopwatchConfig

    let config: LoopwatchConfig
    let readConfig: ConfigReader
    let instanceID: String
    let logger: Logger
    let metrics: WorkerMetrics
    let status: WorkerStatus
    let notifier: SystemdNotifier
    let bootstrapOverride: String?

    /// - Parameters:
    ///   - bootstrapOverride: use these brokers instead of `kafka.bootstrap_servers` (tests, demo).
    public init(
        config: LoopwatchConfig, readConfig: @escaping ConfigReader, instanceID: String, logger: Logger,
        metrics: WorkerMetrics, status: WorkerStatus, notifier: SystemdNotifier = SystemdNotifier(),
        bootstrapOverride: String? = nil
    ) {
        self.config = config
        self.readConfig = readConfig
        self.instanceID = instanceID
        self.logger = logger
        self.metrics = metrics
        self.status = status
        self.notifier = notifier
        self.bootstrapOverride = bootstrapOverride
    }

    public func run() async throws {
        var embedded: KafkaMockCluster? = nil
        var bootstrap = bootstrapOverride ?? config.kafka.bootstrapServers
        if bootstrapOverride == nil, bootstrap == "embedded" {
            let cluster = try EmbeddedKafka.start(config.kafka, logger: logger)
            embedded = cluster
            bootstrap = cluster.bootstrapServers
        }
        defer { embedded?.destroy() }

        do {
            // Waiting for an unreachable cluster must not hold up a stop request.
            let servers = bootstrap
            try await cancelWhenGracefulShutdown { try await self.checkTopics(bootstrap: servers) }
        } catch is CancellationError {
            notifier.notify("STOPPING=1")
            logger.notice("stopped before Kafka was reachable")
            return
        }

        let notifier = self.notifier
        let logger = self.logger
        let status = self.status
        let metrics = self.metrics
        let pipeline = Pipeline(
            config: config, bootstrapServers: bootstrap, instanceID: instanceID, logger: logger, metrics: metrics,
            status: status,
            onReloaded: { report in
                logger.notice(
                    "policies reloaded",
                    metadata: [
                        "open_concerns": "\(report.openConcerns)", "rematched": "\(report.rematched)",
                        "unmatched": "\(report.unmatched)",
                    ])
            })
        let readConfig = self.readConfig
        let running = config

        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await DedicatedThread.run(name: "lw-pipeline") { try pipeline.run() }
                }
                group.addTask {
                    try await Self.superviseSystemd(notifier: notifier, status: status)
                }
                group.addTask {
                    for await _ in await UnixSignalsSequence(trapping: .sighup) {
                        Self.reload(
                            readConfig: readConfig, running: running, pipeline: pipeline, notifier: notifier,
                            metrics: metrics, logger: logger)
                    }
                }
                defer { group.cancelAll() }
                try await group.next()
            }
        } onGracefulShutdown: {
            notifier.notify("STOPPING=1", "STATUS=stopping: committing and leaving the group")
            logger.notice("stopping: committing, leaving the group, flushing")
            pipeline.requestStop()
        }
    }

    /// Topics must exist and be co-partitioned; an unreachable cluster is retried with backoff.
    func checkTopics(bootstrap: String) async throws {
        let settings = KafkaSettings(config.kafka, bootstrapServers: bootstrap, instanceID: instanceID)
        let topics =
            config.kafka.inputTopics + [config.kafka.stateTopic, config.kafka.alertTopic, config.kafka.deadLetterTopic]
            + (config.kafka.repartitionTopic.map { [$0] } ?? [])
        let logger = self.logger
        var backoff = Backoff.connect
        while true {
            try Task.checkCancellation()
            do {
                let counts = try await DedicatedThread.run(name: "lw-metadata") { () throws -> [String: Int] in
                    let probe = try KafkaProducer(configuration: settings.plainProducer, logger: logger)
                    defer { probe.shutdown(timeout: .zero) }
                    return try probe.partitionCounts(topics: topics, timeout: .seconds(5))
                }
                try Self.validate(counts: counts, kafka: config.kafka)
                logger.info(
                    "topics checked",
                    metadata: [
                        "partitions":
                            "\(counts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","))"
                    ])
                return
            } catch let error as WorkerError {
                throw error
            } catch {
                if let k = error as? KafkaError, let fatal = WorkerError(kafka: k, instanceID: instanceID) {
                    throw fatal
                }
                let line = "waiting for Kafka at \(bootstrap): \(error)"
                status.set(ready: false, status: line)
                notifier.notify("STATUS=\(line)")
                let wait = backoff.next()
                logger.warning("Kafka not reachable; retrying", metadata: ["error": "\(error)", "retry_in": "\(wait)"])
                try await Task.sleep(for: wait)
            }
        }
    }

    /// The startup rules: every topic exists, and the state topic has as many partitions as
    /// each input topic (conversation `c` of input partition `p` lives in state partition `p`) —
    /// or, with `kafka.repartition_topic`, as the repartition topic, and the input topics may
    /// have any counts.
    static func validate(counts: [String: Int], kafka: LoopwatchConfig.Kafka) throws {
        if let repartition = kafka.repartitionTopic {
            try validateRepartition(topic: repartition, counts: counts, kafka: kafka)
        }
        let all = kafka.inputTopics + [kafka.stateTopic, kafka.alertTopic, kafka.deadLetterTopic]
        let missing = all.filter { (counts[$0] ?? 0) == 0 }
        if !missing.isEmpty {
            throw WorkerError(
                code: .topicsMissing,
                message:
                    "topic(s) \(missing.joined(separator: ", ")) do not exist; create them first (the state topic compacted, "
                    + "with as many partitions as the input topics) — see docs/operations.md")
        }
        let state = counts[kafka.stateTopic]!
        guard kafka.repartitionTopic == nil else { return }
        let mismatched = kafka.inputTopics.filter { counts[$0]! != state }
        if !mismatched.isEmpty {
            throw WorkerError(
                code: .notCopartitioned,
                message: "state topic \(kafka.stateTopic) has \(state) partitions but "
                    + mismatched.map { "\($0) has \(counts[$0]!)" }.joined(separator: ", ")
                    + "; they must be equal (co-partitioning)")
        }
    }

    /// READY=1 the first time the worker is ready, STATUS= on change, WATCHDOG=1 only while the
    /// processing loop is alive.
    static func superviseSystemd(notifier: SystemdNotifier, status: WorkerStatus) async throws {
        var sentReady = false
        var lastStatus = ""
        let tick = notifier.watchdogInterval.map { min($0, .seconds(1)) } ?? .seconds(1)
        var lastWatchdog = ContinuousClock.now - .seconds(3600)
        while true {
            let line = status.statusLine
            if status.isReady, !sentReady {
                notifier.notify("READY=1", "STATUS=\(line)")
                sentReady = true
                lastStatus = line
            } else if line != lastStatus {
                notifier.notify("STATUS=\(line)")
                lastStatus = line
            }
            if let interval = notifier.watchdogInterval, ContinuousClock.now - lastWatchdog >= interval,
                status.isAlive(within: interval * 2)
            {
                notifier.notify("WATCHDOG=1")
                lastWatchdog = .now
            }
            try await Task.sleep(for: tick)
        }
    }

    /// SIGHUP: validate the file; keep the running policies on error; otherwise swap them in.
    static func reload(
        readConfig: ConfigReader, running: LoopwatchConfig, pipeline: Pipeline, notifier: SystemdNotifier,
        metrics: WorkerMetrics, logger: Logger
    ) {
        notifier.notify("RELOADING=1", "MONOTONIC_USEC=\(SystemdNotifier.monotonicMicroseconds())", "STATUS=reloading")
        do {
            let fresh = try readConfig()
            if fresh.kafka.bootstrapServers != running.kafka.bootstrapServers
                || fresh.kafka.inputTopics != running.kafka.inputTopics
                || fresh.kafka.groupID != running.kafka.groupID
                || fresh.kafka.repartitionTopic != running.kafka.repartitionTopic
            {
                logger.warning("kafka settings changed in the file; they take effect on restart only")
            }
            pipeline.requestReload(fresh.policies)
            metrics.reloads["applied"]?.increment()
            logger.notice(
                "configuration reloaded",
                metadata: ["policies": "\(fresh.policies.policies.map(\.name).joined(separator: ","))"])
            notifier.notify("READY=1", "STATUS=reloaded \(fresh.policies.policies.count) policies")
        } catch {
            metrics.reloads["rejected"]?.increment()
            logger.error("reload rejected; the running configuration stays in force", metadata: ["error": "\(error)"])
            notifier.notify("READY=1", "STATUS=reload rejected: running configuration kept")
        }
    }
}
