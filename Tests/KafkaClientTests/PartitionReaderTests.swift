import KafkaClient
import Testing

@Suite struct PartitionReaderTests {
    typealias T = TestSupport

    /// What `readAll` delivered: records per partition in arrival order, and the ends.
    struct Read: Sendable {
        var records: [Int32: [String]] = [:]
        var ends: [(Int32, Int)] = []
        var spans: [Int32: Int64] = [:]
    }

    @Test func readAllReadsEveryPartitionToItsEndAtOnce() async throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        defer { cluster.destroy() }
        let topic = T.unique("readall")
        try cluster.createTopic(name: topic, partitions: 4)
        let counts: [Int32: Int] = [0: 700, 1: 0, 2: 3, 3: 1]  // partition 1 stays empty
        try await T.produce(to: cluster, topic: topic, counts: counts) { p, i in
            (T.bytes("k\(p)-\(i)"), i == 1 ? nil : T.bytes("v\(p)-\(i)"))
        }

        // Once with the reader's defaults, once with a queue so shallow (queued.min.messages 50)
        // that librdkafka stops fetching many times on the way and the reader must wake it.
        for queue in [nil, "50"] {
            let configuration = T.readerConfiguration(cluster)
            let read = try await T.blocking {
                let reader = try KafkaPartitionReader(
                    configuration: queue.map { configuration.with("queued.min.messages", $0) } ?? configuration,
                    logger: T.logger)
                defer { reader.close() }
                var read = Read()
                try reader.readAll(topic: topic, partitions: [3, 0, 1, 2, 0], maxBatch: 64) { p, offsets in
                    read.spans[p] = offsets
                } record: { p, key, value in
                    #expect(!read.ends.contains { $0.0 == p }, "a record of partition \(p) after its end")
                    let k = key.map { String(decoding: $0, as: UTF8.self) } ?? "?"
                    read.records[p, default: []].append(value == nil ? "\(k)=null" : k)
                } end: { p, n in
                    read.ends.append((p, n))
                }
                return read
            }
            #expect(read.ends.map(\.0).sorted() == [0, 1, 2, 3], "each partition ends once")
            #expect(read.ends.first?.0 == 1, "the empty partition ends without a fetch, first")
            for (p, n) in read.ends { #expect(n == counts[p], "partition \(p)") }
            for (p, n) in counts where n > 0 {
                let expected = (0..<n).map { i in i == 1 ? "k\(p)-\(i)=null" : "k\(p)-\(i)" }
                #expect(read.records[p] == expected, "partition \(p): every record once, in offset order")
            }
            #expect(read.records[1] == nil)
            #expect(
                read.spans == [0: 700, 2: 3, 3: 1], "each non-empty partition's offsets announced before it is read")
        }
    }

    @Test func readAllOfOnlyEmptyPartitionsEndsThemAll() async throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        defer { cluster.destroy() }
        let topic = T.unique("readall-empty")
        try cluster.createTopic(name: topic, partitions: 2)
        let ends = try await T.blocking {
            let reader = try KafkaPartitionReader(configuration: T.readerConfiguration(cluster), logger: T.logger)
            defer { reader.close() }
            var ends: [Int32: Int] = [:]
            try reader.readAll(topic: topic, partitions: [0, 1]) { _, _, _ in
                Issue.record("no records expected")
            } end: { p, n in
                ends[p] = n
            }
            return ends
        }
        #expect(ends == [0: 0, 1: 0])
    }
}
