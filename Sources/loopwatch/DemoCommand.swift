import ArgumentParser
import Foundation
import KafkaClient
import Logging
import LoopwatchConfiguration
import LoopwatchCore
import LoopwatchReport
import LoopwatchWorker
import ServiceLifecycle
import Synchronization

/// `loopwatch demo`: the main job end to end on an embedded broker, in about half a minute.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Watch loopwatch work: embedded Kafka, sample conversations, SLAs in seconds, live alerts."
    )

    @Flag(name: .long, help: "Print the demo's configuration (the policy language) and exit.")
    var showConfig = false

    func run() async throws {
        if showConfig {
            print(DemoScript.configYAML)
            return
        }
        LoggingSystem.bootstrap { LoopwatchLogHandler(label: $0, format: .console, level: .error) }
        let logger: Logger = {
            var l = Logger(label: "loopwatch-demo")
            l.logLevel = .error
            return l
        }()
        let config = try ConfigLoader.load(
            yaml: DemoScript.configYAML, file: "demo.yaml", environment: [:], readFile: { _ in "" })
        let out = DemoPrinter(color: isatty(1) == 1)
        out.banner()

        let cluster = try EmbeddedKafka.start(config.kafka, logger: logger)
        defer { cluster.destroy() }
        let status = WorkerStatus()
        let worker = WorkerService(
            config: config, readConfig: { config }, instanceID: "demo", logger: logger, metrics: WorkerMetrics(),
            status: status, notifier: SystemdNotifier(environment: [:]), bootstrapOverride: cluster.bootstrapServers)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: worker)], gracefulShutdownSignals: [.sigint, .sigterm], logger: logger))
        let tally = DemoTallyBox()

        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            tasks.addTask {
                do {
                    try await Self.script(
                        config: config, cluster: cluster, status: status, logger: logger, out: out, tally: tally)
                } catch {
                    await group.triggerGracefulShutdown()
                    throw error
                }
                await group.triggerGracefulShutdown()
            }
            try await tasks.waitForAll()
        }
    }

    static func script(
        config: LoopwatchConfig, cluster: KafkaMockCluster, status: WorkerStatus, logger: Logger, out: DemoPrinter,
        tally: DemoTallyBox
    ) async throws {
        out.line("starting the worker on an embedded Kafka (joining its group takes a few seconds)…")
        let deadline = ContinuousClock.now + .seconds(45)
        while !status.isReady, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
        let viewer = try AlertViewer(
            bootstrap: cluster.bootstrapServers, topic: config.kafka.alertTopic, logger: logger)
        let producer = try KafkaProducer(
            configuration: KafkaConfiguration([
                "bootstrap.servers": cluster.bootstrapServers, "queue.buffering.max.kbytes": "65536", "linger.ms": "1",
            ]),
            logger: logger)
        defer { producer.shutdown() }
        _ = try await DedicatedThread.run(name: "demo-warmup") {
            try producer.partitionCount(topic: config.kafka.inputTopics[0])
        }
        out.ready()
        let start = ContinuousClock.now
        let wallStart = Timestamp.wallClock()
        try await withThrowingTaskGroup(of: Void.self) { inner in
            inner.addTask {
                try await viewer.run { alert in
                    tally.state.withLock { $0.alerts[alert.type, default: 0] += 1 }
                    out.alert(alert, elapsed: ContinuousClock.now - start)
                }
            }
            inner.addTask {
                for (i, step) in DemoScript.steps.enumerated() {
                    let due = start + .milliseconds(Int64(step.at * 1000))
                    if due > .now { try await Task.sleep(until: due) }
                    let json = DemoScript.json(
                        step, id: i, occurredAt: wallStart + TimeSpan(millis: Int64(step.at * 1000)))
                    _ = try await producer.send(
                        KafkaProducerRecord(
                            topic: config.kafka.inputTopics[0], key: Array(step.conversation.utf8),
                            value: Array(json.utf8)))
                    tally.state.withLock {
                        $0.events += 1
                        $0.lines.append(json)
                    }
                    out.event(step, elapsed: ContinuousClock.now - start)
                }
                try await Task.sleep(for: .milliseconds(Int64(DemoScript.tail * 1000)))
                viewer.stop()
            }
            try await inner.waitForAll()
        }
        let dead = try await AlertViewer.count(
            bootstrap: cluster.bootstrapServers, topic: config.kafka.deadLetterTopic, logger: logger)
        let seen = tally.state.withLock { $0 }
        out.summary(seen, deadLetters: dead)
        out.socialStatus(try Self.socialStatus(of: seen.lines, config: config))
    }

    /// `loopwatch report` over the events the demo sent, on the same engine.
    static func socialStatus(of lines: [String], config: LoopwatchConfig) throws -> SocialStatus {
        let engine = SLAEngine.reporting(policies: config.policies, processing: config.processing)
        var driver = ReportDriver(
            engine: engine, processing: config.processing,
            options: try SocialStatusReport.Options(policyNames: config.policies.policies.map(\.name)))
        for line in lines { driver.feed(line: line) }
        return driver.finish()
    }
}

