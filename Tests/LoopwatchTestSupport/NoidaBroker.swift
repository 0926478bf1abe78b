import Foundation
import KafkaClient
import Logging
import Synchronization

/// One noida-db Kafka broker for a test suite: an *isolating* Kafka-compatible broker
/// (read_committed hides aborted and open transactions, offsets sent to a transaction commit
/// with it, static membership, data kept across a `kill -9`), unlike librdkafka's mock cluster.
///
/// The binary is the one shipped inside the `noida-db` Python package, found through
/// `LOOPWATCH_NOIDA_BIN` (exported by `make test`, which installs the pinned package into
/// `.venv-noida/`). It is started directly (not through the Python launcher), in its own process
/// group, on a free loopback port with its own temporary data directory; ``stop()`` kills that
/// group and removes the directory. Use it through the ``NoidaSuite`` trait, which starts one
/// broker per suite, skips the suite with ``unavailableReason`` when there is no binary, and
/// always stops the broker at the end.
public final class NoidaBroker: Sendable {
    /// Where the binary is, from `LOOPWATCH_NOIDA_BIN`.
    public static let binary: String? = {
        let env = ProcessInfo.processInfo.environment
        guard let path = env["LOOPWATCH_NOIDA_BIN"], !path.isEmpty else { return nil }
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }()

    /// Why noida tests cannot run here; nil when they can.
    public static var unavailableReason: String? {
        if binary != nil { return nil }
        let env = ProcessInfo.processInfo.environment
        if let why = env["LOOPWATCH_NOIDA_UNAVAILABLE"], !why.isEmpty { return "noida-db unavailable: \(why)" }
        if let path = env["LOOPWATCH_NOIDA_BIN"], !path.isEmpty {
            return "noida-db unavailable: LOOPWATCH_NOIDA_BIN=\(path) is not an executable file"
        }
        return "noida-db unavailable: LOOPWATCH_NOIDA_BIN is not set (run the tests through `make test`, "
            + "which installs noida-db==0.2.3 into .venv-noida/)"
    }

    /// Whether the suites must fail rather than skip without a binary (`LOOPWATCH_REQUIRE_NOIDA=1`, set by CI).
    public static var isRequired: Bool { ProcessInfo.processInfo.environment["LOOPWATCH_REQUIRE_NOIDA"] == "1" }

    /// The loopback port the broker listens on (kept across restarts).
    public let port: UInt16
    /// The broker's data directory (kept across restarts, removed by ``stop()``).
    public let dataDirectory: String
    /// Where the broker's standard output and error go.
    public let logPath: String
    private let executable: String
    private let running = Mutex<pid_t?>(nil)

    /// `bootstrap.servers` for clients.
    public var bootstrapServers: String { "127.0.0.1:\(port)" }

    /// Starts a broker and waits until it answers Kafka requests.
    public init(binary: String, startTimeout: Duration = .seconds(30)) throws {
        executable = binary
        let dir = NSTemporaryDirectory() + "lw-noida-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir + "/data", withIntermediateDirectories: true)
        dataDirectory = dir + "/data"
        logPath = dir + "/broker.log"
        // A port that was free a moment ago can be taken before the broker binds it (by a client
        // of another suite's broker, say): the first start on a new port gets up to three tries.
        var attempt = 1
        while true {
            let candidate = try Self.freeLoopbackPort()
            do {
                let pid = try Self.start(
                    binary, port: candidate, dataDirectory: dir + "/data", log: dir + "/broker.log",
                    timeout: startTimeout)
                port = candidate
                running.withLock { $0 = pid }
                return
            } catch let error as NoidaError where attempt < 3 {
                let note = "noida-db start on port \(candidate) failed, retrying: \(error)\n"
                FileHandle.standardError.write(Data(note.utf8))
                attempt += 1
            }
        }
    }

    deinit { stop() }

    /// The process id of the running broker, if any.
    public var pid: pid_t? { running.withLock { $0 } }

    /// The broker's output so far (for failure messages).
    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Kills the broker with SIGKILL (its whole process group) and reaps it; the data stay.
    public func kill9() { terminate(signal: SIGKILL) }

    /// Stops the broker with `signal` (SIGKILL: a crash; SIGTERM: a clean stop, which writes out
    /// what it holds), then starts it again on the same port and data directory and waits until
    /// it answers. A no-op stop when it is already down.
    public func restart(after signal: Int32 = SIGKILL, timeout: Duration = .seconds(30)) throws {
        terminate(signal: signal)
        try start(timeout: timeout)
    }

