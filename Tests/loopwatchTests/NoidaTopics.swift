import Foundation
import KafkaClient
import LoopwatchTestSupport

/// One test's topics on the suite's noida broker (prefixed, so tests of a suite share the broker
/// without sharing data), its daemon configuration and read_committed views of its outputs.
struct NoidaTopics: Sendable {
    let bootstrap: String
    let input: String
    let state: String
    let alertTopic: String
    let deadLetter: String
    let partitions: Int32
    private let broker: NoidaBroker

    init(broker: NoidaBroker, prefix: String, partitions: Int32) {
        self.broker = broker
        bootstrap = broker.bootstrapServers
        input = "\(prefix)-interactions"
        state = "\(prefix)-state"
        alertTopic = "\(prefix)-alerts"
        deadLetter = "\(prefix)-dlq"
        self.partitions = partitions
    }

    func create() throws {
        try broker.createTopics([input, alertTopic, deadLetter], partitions: partitions)
        try broker.createTopics([state], partitions: partitions, configs: ["cleanup.policy": "compact"])
    }

    /// The daemon's configuration; `processing` and `policy` lines are indented for their blocks.
    func config(group: String, target: String, lateness: String = "0s", policy: [String] = []) -> String {
        """
        kafka:
          bootstrap_servers: "\(bootstrap)"
          group_id: \(group)
          input_topics: [\(input)]
          alert_topic: \(alertTopic)
          state_topic: \(state)
          dead_letter_topic: \(deadLetter)
        processing:
          commit_interval: 100ms
          allowed_lateness: \(lateness)
        metrics:
          listen: off
        policies:
          - name: fast
            first_response: \(target)
            next_response: \(target)
        \(policy.map { "    " + $0 }.joined(separator: "\n"))
        """
    }

    /// A producer for the input. Idempotent by default; not across a noida restart, which forgets
    /// producer sequence numbers (the next produce then fails with OUT_OF_ORDER_SEQUENCE_NUMBER).
    func producer(idempotent: Bool = true) throws -> KafkaProducer {
        try KafkaProducer(
            configuration: KafkaConfiguration([
                "bootstrap.servers": bootstrap, "queue.buffering.max.kbytes": "65536", "linger.ms": "1", "acks": "all",
                "enable.idempotence": "\(idempotent)", "reconnect.backoff.ms": "50", "reconnect.backoff.max.ms": "500",
            ]),
            logger: DaemonTests.logger)
    }

    func count(_ topic: String) async throws -> Int {
        try await DaemonTests.read(bootstrap: bootstrap, topic, partitions: Int(partitions)).count
    }

    struct Alert: Sendable {
        var id: String
        var subject: String
        var type: String
        var detectedLate: Bool
    }

    /// Every alert copy a read_committed reader sees.
    func alerts() async throws -> [Alert] {
        try await DaemonTests.read(bootstrap: bootstrap, alertTopic, partitions: Int(partitions)).compactMap { m in
            guard let v = m.value, let o = try? JSONSerialization.jsonObject(with: Data(v)) as? [String: Any] else {
                return nil
            }
            let data = o["data"] as? [String: Any]
            return Alert(
                id: o["id"] as? String ?? "", subject: o["subject"] as? String ?? "", type: o["type"] as? String ?? "",
                detectedLate: data?["detected_late"] as? Bool ?? true)
        }
    }

    /// The dead letters' values (one per copy), checking each carries its error header.
    func deadLetters() async throws -> [String] {
        try await DaemonTests.read(bootstrap: bootstrap, deadLetter, partitions: Int(partitions)).map { m in
            m.headers.contains { $0.0 == "loopwatch.error" }
                ? String(decoding: m.value ?? [], as: UTF8.self) : "<no loopwatch.error header>"
        }
    }

    static func event(_ id: String, _ conv: String, _ kind: String, _ t0: Date, _ offset: Double) -> String {
        let ms = Int64((t0.timeIntervalSince1970 + offset) * 1000)
        let iso = ISO8601DateFormatter.string(
            from: Date(timeIntervalSince1970: Double(ms) / 1000), timeZone: .gmt,
            formatOptions: [.withInternetDateTime, .withFractionalSeconds])
        return #"{"id":"\#(id)","conversation_id":"\#(conv)","kind":"\#(kind)","occurred_at":"\#(iso)"}"#
    }
}
