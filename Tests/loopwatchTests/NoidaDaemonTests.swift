import Foundation
import KafkaClient
import LoopwatchTestSupport
import Testing

/// `loopwatch run` (the real binary) against an isolating broker (noida-db): what the mock
/// cluster cannot show, strictly — every due alert exactly once for a read_committed reader
/// across a `kill -9`, static membership giving a restarted instance its partitions back at
/// once, and a second running instance with the same id fenced with exit 78.
@Suite(.serialized, .noidaAvailable, .noida) struct NoidaDaemonTests {
    @Test func killNineAndRestartWithTheSameInstanceIDIsExactlyOnceAndOnTime() async throws {
        let broker = try NoidaBroker.suiteBroker()
        let topics = NoidaTopics(broker: broker, prefix: "kill9", partitions: 2)
        try topics.create()
        let path = try temporaryFile("lw.yaml", topics.config(group: "kill9", target: "8s"))
        let producer = try topics.producer()
        defer { producer.shutdown() }

        let t0 = Date()
        var lines: [(key: String, line: String)] = []
        for i in 0..<40 {
            lines.append(("k\(i)", NoidaTopics.event("r\(i)", "k\(i)", "response", t0, 0)))
            if i % 2 == 0 { lines.append(("k\(i)", NoidaTopics.event("a\(i)", "k\(i)", "acknowledgement", t0, 0.5))) }
        }
        let planted = ["{\"planted\": 1, not json", "{\"planted\": 2}"]
        let first = try LoopwatchProcess(["run", "--config", path, "--instance-id", "k1"])
        for (i, l) in lines.enumerated() {
            _ = try await producer.send(
                KafkaProducerRecord(topic: topics.input, key: Array(l.key.utf8), value: Array(l.line.utf8)))
            if i == 10 {
                _ = try await producer.send(
                    KafkaProducerRecord(topic: topics.input, key: Array("bad-1".utf8), value: Array(planted[0].utf8)))
            }
        }
        _ = try await producer.send(
            KafkaProducerRecord(topic: topics.input, key: Array("bad-2".utf8), value: Array(planted[1].utf8)))
        // Into the stream (state committed for some conversations), then kill -9 before any deadline.
        try await waitUntil(timeout: .seconds(60)) { try await topics.count(topics.state) >= 10 }
        first.signal(SIGKILL)
        _ = try await first.exitStatus()

        let notify = try NotifySocket()
        defer { notify.stop() }
        let restarted = ContinuousClock.now
        let second = try LoopwatchProcess(
            ["run", "--config", path, "--instance-id", "k1"], environment: ["NOTIFY_SOCKET": notify.path])
        try await waitUntil(timeout: .seconds(25)) { !notify.received("READY=1").isEmpty }
        let readyAfter = notify.received("READY=1")[0].at - restarted
        print("noida kill -9: the restarted instance was ready after \(readyAfter)")
        // Static membership: the partitions come back at once, not after session.timeout.ms (30 s).
        #expect(readyAfter < .seconds(10), "ready only after \(readyAfter)")

        // 20 unanswered conversations → 20 breaches, due 8 s after t0.
        try await waitUntil(timeout: .seconds(60)) { try await topics.alerts().count >= 20 }
        second.signal(SIGTERM)
        #expect(try await second.exitStatus(within: .seconds(45)) == 0, "stderr: \(second.stderr.suffix(2000))")

        let alerts = try await topics.alerts()
        #expect(alerts.count == 20, "every alert exactly once: \(alerts.map(\.id))")
        #expect(Set(alerts.map(\.id)).count == alerts.count, "no copies")
        #expect(Set(alerts.map(\.subject)) == Set((0..<40).filter { $0 % 2 == 1 }.map { "k\($0)" }))
        #expect(alerts.allSatisfy { $0.type == "loopwatch.sla.breached" })
        #expect(alerts.filter(\.detectedLate).isEmpty, "late: \(alerts.filter(\.detectedLate).map(\.subject))")
        let dlq = try await topics.deadLetters()
        #expect(dlq.sorted() == planted.sorted(), "dead letters: \(dlq)")
    }

    @Test func secondRunningInstanceWithTheSameIDIsFencedWithExit78() async throws {
        let broker = try NoidaBroker.suiteBroker()
        let topics = NoidaTopics(broker: broker, prefix: "fence", partitions: 2)
        try topics.create()
        let path = try temporaryFile("lw.yaml", topics.config(group: "fence", target: "30s"))
        let notify = try NotifySocket()
        defer { notify.stop() }
        let first = try LoopwatchProcess(
            ["run", "--config", path, "--instance-id", "twin"], environment: ["NOTIFY_SOCKET": notify.path])
        try await waitUntil(timeout: .seconds(30)) { !notify.received("READY=1").isEmpty }
        let second = try LoopwatchProcess(["run", "--config", path, "--instance-id", "twin"])
        defer {
            first.signal(SIGKILL)
            second.signal(SIGKILL)
        }
        try await waitUntil(timeout: .seconds(40)) { !first.isRunning || !second.isRunning }
        let (fenced, survivor) = first.isRunning ? (second, first) : (first, second)
        let status = try await fenced.exitStatus(within: .seconds(10))
        let line = fenced.stderr.split(separator: "\n").last { $0.contains("twin") } ?? "<no line names the id>"
        print(
            "noida fencing: the \(fenced === first ? "first" : "second") instance was fenced (exit \(status)): \(line)")
        #expect(status == 78, "stderr: \(fenced.stderr.suffix(3000))")
        #expect(fenced.stderr.contains("'twin'"), "the log names the id: \(fenced.stderr.suffix(3000))")
        #expect(fenced.stderr.contains("instance_id_in_use") || fenced.stderr.contains("instance id"))
        #expect(survivor.isRunning)
        survivor.signal(SIGTERM)
        #expect(try await survivor.exitStatus(within: .seconds(45)) == 0, "stderr: \(survivor.stderr.suffix(2000))")
    }
}