    /// Stops the broker cleanly (SIGTERM, bounded) and reaps it; the data stay.
    public func stopCleanly() { terminate(signal: SIGTERM) }

    /// Stops the broker (SIGTERM, then SIGKILL after a bounded wait) and removes its files.
    public func stop() {
        terminate(signal: SIGTERM, grace: .seconds(5))
        try? FileManager.default.removeItem(atPath: (dataDirectory as NSString).deletingLastPathComponent)
    }

    private func start(timeout: Duration) throws {
        let pid = try Self.start(executable, port: port, dataDirectory: dataDirectory, log: logPath, timeout: timeout)
        running.withLock { $0 = pid }
    }

    /// Starts the binary on `port` and waits until it answers; kills it when it does not.
    private static func start(
        _ executable: String, port: UInt16, dataDirectory: String, log logPath: String, timeout: Duration
    ) throws -> pid_t {
        let arguments = [
            executable, "start", "--only", "kafka", "--host", "127.0.0.1",
            "--kafka-port", "\(port)", "--data-dir", dataDirectory,
        ]
        let probe = try Self.probe(port: port)
        let pid = try spawnInOwnGroup(arguments, output: logPath)
        let log = { ((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "").suffix(2000) }
        let end = ContinuousClock.now + timeout
        while ContinuousClock.now < end {
            // A metadata request: returns once the broker answers, or fails when the slice ends.
            if (try? probe.partitionCounts(topics: [], timeout: .milliseconds(50))) != nil { return pid }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                throw NoidaError(message: "noida-db exited during start (status \(status)): \(log())")
            }
        }
        kill(-pid, SIGKILL)
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
        throw NoidaError(message: "noida-db did not answer on port \(port) within \(timeout): \(log())")
    }

    /// A silent admin client that retries a refused connection every few tens of milliseconds
    /// (librdkafka's default backoff grows to seconds while the broker is still starting).
    private static func probe(port: UInt16) throws -> KafkaAdmin {
        var quiet = Logger(label: "noida.probe")
        quiet.logLevel = .critical
        return try KafkaAdmin(
            configuration: KafkaConfiguration([
                "bootstrap.servers": "127.0.0.1:\(port)", "reconnect.backoff.ms": "10",
                "reconnect.backoff.max.ms": "50", "log.connection.close": "false",
            ]),
            logger: quiet)
    }

    private func terminate(signal: Int32, grace: Duration = .seconds(5)) {
        guard
            let pid = running.withLock({ p in
                defer { p = nil }
                return p
            })
        else { return }
        kill(-pid, signal)
        let end = ContinuousClock.now + grace
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            if ContinuousClock.now >= end {
                kill(-pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                break
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        // Anything the broker forked is in its group too.
        kill(-pid, SIGKILL)
    }

    private static func spawnInOwnGroup(_ arguments: [String], output: String) throws -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Its own process group, and default signal handling whatever the test runner blocks or ignores.
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attributes, 0)
        var signals = sigset_t()
        sigemptyset(&signals)
        posix_spawnattr_setsigmask(&attributes, &signals)
        for s in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD] { sigaddset(&signals, s) }
        posix_spawnattr_setsigdefault(&attributes, &signals)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, arguments[0], &actions, &attributes, &argv, environ)
        guard rc == 0 else {
            throw NoidaError(message: "cannot start \(arguments[0]): \(String(cString: strerror(rc)))")
        }
        return pid
    }

    /// A free loopback port below the kernel's ephemeral range (so that no client connection
    /// takes it as its local port between this check and the broker's bind, nor after a restart),
    /// or one the kernel hands out when that range leaves no room.
    public static func freeLoopbackPort() throws -> UInt16 {
        let range = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8))?
            .split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        if let low = range?.first, low > 12_000 {
            for _ in 0..<50 {
                let candidate = UInt16(Int.random(in: 10_000..<low))
                if let port = try? bindable(candidate) { return port }
            }
        }
        return try bindable(0)
    }

    /// Binds `port` on 127.0.0.1 (0: any), closes it again, and returns the port bound.
    private static func bindable(_ port: UInt16) throws -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw NoidaError(message: "socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = port.bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { p in
                bind(fd, p, length) == 0 && getsockname(fd, p, &length) == 0
            }
        }
        guard bound else { throw NoidaError(message: "bind: \(String(cString: strerror(errno)))") }
        return UInt16(bigEndian: address.sin_port)
    }
}

/// A noida broker that could not be started or asked.
public struct NoidaError: Error, CustomStringConvertible {
    public var code = "noida_broker"
    public var message: String
    public var description: String { "\(code): \(message)" }
}