struct DemoTally: Sendable {
    var events = 0
    var alerts: [String: Int] = [:]
    /// The events as sent, for the closing social status.
    var lines: [String] = []
}

/// Shared counters of the demo's two tasks.
final class DemoTallyBox: Sendable {
    let state = Mutex(DemoTally())
}

/// A read_committed consumer of the alert topic, as another team would run it.
final class AlertViewer: Sendable {
    struct Seen: Sendable {
        var type: String
        var subject: String
        var data: [String: String]
    }

    let consumer: KafkaConsumer

    init(bootstrap: String, topic: String, logger: Logger) throws {
        consumer = try KafkaConsumer(
            configuration: KafkaConfiguration([
                "bootstrap.servers": bootstrap, "group.id": "demo-alert-viewer", "isolation.level": "read_committed",
                "auto.offset.reset": "earliest", "fetch.wait.max.ms": "20",
            ]),
            topics: [topic], logger: logger)
    }

    func run(_ body: @Sendable (Seen) -> Void) async throws {
        for try await batch in consumer.batches(maxMessages: 100, pollTimeout: .milliseconds(50)) {
            for m in batch {
                guard let v = m.value, let o = try? JSONSerialization.jsonObject(with: Data(v)) as? [String: Any] else {
                    continue
                }
                let data = (o["data"] as? [String: Any] ?? [:]).mapValues { "\($0)" }
                body(Seen(type: o["type"] as? String ?? "?", subject: o["subject"] as? String ?? "?", data: data))
            }
        }
    }

    func stop() { consumer.close() }

    /// Records committed to `topic` (all partitions).
    static func count(bootstrap: String, topic: String, logger: Logger) async throws -> Int {
        try await DedicatedThread.run(name: "demo-count") {
            let reader = try KafkaPartitionReader(
                configuration: KafkaConfiguration(["bootstrap.servers": bootstrap]), logger: logger)
            defer { reader.close() }
            var n = 0
            for p in 0..<EmbeddedKafka.partitions {
                n += try reader.read(topic: topic, partition: Int32(p)) { _ in }
            }
            return n
        }
    }
}

/// The demo's terminal output.
struct DemoPrinter: Sendable {
    let color: Bool
    static let lock = Mutex(())

    func paint(_ s: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }

    func line(_ s: String) {
        Self.lock.withLock { _ in
            FileHandle.standardOutput.write(Data((s + "\n").utf8))
        }
    }

    func stamp(_ d: Duration) -> String {
        let ms = d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000
        return String(format: "%5.1fs", Double(ms) / 1000)
    }

    func banner() {
        line(paint("loopwatch demo", "1") + " — every customer message deserves an answer, fast.")
        line("Policies (SLAs compressed to seconds): VIP social (twitter/instagram, high/urgent) 6s first response,")
        line(
            "warning 2s before, escalation 5s after; everything else 10s, warning 3s before. `loopwatch demo --show-config`."
        )
        line("")
    }

