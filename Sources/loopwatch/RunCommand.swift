import ArgumentParser
import Foundation
import Logging
import LoopwatchConfiguration
import LoopwatchCore
import LoopwatchWorker
import ServiceLifecycle

/// `loopwatch run --config FILE`: the daemon.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the worker: consume interactions, keep conversation state, publish SLA alerts.",
        discussion: """
            systemd Type=notify aware (READY=1, WATCHDOG=1, STATUS=, RELOADING=1, STOPPING=1). \
            SIGTERM commits and exits 0 (a static member: its partitions wait for its restart); \
            SIGHUP reloads policies (a broken file is \
            logged and the running configuration kept). Exit 78 for a bad configuration or missing \
            or mis-partitioned topics.
            """
    )

    @Option(name: .long, help: "The YAML configuration file.")
    var config: String

    @Option(name: .long, help: "Distinguishes workers of one group (transactional id suffix). Default: the host name.")
    var instanceID: String?

    @Option(name: .long, help: "Log format: console, journal or json (default: journal under systemd, else console).")
    var logFormat: LoopwatchLogHandler.Format?

    @Option(
        name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.",
        transform: { text in
            guard let level = Logger.Level(rawValue: text) else {
                throw ValidationError(
                    "unknown log level '\(text)' (trace, debug, info, notice, warning, error, critical)")
            }
            return level
        })
    var logLevel: Logger.Level = .info

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let path = config
        let loaded = try loadConfigurationOrExit(path, purpose: .full)
        let format = logFormat ?? .automatic(environment: environment)
        let level = logLevel
        LoggingSystem.bootstrap { LoopwatchLogHandler(label: $0, format: format, level: level) }
        var logger = Logger(label: "loopwatch")
        logger.logLevel = level

        let metrics = WorkerMetrics()
        let status = WorkerStatus()
        let worker = WorkerService(
            config: loaded,
            readConfig: {
                try ConfigLoader.load(path: path, environment: ProcessInfo.processInfo.environment, purpose: .full)
            },
            instanceID: instanceID ?? ProcessInfo.processInfo.hostName,
            logger: logger, metrics: metrics, status: status)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: worker)]
        if let listen = loaded.metrics.listen {
            do {
                services.append(
                    .init(service: try MetricsServer(listen: listen, metrics: metrics, status: status, logger: logger)))
            } catch {
                StandardError.write("\(path): \(error)\n")
                throw ExitStatus.badConfig
            }
        }
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch let error as WorkerError where error.isConfigurationError {
            logger.critical("\(error.message)", metadata: ["code": "\(error.code)"])
            throw ExitStatus.badConfig
        } catch {
            logger.critical("worker failed", metadata: ["error": "\(error)"])
            throw ExitCode.failure
        }
        logger.notice("stopped cleanly")
    }
}

extension LoopwatchLogHandler.Format: ExpressibleByArgument {}
