import Foundation
import KafkaClient
import LoopwatchTestSupport
import Synchronization
import Testing

/// A clean restart of the broker (noida-db) under a live stream, with one `loopwatch run`:
/// the worker's transaction open at the stop cannot be finished (noida forgets producer
/// sequence numbers, so the producer fails fatally and is re-created), and a read_committed
/// reader must still see the worker's alerts again within seconds — not after the broker
/// times that transaction out.
///
/// Only with `LOOPWATCH_NOIDA_BROKER_FAULTS=1` (as the chaos suite's broker restarts): it does not
/// pass reliably yet — in three runs of five a few conversations sent *after* the restart are
/// never breached (no error in the worker's log, which it leaves in `$TMPDIR/noida-broker-restart.log`).
@Suite(
    .serialized, .noidaAvailable, .noida,
    .enabled(if: ProcessInfo.processInfo.environment["LOOPWATCH_NOIDA_BROKER_FAULTS"] == "1")
) struct NoidaBrokerRestartTests {
    @Test func afterABrokerRestartAlertsAreVisibleAgainWithinSeconds() async throws {
        let broker = try NoidaBroker.suiteBroker()
        let topics = NoidaTopics(broker: broker, prefix: "brestart", partitions: 2)
        try topics.create()
        let path = try temporaryFile("lw.yaml", topics.config(group: "brestart", target: "1s"))
        let notify = try NotifySocket()
        defer { notify.stop() }
        let worker = try LoopwatchProcess(
            ["run", "--config", path, "--instance-id", "b1"], environment: ["NOTIFY_SOCKET": notify.path])
        defer {
            if worker.isRunning { worker.signal(SIGKILL) }
            try? worker.stderr.write(
                toFile: NSTemporaryDirectory() + "noida-broker-restart.log", atomically: true, encoding: .utf8)
        }
        try await waitUntil(timeout: .seconds(30)) { !notify.received("READY=1").isEmpty }
        let input = try TransactionalInput(bootstrap: topics.bootstrap, id: "brestart-input")
        defer { input.shutdown() }

        // A live stream (a response every 50 ms, each breached 1 s later), so the worker has a
        // transaction open with alerts and changelog records when the broker stops.
        let sent = Mutex(0)
        let stop = Flag()
        let t0 = Date()
        let stream = Task {
            while !stop.isSet {
                let i = sent.withLock { $0 }
                let c = "br-\(i)"
                let line = NoidaTopics.event("r\(i)", c, "response", Date(), 0)
                try await input.send(
                    KafkaProducerRecord(topic: topics.input, key: Array(c.utf8), value: Array(line.utf8)))
                sent.withLock { $0 += 1 }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        try await waitUntil(timeout: .seconds(30)) { try await topics.alerts().count >= 20 }
        broker.stopCleanly()
        try await Task.sleep(for: .milliseconds(1500))  // the broker is down for 1.5 s
        try broker.restart()
        let restarted = ContinuousClock.now
        let firstAfter = sent.withLock { $0 } + 1  // sent after the broker was back
        let wantedAfter = Set((firstAfter..<(firstAfter + 10)).map { "br-\($0)" })

        // Without the fix noida kept the abandoned transaction open until it timed it out
        // (transaction.timeout.ms, 60 s, and then some): no alert was visible for ~80 s.
        let bound = Duration.seconds(25)
        let visible: Void? = try? await waitUntil(timeout: bound) {
            wantedAfter.isSubset(of: Set(try await topics.alerts().map(\.subject)))
        }
        let after = ContinuousClock.now - restarted
        print("noida broker restart: alerts of events sent after the restart visible after \(after)")
        stop.set()
        try await stream.value
        let total = sent.withLock { $0 }
        #expect(visible != nil, "no alert of the 10 events sent after the restart was visible within \(bound)")

        // And nothing is lost or doubled: one breach per conversation.
        let complete: Void? = try? await waitUntil(timeout: .seconds(60)) {
            try await Set(topics.alerts().map(\.subject)).count >= total
        }
        if complete == nil { print("noida broker restart: " + (try await Self.visibility(topics))) }
        worker.signal(SIGTERM)
        #expect(try await worker.exitStatus(within: .seconds(45)) == 0, "stderr: \(worker.stderr.suffix(2000))")
        let alerts = try await topics.alerts()
        let copies = alerts.count - Set(alerts.map(\.id)).count
        print("noida broker restart: \(total) events since \(t0), \(alerts.count) alerts, \(copies) copies")
        #expect(Set(alerts.map(\.subject)) == Set((0..<total).map { "br-\($0)" }), "every conversation breached")
        #expect(copies == 0, "no alert published twice")
    }

    /// Per partition of the alert and state topics: records a read_committed reader sees, and
    /// all records (read_uncommitted) with the high watermark.
    static func visibility(_ topics: NoidaTopics) async throws -> String {
        try await DedicatedThread.run(name: "visibility") {
            var lines: [String] = []
            for level in ["read_committed", "read_uncommitted"] {
                let configuration = KafkaConfiguration([
                    "bootstrap.servers": topics.bootstrap, "isolation.level": level,
                ])
                let reader = try KafkaPartitionReader(configuration: configuration, logger: DaemonTests.logger)
                defer { reader.close() }
                for topic in [topics.alertTopic, topics.state] {
                    for p in 0..<topics.partitions {
                        var last: Int64 = -1
                        let n = try reader.read(topic: topic, partition: p) { last = $0.last?.offset ?? last }
                        lines.append("\(level) \(topic)[\(p)]: \(n) records, last offset \(last)")
                    }
                }
            }
            return lines.joined(separator: "\n")
        }
    }
}
