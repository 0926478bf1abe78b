import Foundation
import Synchronization

/// Runs the built `loopwatch` binary the way an operator or systemd would, capturing output.
final class LoopwatchProcess: Sendable {
    /// The binary next to the test bundle (SwiftPM puts products and tests in one directory).
    static let binary: URL = {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("loopwatch")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/loopwatch")
    }()

    let process: Process
    private let output = Output()

    /// Captured output, appended to by the pipes' handlers.
    final class Output: Sendable {
        let stdout = Mutex(Data())
        let stderr = Mutex(Data())
        /// Pipes read to their end (the process closed them): 2 when all output is in.
        let ended = Atomic(0)

        /// Stops the handlers and reads what is left in both pipes of the exited `process`.
        func readRest(of process: Process) {
            // Non-blocking: what the exited process wrote is in the pipe now; a child still
            // holding it must not stall the test (the reason the wait above is bounded).
            func rest(_ pipe: Any?) -> Data {
                guard let handle = (pipe as? Pipe)?.fileHandleForReading else { return Data() }
                handle.readabilityHandler = nil
                let fd = handle.fileDescriptor
                _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
                var data = Data()
                var buffer = [UInt8](repeating: 0, count: 65_536)
                while case let n = read(fd, &buffer, buffer.count), n > 0 { data.append(contentsOf: buffer[..<n]) }
                return data
            }
            let out = rest(process.standardOutput)
            stdout.withLock { $0.append(out) }
            let err = rest(process.standardError)
            stderr.withLock { $0.append(err) }
            ended.store(2, ordering: .releasing)
        }
    }

    init(_ arguments: [String], environment: [String: String] = [:], stdin: FileHandle? = nil) throws {
        let p = Process()
        p.executableURL = Self.binary
        p.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["NOTIFY_SOCKET"] = nil
        env["WATCHDOG_USEC"] = nil
        env["JOURNAL_STREAM"] = nil
        for (k, v) in environment { env[k] = v }
        p.environment = env
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        if let stdin { p.standardInput = stdin }
        process = p
        let captured = output
        out.fileHandleForReading.readabilityHandler = { h in
            let d = h.availableData
            if d.isEmpty {
                h.readabilityHandler = nil
                captured.ended.add(1, ordering: .releasing)
            }
            captured.stdout.withLock { $0.append(d) }
        }
        err.fileHandleForReading.readabilityHandler = { h in
            let d = h.availableData
            if d.isEmpty {
                h.readabilityHandler = nil
                captured.ended.add(1, ordering: .releasing)
            }
            captured.stderr.withLock { $0.append(d) }
        }
        try p.run()
    }

    var stdout: String { String(decoding: output.stdout.withLock { $0 }, as: UTF8.self) }
    var stderr: String { String(decoding: output.stderr.withLock { $0 }, as: UTF8.self) }
    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    func signal(_ s: Int32) { kill(process.processIdentifier, s) }

    /// Waits (bounded) for the process to exit and returns its status.
    func exitStatus(within timeout: Duration = .seconds(60)) async throws -> Int32 {
        let end = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < end else {
                process.terminate()
                struct StillRunning: Error {}
                throw StillRunning()
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        // All output is in once both pipes reached their end (bounded: a child could hold them).
        let drained = ContinuousClock.now + .seconds(10)
        while output.ended.load(ordering: .acquiring) < 2, ContinuousClock.now < drained {
            try await Task.sleep(for: .milliseconds(5))
        }
        // Foundation's readability handler can miss a pipe's end under load (seen in CI: a
        // report cut short after the 10 s wait): read whatever is left directly.
        if output.ended.load(ordering: .acquiring) < 2 { output.readRest(of: process) }
        return process.terminationStatus
    }

    /// Runs to completion and returns (status, stdout, stderr).
    static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> (Int32, String, String)
    {
        let p = try LoopwatchProcess(arguments, environment: environment)
        let status = try await p.exitStatus()
        return (status, p.stdout, p.stderr)
    }
}

/// A fake `$NOTIFY_SOCKET`: collects the datagrams a `Type=notify` service sends.
final class NotifySocket: Sendable {
    let path: String
    private let fd: Int32
    private let messages = Mutex<[(at: ContinuousClock.Instant, text: String)]>([])
    private let closed = Mutex(false)

    init() throws {
        path = NSTemporaryDirectory() + "lw-notify-\(UInt32.random(in: 0...UInt32.max)).sock"
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in raw.copyBytes(from: Array(path.utf8) + [0]) }
        let ok = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        struct BindFailed: Error {}
        guard ok == 0 else { throw BindFailed() }
        var tv = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        let thread = Thread { [self] in self.receive() }
        thread.start()
    }

    private func receive() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !closed.withLock({ $0 }) {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n > 0 {
                let text = String(decoding: buffer[0..<n], as: UTF8.self)
                messages.withLock { $0.append((.now, text)) }
            }
        }
        close(fd)
        unlink(path)
    }

    /// Every message so far.
    var all: [(at: ContinuousClock.Instant, text: String)] { messages.withLock { $0 } }

    /// Messages containing a `KEY=value` line.
    func received(_ line: String) -> [(at: ContinuousClock.Instant, text: String)] {
        all.filter { $0.text.split(separator: "\n").contains { $0.hasPrefix(line) } }
    }

    func stop() { closed.withLock { $0 = true } }
}

/// A temporary file with `contents`.
func temporaryFile(_ name: String, _ contents: String) throws -> String {
    let dir = NSTemporaryDirectory() + "lw-\(UInt32.random(in: 0...UInt32.max))"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let path = dir + "/" + name
    try contents.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}
