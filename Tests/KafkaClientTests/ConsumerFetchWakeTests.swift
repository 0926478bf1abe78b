import Foundation
import KafkaClient
import Testing

/// A consumer whose queue is so shallow (queued.min.messages 20) that librdkafka stops fetching
/// many times on the way through a backlog, and must be woken each time (`KafkaFetchWaker`):
/// every record still arrives once, in order per partition, and closing stops the waker.
@Suite struct ConsumerFetchWakeTests {
    typealias T = TestSupport

    @Test func aShallowQueueStillDeliversTheWholeBacklogInOrder() async throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        defer { cluster.destroy() }
        let topic = T.unique("wake")
        try cluster.createTopic(name: topic, partitions: 2)
        let perPartition = 400
        try await T.produce(to: cluster, topic: topic, counts: [0: perPartition, 1: perPartition]) { p, i in
            (T.bytes("k"), T.bytes("\(p)-\(i)"))
        }
        let seen = try await T.blocking { () throws -> [Int32: [String]] in
            let consumer = try KafkaConsumer(
                configuration: T.consumerConfiguration(cluster, group: T.unique("g")).with("queued.min.messages", "20"),
                topics: [topic], logger: T.logger)
            defer { consumer.close() }
            var seen: [Int32: [String]] = [:]
            let end = ContinuousClock.now + .seconds(60)
            while seen.values.map(\.count).reduce(0, +) < 2 * perPartition, ContinuousClock.now < end {
                for m in try consumer.poll(maxMessages: 7, timeout: .milliseconds(50)) {
                    seen[m.partition, default: []].append(T.string(m.value) ?? "?")
                }
            }
            return seen
        }
        for p in Int32(0)..<2 {
            #expect(seen[p] == (0..<perPartition).map { "\(p)-\($0)" }, "partition \(p): every record once, in order")
        }
    }
}
