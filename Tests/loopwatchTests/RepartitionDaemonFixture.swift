import Foundation
import KafkaClient
import LoopwatchCore
import LoopwatchTestSupport
import Synchronization

/// What the repartition daemon tests share, whatever the broker (librdkafka's mock cluster in
/// ``RepartitionDaemonTests``, noida-db in ``NoidaRepartitionDaemonTests``): the topics (inputs
/// with their own partition counts, the repartition topic with the state topic's), the daemon's
/// configuration, the input producers (librdkafka's default partitioner, CRC32, for responses and
/// Java's murmur2 for acknowledgements), the events they write and the outcome replay expects,
/// the running daemon and read_committed views of the outputs.
final class RepartitionDaemonFixture: Sendable {
    /// Where the topics are.
    enum Broker: Sendable {
        /// A mock cluster of one broker, made for the fixture and destroyed by ``shutdown()``.
        case mock
        /// A noida broker (the suite's): isolating, the state topic compacted.
        case noida(NoidaBroker)
    }

    /// The daemon's topics.
    struct Topics: Sendable {
        var responses = "responses"
        var acks = "acks"
        var repartition = "lw-repartition"
        var state = "loopwatch-state"
        var alerts = "sla-alerts"
        var deadLetter = "interactions-dlq"

        /// The default names (`lw-repartition` for the repartition topic).
        static let unprefixed = Topics()

        /// Every name with `prefix-` instead: tests of a suite share a broker, not its data.
        static func prefixed(_ prefix: String) -> Topics {
            Topics(
                responses: "\(prefix)-responses", acks: "\(prefix)-acks", repartition: "\(prefix)-repartition",
                state: "\(prefix)-state", alerts: "\(prefix)-alerts", deadLetter: "\(prefix)-dlq")
        }
    }

    let topics: Topics
    let bootstrap: String
    /// Both policy targets of the one policy, `fast`.
    let target: TimeSpan
    /// The events' time origin: responses occur at `t0`, acknowledgements 500 ms later.
    let t0: Timestamp
    private let cluster: KafkaMockCluster?
    private let crc: KafkaProducer
    private let murmur: KafkaProducer
    private let written = Mutex<(good: [String], planted: [String])>(([], []))

    /// Creates the topics (`repartitionPartitions` nil: no repartition topic) and the producers.
    init(_ broker: Broker, topics: Topics = .unprefixed, target: TimeSpan, repartitionPartitions: Int? = 2) throws {
        self.topics = topics
        self.target = target
        let t = topics
        switch broker {
        case .mock:
            let c = try KafkaMockCluster(brokers: 1, logger: DaemonTests.logger)
            try c.createTopic(name: t.responses, partitions: 3)
            try c.createTopic(name: t.acks, partitions: 5)
            for name in [t.state, t.alerts, t.deadLetter] { try c.createTopic(name: name, partitions: 2) }
            if let repartitionPartitions { try c.createTopic(name: t.repartition, partitions: repartitionPartitions) }
            cluster = c
            bootstrap = c.bootstrapServers
        case .noida(let b):
            try b.createTopics([t.responses], partitions: 3)
            try b.createTopics([t.acks], partitions: 5)
            try b.createTopics([t.alerts, t.deadLetter], partitions: 2)
            if let repartitionPartitions {
                try b.createTopics([t.repartition], partitions: Int32(repartitionPartitions))
            }
            try b.createTopics([t.state], partitions: 2, configs: ["cleanup.policy": "compact"])
            cluster = nil
            bootstrap = b.bootstrapServers
        }
        crc = try Self.producer(bootstrap, partitioner: "consistent_random")
        murmur = try Self.producer(bootstrap, partitioner: "murmur2_random")
        t0 = Timestamp.wallClock()
    }

    /// An idempotent input producer with `partitioner`.
    private static func producer(_ bootstrap: String, partitioner: String) throws -> KafkaProducer {
        try KafkaProducer(
            configuration: KafkaConfiguration([
                "bootstrap.servers": bootstrap, "partitioner": partitioner, "enable.idempotence": "true",
                "acks": "all", "linger.ms": "1", "queue.buffering.max.kbytes": "65536",
            ]),
            logger: DaemonTests.logger)
    }

    /// Shuts the producers down and destroys the mock cluster, if any.
    func shutdown() {
        crc.shutdown()
        murmur.shutdown()
        cluster?.destroy()
    }

