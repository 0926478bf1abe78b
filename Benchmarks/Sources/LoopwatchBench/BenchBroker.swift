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
            try KafkaWire(port: n.port, timeout: .seconds(30)).createTopics(
                topics.map { ($0, Int32(partitions)) })
            noida = n
            mock = nil
            bootstrapServers = "127.0.0.1:\(n.port)"
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
        try p.run()
        process = p
        let end = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < end {
            if (try? KafkaWire(port: port, timeout: .seconds(1)).apiVersions()) == true { return }
            if !p.isRunning { throw BenchBrokerError("noida-db exited during start (see \(directory)/broker.log)") }
            Thread.sleep(forTimeInterval: 0.05)
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
