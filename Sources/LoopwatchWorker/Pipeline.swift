import Foundation
import KafkaClient
import Logging
import LoopwatchCore
import Synchronization

/// The handle of the exactly-once processing loop: what other threads may do with it — ask it
/// to stop, hand it new policies, read its status and metrics.
///
/// ``run()`` blocks a dedicated thread: it builds a ``PipelineLoop`` (the consumer, the output
/// sink, the changelog reader and the engines) on that thread and runs it there, so everything
/// the loop owns is confined to one thread by construction.
final class Pipeline: Sendable {
    /// What other threads ask of the loop; read between two cycles.
    struct Control {
        var stop = false
        var reload: PolicySet?
    }

    let config: LoopwatchConfig
    let settings: KafkaSettings
    let logger: Logger
    let metrics: WorkerMetrics
    let status: WorkerStatus
    let now: @Sendable () -> Timestamp
    let onReloaded: @Sendable (SLAEngine.ReloadReport) -> Void
    /// Called on the loop's thread when a release's commit has fired the next slice ahead and is
    /// about to commit (``PipelineLoop/commitFiringAhead(started:)``), with the slice's record
    /// count: the seam where fault tests make that commit fail. The daemon passes nothing.
    let beforeCommitFiringAhead: @Sendable (_ firedAhead: Int) -> Void
    private let control = Mutex(Control())

    init(
        config: LoopwatchConfig, bootstrapServers: String, instanceID: String, logger: Logger, metrics: WorkerMetrics,
        status: WorkerStatus, now: @escaping @Sendable () -> Timestamp = Timestamp.wallClock,
        onReloaded: @escaping @Sendable (SLAEngine.ReloadReport) -> Void = { _ in },
        beforeCommitFiringAhead: @escaping @Sendable (_ firedAhead: Int) -> Void = { _ in }
    ) {
        self.config = config
        self.settings = KafkaSettings(config.kafka, bootstrapServers: bootstrapServers, instanceID: instanceID)
        self.logger = logger
        self.metrics = metrics
        self.status = status
        self.now = now
        self.onReloaded = onReloaded
        self.beforeCommitFiringAhead = beforeCommitFiringAhead
    }

    /// Asks the loop to commit, leave the group and return.
    func requestStop() { control.withLock { $0.stop = true } }

    /// Hands new policies to the loop; applied between two cycles.
    func requestReload(_ policies: PolicySet) { control.withLock { $0.reload = policies } }

    /// Whether a stop was asked for.
    var stopRequested: Bool { control.withLock { $0.stop } }

    /// The policies handed over since the last call, if any.
    func takeReload() -> PolicySet? {
        control.withLock { c in
            defer { c.reload = nil }
            return c.reload
        }
    }

    /// Runs until ``requestStop()``; blocks the calling (dedicated) thread.
    ///
    /// - Throws: ``WorkerError`` when the configuration cannot work (librdkafka rejected a
    ///   property, another instance has this instance id), or a fatal consumer error.
    func run() throws {
        status.set(ready: false, status: "connecting to Kafka")
        do {
            guard let loop = try PipelineLoop.make(self) else {
                status.markStopped()
                return
            }
            try loop.run()
        } catch {
            throw WorkerError(kafka: error, instanceID: settings.instanceID) ?? error
        }
    }
}

extension WorkerError {
    /// The worker's reading of a Kafka error that no retry can mend; nil for the others.
    init?(kafka error: KafkaError, instanceID: String) {
        switch error.code {
        case .invalidArgument:
            self.init(
                code: .kafkaPropertiesRejected, message: "kafka.properties rejected by librdkafka: \(error.message)")
        case .fencedInstanceID:
            self.init(
                code: .instanceIDInUse,
                message: "another running instance has the instance id '\(instanceID)' (group.instance.id): "
                    + "give every instance its own --instance-id")
        default:
            return nil
        }
    }
}
