import Foundation
import KafkaClient
import Logging

/// The broker a Kafka benchmark runs against: librdkafka's in-process mock cluster (the
/// default), or noida-db — an isolating broker (read_committed readers do not see open
/// transactions, so an alert's delay includes its commit) — when `BENCH_BROKER=noida` and
/// `LOOPWATCH_NOIDA_BIN` names its binary. Each call starts a fresh broker; `destroy` stops it.
final class BenchBroker: Sendable {
    let bootstrapServers: String
    let name: String
    private let mock: KafkaMockCluster?
    private let noida: NoidaProcess?

    static var useNoida: Bool { ProcessInfo.processInfo.environment["BENCH_BROKER"] == "noida" }

    init(partitions: Int, topics: [String], logger: Logger) throws {
        if Self.useNoida {
            guard let binary = ProcessInfo.processInfo.environment["LOOPWATCH_NOIDA_BIN"], !binary.isEmpty else {
                throw BenchBrokerError(
                    "BENCH_BROKER=noida needs LOOPWATCH_NOIDA_BIN (tools/install_noida.sh prints it)")
            }
            let n = try NoidaProcess(binary: binary)
            try KafkaAdmin(configuration: KafkaConfiguration(["bootstrap.servers": n.bootstrapServers]), logger: logger)
                .createTopics(topics.map { KafkaTopicSpec(name: $0, partitions: partitions) }, timeout: .seconds(30))
            noida = n
            mock = nil
            bootstrapServers = n.bootstrapServers
            name = "noida-db"
        } else {
            let c = try KafkaMockCluster(brokers: 1, logger: logger)
            for t in topics { try c.createTopic(name: t, partitions: partitions) }
            mock = c
            noida = nil
            bootstrapServers = c.bootstrapServers
            name = "mock cluster"
        }
    }

    func destroy() {
        mock?.destroy()
        noida?.stop()
    }
}

/// A noida-db broker started for one benchmark (`start --only kafka`), in a temporary data
/// directory, stopped (SIGTERM, then SIGKILL) by `stop`. Unchecked: only its owner, the
/// benchmark that started it, calls `stop`.
final class NoidaProcess: @unchecked Sendable {
    let port: UInt16
    let directory: String
    private let process: Process

    var bootstrapServers: String { "127.0.0.1:\(port)" }

    init(binary: String) throws {
        port = UInt16.random(in: 20_000...40_000)
        directory = NSTemporaryDirectory() + "lw-bench-noida-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory + "/data", withIntermediateDirectories: true)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = [
            "start", "--only", "kafka", "--host", "127.0.0.1", "--kafka-port", "\(port)", "--data-dir",
            directory + "/data",
        ]
        _ = FileManager.default.createFile(atPath: directory + "/broker.log", contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: directory + "/broker.log"))
        p.standardOutput = log
        p.standardError = log
        // Probed with metadata requests (each waits up to 50 ms for the broker) on a silent client
        // that retries a refused connection every few tens of milliseconds.
        var quiet = Logger(label: "noida.probe")
        quiet.logLevel = .critical
        let probe = try KafkaAdmin(
            configuration: KafkaConfiguration([
                "bootstrap.servers": "127.0.0.1:\(port)", "reconnect.backoff.ms": "10",
                "reconnect.backoff.max.ms": "50",
            ]),
            logger: quiet)
        try p.run()
        process = p
        let end = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < end {
            if (try? probe.partitionCounts(topics: [], timeout: .milliseconds(50))) != nil { return }
            if !p.isRunning { throw BenchBrokerError("noida-db exited during start (see \(directory)/broker.log)") }
        }
        stop()
        throw BenchBrokerError("noida-db did not answer on port \(port) within 30 s")
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let end = ContinuousClock.now + .seconds(5)
        while process.isRunning, ContinuousClock.now < end { Thread.sleep(forTimeInterval: 0.02) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

struct BenchBrokerError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}
