import Foundation
import KafkaClient
import LoopwatchTestSupport
import Synchronization
import Testing

/// A clean restart of the broker (noida-db) under a live stream, with one `loopwatch run`: a
/// read_committed reader must see the worker's alerts again within seconds, every conversation
/// breached once.
///
/// Only with `LOOPWATCH_NOIDA_BROKER_FAULTS=1` (as the chaos suite's broker restarts): it fails in
/// about half the runs, where noida-db 0.2.3 loses alerts for reasons of its own, each shown by the
/// worker's log (`LOOPWATCH_NOIDA_DEBUG=eos,fetch`; the log is left in
/// `$TMPDIR/noida-broker-restart.log`), the per-partition counts this test prints, and
/// `NoidaBrokerRestartProducerTests` on one producer:
/// - the restart ends the transactions open at the stop, yet the producers go on in them: the test
///   input's commit then succeeds with its record gone (`input holds N-1 of N events`);
/// - that input producer keeps its producer id, and noida lists the transaction it ended in every
///   later fetch, so librdkafka skips *every* later input transaction of that producer on that
///   partition as aborted (`Enqueue 1 message(s) … 1 aborted msgsets` per fetch): none of the
///   partition's later events reaches the worker, and its alerts never come;
/// - or the worker's first transaction after the restart fails fatally
///   (`OUT_OF_ORDER_SEQUENCE_NUMBER`: noida forgot sequence numbers even after a clean stop) once a
///   record to a partition new to it landed; the re-created producer gets a new producer id, so
///   nothing ends that transaction and the partition's LSO stays stuck (alerts read_uncommitted 233,
///   read_committed 14).
/// No copy was ever published. The worker cannot tell any of these from a correct broker's answers.
@Suite(
    .serialized, .noidaAvailable, .noida,
    .enabled(if: ProcessInfo.processInfo.environment["LOOPWATCH_NOIDA_BROKER_FAULTS"] == "1")
) struct NoidaBrokerRestartTests {
    @Test func afterABrokerRestartAlertsAreVisibleAgainWithinSeconds() async throws {
        let broker = try NoidaBroker.suiteBroker()
        let topics = NoidaTopics(broker: broker, prefix: "brestart", partitions: 2)
        try topics.create()
        // LOOPWATCH_NOIDA_DEBUG=<librdkafka debug contexts> (e.g. eos,cgrp,fetch): the worker logs at debug.
        let debug = ProcessInfo.processInfo.environment["LOOPWATCH_NOIDA_DEBUG"].flatMap { $0.isEmpty ? nil : $0 }
        var yaml = topics.config(group: "brestart", target: "1s")
        if let debug {
            yaml = yaml.replacingOccurrences(
                of: "processing:", with: "  properties: { debug: \"\(debug)\" }\nprocessing:")
        }
        let path = try temporaryFile("lw.yaml", yaml)
        let notify = try NotifySocket()
        defer { notify.stop() }
        let worker = try LoopwatchProcess(
            ["run", "--config", path, "--instance-id", "b1"] + (debug == nil ? [] : ["--log-level", "debug"]),
            environment: ["NOTIFY_SOCKET": notify.path])
        defer {
            if worker.isRunning { worker.signal(SIGKILL) }
            try? worker.stderr.write(
                toFile: NSTemporaryDirectory() + "noida-broker-restart.log", atomically: true, encoding: .utf8)
        }
        try await waitUntil(timeout: .seconds(30)) { !notify.received("READY=1").isEmpty }
        let input = try TransactionalInput(bootstrap: topics.bootstrap, id: "brestart-input")
        defer { input.shutdown() }

        // A live stream (a response every 50 ms, each breached 1 s later), so the worker has a
        // transaction open with alerts and changelog records when the broker stops. A child task:
        // should the test end early (a throw), leaving the scope cancels it and waits for it.
        let sent = Mutex(0)
        let stop = Flag()
        let t0 = Date()
        async let stream: Void = {
            while !stop.isSet {
                let i = sent.withLock { $0 }
                let c = "br-\(i)"
                let line = NoidaTopics.event("r\(i)", c, "response", Date(), 0)
                try await input.send(
                    KafkaProducerRecord(topic: topics.input, key: Array(c.utf8), value: Array(line.utf8)))
                sent.withLock { $0 += 1 }
                try await Task.sleep(for: .milliseconds(50))
            }
        }()
        try await waitUntil(timeout: .seconds(30)) { try await topics.alerts().count >= 20 }
        broker.stopCleanly()
        try await Task.sleep(for: .milliseconds(1500))  // the broker is down for 1.5 s
        try broker.restart()
        let restarted = ContinuousClock.now
        let firstAfter = sent.withLock { $0 } + 1  // sent after the broker was back
        let wantedAfter = Set((firstAfter..<(firstAfter + 10)).map { "br-\($0)" })

        let bound = Duration.seconds(25)
        let visible: Void? = try? await waitUntil(timeout: bound) {
            wantedAfter.isSubset(of: Set(try await topics.alerts().map(\.subject)))
        }
        let after = ContinuousClock.now - restarted
        print("noida broker restart: alerts of events sent after the restart visible after \(after)")
        stop.set()
        try await stream
        let total = sent.withLock { $0 }
        #expect(visible != nil, "no alert of the 10 events sent after the restart was visible within \(bound)")

        // And nothing is lost or doubled: one breach per conversation.
        let _: Void? = try? await waitUntil(timeout: .seconds(60)) {
            try await Set(topics.alerts().map(\.subject)).count >= total
        }
        print("noida broker restart: " + (try await Self.visibility(topics)))
        worker.signal(SIGTERM)
        #expect(try await worker.exitStatus(within: .seconds(45)) == 0, "stderr: \(worker.stderr.suffix(2000))")
        let alerts = try await topics.alerts()
        let copies = alerts.count - Set(alerts.map(\.id)).count
        let inputs = try await DaemonTests.read(bootstrap: topics.bootstrap, topics.input, partitions: 2)
        let breached = Set(alerts.map(\.subject))
        let missing = (0..<total).map { "br-\($0)" }.filter { !breached.contains($0) }
        let inputKeys = Set(inputs.compactMap { $0.key.map { String(decoding: $0, as: UTF8.self) } })
        print(
            "noida broker restart: input holds \(inputs.count) of \(total) events; \(missing.count) alerts missing "
                + "(\(missing.filter(inputKeys.contains).count) of their events in the input): \(missing.prefix(20))")
        print("noida broker restart: \(total) events since \(t0), \(alerts.count) alerts, \(copies) copies")
        #expect(Set(alerts.map(\.subject)) == Set((0..<total).map { "br-\($0)" }), "every conversation breached")
        #expect(copies == 0, "no alert published twice")
    }

    /// Per partition of the input, alert and state topics: records a read_committed reader sees, and
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
                for topic in [topics.input, topics.alertTopic, topics.state] {
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
