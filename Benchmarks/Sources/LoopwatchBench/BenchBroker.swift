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

    /// Waits until the broker is idle — noida-db's own CPU under 5 % over 200 ms, at most 20 s —
    /// so a measured phase does not pay for the broker still storing the input just produced
    /// (noida-db saves it in the background). The mock runs inside this process and has nothing
    /// to wait for.
    func settle() {
        guard let noida else { return }
        let started = ContinuousClock.now
        var last = noida.cpuTicks()
        while ContinuousClock.now - started < .seconds(20) {
            Thread.sleep(forTimeInterval: 0.2)
            let now = noida.cpuTicks()
            // Clock ticks are 10 ms: 5 % of 200 ms is one tick.
            if now - last <= 1 { break }
            last = now
        }
    }

    /// CPU seconds so far: this process, the broker, the broker's `autosave` thread; and this
    /// process's minor page faults (``cpu()``).
    typealias CPUSample = (process: Double, broker: Double, autosave: Double, faults: Int)

    /// CPU seconds used so far by this process (the clients, and the mock when it is the broker)
    /// and by the noida-db process (zero for the mock), to split a phase's CPU between them.
    /// `autosave` is the part of `broker` spent by noida-db's `autosave` thread, which writes a
    /// snapshot of everything the broker holds every few seconds.
    func cpu() -> CPUSample {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let process =
            Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        let tick = Double(sysconf(Int32(_SC_CLK_TCK)))
        return (
            process, Double(noida?.cpuTicks() ?? 0) / tick, Double(noida?.autosaveTicks() ?? 0) / tick,
            usage.ru_minflt
        )
    }

    /// CPU clock ticks of each thread of this process, by `tid name` (BENCH_THREADS=1).
    static func threadTicks() -> [String: Int] {
        var out: [String: Int] = [:]
        for tid in (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? [] {
            guard let (name, ticks) = procStat("/proc/self/task/\(tid)/stat") else { continue }
            out["\(tid) \(name)"] = ticks
        }
        return out
    }

    /// The name and the CPU time (user + system, in clock ticks) in a `/proc/…/stat` file.
    static func procStat(_ path: String) -> (name: Substring, ticks: Int)? {
        guard let stat = try? String(contentsOfFile: path, encoding: .utf8), let open = stat.firstIndex(of: "("),
            let end = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(after: end)...].split(separator: " ")
        return (stat[stat.index(after: open)..<end], (Int(fields[11]) ?? 0) + (Int(fields[12]) ?? 0))
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
        // BENCH_BROKER_CPUS=0: the broker on cores of its own (run the benchmark itself with
        // `taskset -c` on the others), as a broker on another machine would be.
        let cpus = ProcessInfo.processInfo.environment["BENCH_BROKER_CPUS"]
        p.executableURL = URL(fileURLWithPath: cpus == nil ? binary : "/usr/bin/taskset")
        p.arguments =
            (cpus.map { ["-c", $0, binary] } ?? []) + [
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

    /// The broker process's CPU time so far (user + system), in clock ticks.
    func cpuTicks() -> Int {
        BenchBroker.procStat("/proc/\(process.processIdentifier)/stat")?.ticks ?? 0
    }

    /// CPU clock ticks of the broker's `autosave` thread (or threads).
    func autosaveTicks() -> Int {
        let task = "/proc/\(process.processIdentifier)/task"
        var ticks = 0
        for tid in (try? FileManager.default.contentsOfDirectory(atPath: task)) ?? [] {
            if let (name, t) = BenchBroker.procStat("\(task)/\(tid)/stat"), name == "autosave" { ticks += t }
        }
        return ticks
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