    /// The daemon's configuration; `debug`: librdkafka debug contexts for its clients.
    func config(group: String, debug: String? = nil) -> String {
        """
        kafka:
          bootstrap_servers: "\(bootstrap)"
          group_id: \(group)
          input_topics: [\(topics.responses), \(topics.acks)]
          repartition_topic: \(topics.repartition)
          state_topic: \(topics.state)
          alert_topic: \(topics.alerts)
          dead_letter_topic: \(topics.deadLetter)
        \(debug.map { "  properties:\n    debug: \($0)" } ?? "")
        processing:
          commit_interval: 100ms
          allowed_lateness: 3s
        metrics:
          listen: off
        policies:
          - name: fast
            first_response: \(target)
            next_response: \(target)
        """
    }

    /// ``config(group:debug:)`` in a temporary file; returns its path.
    func configFile(group: String, debug: String? = nil) throws -> String {
        try temporaryFile("lw-\(group).yaml", config(group: group, debug: debug))
    }

    /// `loopwatch run` with the configuration at `path` as instance `instance`.
    func daemon(config path: String, instance: String, _ more: [String] = []) throws -> LoopwatchProcess {
        try LoopwatchProcess(["run", "--config", path, "--instance-id", instance] + more)
    }

    /// An event `millis` after ``t0``.
    func event(_ id: String, _ conversation: String, _ kind: String, _ millis: Int64) -> String {
        let at = RFC3339.format(t0 + TimeSpan(millis: millis))
        return #"{"id":"\#(id)","conversation_id":"\#(conversation)","kind":"\#(kind)","occurred_at":"\#(at)"}"#
    }

    /// Conversation `i` (`rk-i`): its response keyed by id, by nothing or by account (by `i % 3`);
    /// every even one acknowledged. Both are good events.
    func produce(_ i: Int) async throws {
        let c = "rk-\(i)"
        let key: [UInt8]? = [Array(c.utf8), nil, Array("account-\(i % 5)".utf8)][i % 3]
        let r = event("r\(i)", c, "response", 0)
        _ = try await crc.send(KafkaProducerRecord(topic: topics.responses, key: key, value: Array(r.utf8)))
        written.withLock { $0.good.append(r) }
        if i % 2 == 0 {
            let a = event("a\(i)", c, "acknowledgement", 500)
            _ = try await murmur.send(KafkaProducerRecord(topic: topics.acks, key: key, value: Array(a.utf8)))
            written.withLock { $0.good.append(a) }
        }
    }

    /// A record that is not JSON (naming `n`) on the responses topic, without a key: a planted bad event.
    func plant(_ n: Int) async throws {
        let bad = "{\"planted\": \(n), not json"
        _ = try await crc.send(KafkaProducerRecord(topic: topics.responses, key: nil, value: Array(bad.utf8)))
        written.withLock { $0.planted.append(bad) }
    }

    /// The good events written so far.
    var good: [String] { written.withLock { $0.good } }
    /// The planted bad events written so far.
    var planted: [String] { written.withLock { $0.planted } }

    /// The conversations replay breaches, of the good events written so far, by `t0 + 60 s`.
    func expectedBreaches() -> Set<String> {
        var replay = ReplayDriver(
            policies: PolicySet([Policy(name: "fast", firstResponse: target, nextResponse: target, version: "")]),
            processing: .init())
        var expected = Set<String>()
        for line in good { replay.feed(line: line) { expected.insert($0.conversationID) } }
        replay.finish(until: t0 + .seconds(60)) { expected.insert($0.conversationID) }
        return expected
    }

    /// Every record of `topic` a read_committed reader sees (its first two partitions, as many as
    /// the outputs have).
    func read(_ topic: String) async throws -> [KafkaConsumerMessage] {
        try await DaemonTests.read(bootstrap: bootstrap, topic, partitions: 2)
    }

    /// The alerts a read_committed reader sees (id and subject of each copy).
    func alerts() async throws -> [DaemonTests.Seen] {
        try await DaemonTests.alertIDs(bootstrap: bootstrap, topic: topics.alerts, partitions: 2)
    }

    /// Waits (bounded) until stage 1 committed more than `count` records to the repartition topic.
    func waitUntilReKeyed(moreThan count: Int, timeout: Duration) async throws {
        try await waitUntil(timeout: timeout) { try await self.read(self.topics.repartition).count > count }
    }
}
