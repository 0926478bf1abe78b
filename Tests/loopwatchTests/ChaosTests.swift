import Foundation
import KafkaClient
import LoopwatchConfiguration
import LoopwatchCore
import LoopwatchTestSupport
import LoopwatchWorker
import Synchronization
import Testing

/// The fault suite: a generated population of conversations flows through real `loopwatch run`
/// processes while faults are injected at seeded random moments; at the end a read_committed
/// reader must see exactly the alerts `replay` computes for the same events, and the dead-letter
/// topic exactly the planted bad events.
///
/// `make test` runs a short seeded run; `make chaos` a long one (`LOOPWATCH_CHAOS_SECONDS`,
/// `LOOPWATCH_CHAOS_SEED` to reproduce a failure from its seed).
@Suite(.serialized) struct ChaosTests {
    struct Fault: CustomStringConvertible {
        enum Kind: String {
            case kill9 = "kill -9 + restart"
            case secondWorker = "second worker joins, then leaves"
            case brokerOutage = "broker down, then up"
            case txnErrors = "transient transaction errors"
            case produceErrors = "transient produce errors"
        }
        var at: Double
        var kind: Kind
        var description: String { String(format: "%6.1fs  %@", at, kind.rawValue) }
    }

    @Test func seededFaultsKeepTheAlertSetExact() async throws {
        let env = ProcessInfo.processInfo.environment
        // A fixed seed in `make test` keeps CI reproducible; `make chaos` draws a fresh one.
        let seed = env["LOOPWATCH_CHAOS_SEED"].flatMap(UInt64.init) ?? 20_261_128
        let seconds = env["LOOPWATCH_CHAOS_SECONDS"].flatMap(Double.init) ?? 20
        var rng = SplitMix(seed: seed)

        let cluster = try KafkaMockCluster(brokers: 1, logger: DaemonTests.logger)
        defer { cluster.destroy() }
        for t in ["interactions", "loopwatch-state", "sla-alerts", "interactions-dlq"] {
            try cluster.createTopic(name: t, partitions: 4)
        }
        let yaml = ChaosPopulation.yaml(
            kafka: """
                kafka:
                  bootstrap_servers: "\(cluster.bootstrapServers)"
                  group_id: chaos
                  input_topics: [interactions]
                """)
        let path = try temporaryFile("chaos.yaml", yaml)

        // The population: responses spread over the run, half answered (some in time, some late),
        // some with a second message, and planted bad events.
        let t0 = Timestamp.wallClock() + .seconds(8)  // after the first worker is ready
        let population = ChaosPopulation(seconds: seconds, t0: t0, rng: &rng)
        let schedule = population.schedule
        let planted = population.planted
        let conversations = population.conversations

        var faults: [Fault] = []
        let kinds: [Fault.Kind] = [.kill9, .secondWorker, .brokerOutage, .txnErrors, .produceErrors]
        for k in kinds { faults.append(Fault(at: Double.random(in: 1...(seconds - 1), using: &rng), kind: k)) }
        for _ in 0..<Int(seconds / 30) {
            faults.append(
                Fault(at: Double.random(in: 1...(seconds - 1), using: &rng), kind: kinds.randomElement(using: &rng)!))
        }
        faults.sort { $0.at < $1.at }
        print(
            "chaos: seed \(seed), \(seconds)s, \(conversations) conversations, \(schedule.count) events (\(planted.count) bad); faults:\n"
                + faults.map(\.description).joined(separator: "\n"))

        let primary = WorkerBox(try LoopwatchProcess(["run", "--config", path, "--instance-id", "c1"]))
        let producer = try KafkaProducer(
            configuration: KafkaConfiguration([
                "bootstrap.servers": cluster.bootstrapServers, "queue.buffering.max.kbytes": "65536", "linger.ms": "1",
            ]),
            logger: DaemonTests.logger)
        defer { producer.shutdown() }
        let start = ContinuousClock.now + .milliseconds(t0.millis - Timestamp.wallClock().millis)
        let scheduleCopy = schedule
        let faultsCopy = faults

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for e in scheduleCopy {
                    try await Task.sleep(until: start + .milliseconds(Int64(e.at * 1000)))
                    _ = try await producer.send(
                        KafkaProducerRecord(topic: "interactions", key: Array(e.key.utf8), value: Array(e.line.utf8)))
                }
            }
            group.addTask {
                for f in faultsCopy {
                    try await Task.sleep(until: start + .milliseconds(Int64(f.at * 1000)))
                    switch f.kind {
                    case .kill9:
                        primary.process.signal(SIGKILL)
                        _ = try await primary.process.exitStatus()
                        primary.killed = true
                        primary.process = try LoopwatchProcess(["run", "--config", path, "--instance-id", "c1"])
                    case .secondWorker:
                        let second = try LoopwatchProcess(["run", "--config", path, "--instance-id", "c2"])
                        try await Task.sleep(for: .seconds(4))
                        second.signal(SIGTERM)
                        #expect(try await second.exitStatus() == 0)
                    case .brokerOutage:
                        try cluster.setBrokerDown(1)
                        try await Task.sleep(for: .milliseconds(1500))
                        try cluster.setBrokerUp(1)
                    case .txnErrors:
                        try cluster.pushRequestErrors(.endTxn, [.notCoordinator, .coordinatorNotAvailable])
                        try cluster.pushRequestErrors(.txnOffsetCommit, [.groupAuthorizationFailed])
                    case .produceErrors:
                        try cluster.pushRequestErrors(.produce, [.notLeaderForPartition, .requestTimedOut])
                    }
                }
            }
            try await group.waitForAll()
        }

        // What replay says for the same (good) events, up to the end of the run.
        let until = t0 + TimeSpan(millis: Int64((seconds + 12) * 1000))
        let expected = try population.expected(yaml: yaml, until: until)

        // Wait until the daemon's clock has passed `until` (plus lateness) and everything arrived.
        let want = expected
        try await waitUntil(timeout: .seconds(seconds + 90)) {
            guard Timestamp.wallClock() > until + .seconds(6) else { return false }
            let have = Set(try await DaemonTests.alertIDs(cluster, partitions: 4).map(\.id))
            return have.isSuperset(of: want)
        }
        primary.process.signal(SIGTERM)
        #expect(
            try await primary.process.exitStatus(within: .seconds(45)) == 0,
            "worker stderr: \(primary.process.stderr.suffix(2000))")

        let seen = try await DaemonTests.alertIDs(cluster, partitions: 4)
        let ids = seen.map(\.id)
        let missing = expected.subtracting(ids)
        let unexpected = Set(ids).subtracting(expected)
        let duplicates = ids.count - Set(ids).count
        print(
            "chaos: seed \(seed): \(expected.count) expected alerts, \(ids.count) read, \(missing.count) missing, \(unexpected.count) unexpected, \(duplicates) duplicate deliveries"
        )
        #expect(missing.isEmpty, "seed \(seed): missing \(missing.count) alerts")
        #expect(unexpected.isEmpty, "seed \(seed): \(unexpected.count) alerts replay does not raise")
        // librdkafka 2.0.2's mock broker keeps no transaction markers, so records of the killed
        // process's open transaction stay visible beside their re-publication (same id). A real
        // broker's read_committed hides them; without a kill -9 there must be none.
        if !primary.killed { #expect(duplicates == 0, "seed \(seed): \(duplicates) duplicates") }

        let dlq = try await DaemonTests.read(cluster, "interactions-dlq", partitions: 4)
        let dlqValues = dlq.compactMap { $0.value.map { String(decoding: $0, as: UTF8.self) } }
        #expect(Set(dlqValues) == Set(planted), "seed \(seed): dead letters differ from the planted bad events")
        #expect(dlq.allSatisfy { m in m.headers.contains { $0.0 == "loopwatch.error" } })
    }
}

/// The primary worker process, replaced on restart.
final class WorkerBox: @unchecked Sendable {
    // @unchecked: replaced only by the fault task while the main task waits for it.
    var process: LoopwatchProcess
    var killed = false
    init(_ p: LoopwatchProcess) { process = p }
}