    func ready() {
        line(paint("worker ready", "32") + " — partitions restored, producing the sample conversations now.\n")
        line(paint("  time  what", "2"))
    }

    func event(_ s: DemoScript.Step, elapsed: Duration) {
        let who: String
        switch s.kind {
        case "response": who = paint("◀ customer ", "36")
        case "acknowledgement": who = paint(s.automated ? "▶ auto-reply" : "▶ brand    ", "34")
        case "broadcast": who = paint("▶ broadcast", "34")
        case "status": who = paint("● status   ", "35")
        default: who = paint("✗ bad event", "31")
        }
        var text = s.text.map { "\"\($0)\"" } ?? s.status ?? s.raw ?? ""
        if text.count > 44 { text = String(text.prefix(43)) + "…\"" }
        let conv = s.conversation.padding(toLength: 10, withPad: " ", startingAt: 0)
        line(
            "\(stamp(elapsed))  \(who) \(conv) \(text.padding(toLength: 46, withPad: " ", startingAt: 0)) "
                + paint(s.note, "2"))
    }

    func alert(_ a: AlertViewer.Seen, elapsed: Duration) {
        let kind = a.type.replacingOccurrences(of: "loopwatch.sla.", with: "")
        let label: String
        switch kind {
        case "warning": label = paint("⚠ WARNING  ", "33;1")
        case "breached": label = paint("✖ BREACHED ", "31;1")
        case "escalated": label = paint("⬆ ESCALATED", "35;1")
        default: label = paint("✔ RESOLVED ", "32;1")
        }
        let d = a.data
        var detail = "\(d["metric"] ?? "") · policy \(d["policy"] ?? "") · \(d["severity"] ?? "")"
        if kind == "resolved" {
            detail +=
                (d["within_target"] == "1" || d["within_target"] == "true")
                ? " · within target" : " · after the deadline"
        } else {
            detail +=
                " · \(d["elapsed_seconds"] ?? "?")s of \(d["target_seconds"] ?? "?")s · \(d["unanswered_count"] ?? "?") unanswered"
        }
        line("\(stamp(elapsed))  \(label) \(a.subject.padding(toLength: 10, withPad: " ", startingAt: 0)) \(detail)")
    }

    func summary(_ t: DemoTally, deadLetters: Int) {
        line("")
        line(paint("What happened", "1"))
        let kinds = ["warning", "breached", "escalated", "resolved"].map { k in
            "\(t.alerts["loopwatch.sla.\(k)"] ?? 0) \(k)"
        }
        line(
            "  \(t.events) events in, \(kinds.joined(separator: ", ")) alerts out, \(deadLetters) bad event(s) in the dead-letter topic."
        )
        line("  Every alert was read by a read_committed consumer of the alert topic, exactly once,")
        line("  from one Kafka transaction that also carried the conversation state and the input offsets.")
    }

    /// One line per channel: is the brand closing the loop there?
    func socialStatus(_ s: SocialStatus) {
        line("")
        line(paint("Social status — are we closing the loop, or just broadcasting?", "1"))
        func percent(_ r: Double?) -> String { r.map { String(format: "%3.0f %%", $0 * 100) } ?? "  — " }
        for c in s.channels {
            let g = c.group
            let answered = "answered \(percent(g.answeredRate))"
            let inTime = "within target \(percent(g.withinTargetRate))"
            line(
                "  \(c.name.padding(toLength: 10, withPad: " ", startingAt: 0)) "
                    + "\(g.status.label.padding(toLength: 18, withPad: " ", startingAt: 0)) "
                    + "\(answered) · \(inTime) · \(g.concerns) concern(s), \(g.broadcasts) broadcast(s)")
        }
        line(
            "  The whole report, as a page: `loopwatch report --config my.yaml --events events.jsonl --out status.html`."
        )
        line("")
        line("Next: `loopwatch demo --show-config > my.yaml`, change the policies, and see what they would")
        line("flag on recorded events: `loopwatch replay --config my.yaml --events config/samples/events.jsonl`.")
        line("README.md has the rest: deploying under systemd, writing policies, reading alerts.")
    }
}
