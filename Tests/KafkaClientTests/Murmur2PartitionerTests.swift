import KafkaClient
import Testing

/// ``Murmur2Partitioner`` is the Java clients' partitioner: Kafka's own `Utils.murmur2` test
/// values, librdkafka's (`rdmurmur2.c`, the Java results it checks against), and librdkafka's
/// `murmur2_random` partitioner itself on a mock cluster.
@Suite struct Murmur2PartitionerTests {
    typealias T = TestSupport

    /// Kafka's `UtilsTest.testMurmur2`: `Utils.murmur2` as a Java `int`.
    @Test(
        arguments: [
            ("21", -973_932_308), ("foobar", -790_332_482), ("a-little-bit-long-string", -985_981_536),
            ("a-little-bit-longer-string", -1_486_304_829),
            ("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58_897_971), ("abc", 479_470_107),
        ] as [(String, Int32)])
    func javaUtilsMurmur2(key: String, java: Int32) {
        #expect(Int32(bitPattern: Murmur2Partitioner.murmur2(Array(key.utf8))) == java)
    }

    /// librdkafka's `unittest_murmur2`: every tail length (0–3 bytes left over), empty input.
    @Test(
        arguments: [
            ("kafka", 0xd067_cf64), ("giberish123456789", 0x8f55_2b0c), ("1234", 0x9fc9_7b14), ("234", 0xe7c0_09ca),
            ("34", 0x8739_30da), ("4", 0x5a4b_5ca1), ("PreAmbleWillBeRemoved,ThePrePartThatIs", 0x7842_4f1c),
            ("reAmbleWillBeRemoved,ThePrePartThatIs", 0x4a62_b377),
            ("eAmbleWillBeRemoved,ThePrePartThatIs", 0xe0e4_e09e),
            ("AmbleWillBeRemoved,ThePrePartThatIs", 0x62b8_b43f), ("", 0x106e_08d9),
        ] as [(String, UInt32)])
    func librdkafkaJavaCompatibleResults(key: String, hash: UInt32) {
        #expect(Murmur2Partitioner.murmur2(Array(key.utf8)) == hash)
        #expect(Murmur2Partitioner.murmur2(Substring(key).utf8) == hash)
    }

    @Test func partitionIsToPositiveModuloTheCount() {
        // murmur2("21") is negative as a Java int: toPositive masks the sign bit, it does not negate.
        let h = Murmur2Partitioner.murmur2(Array("21".utf8))
        for n: Int32 in [1, 2, 3, 7, 12, 100] {
            #expect(Murmur2Partitioner(partitions: n).partition(of: Array("21".utf8)) == Int32(h & 0x7fff_ffff) % n)
        }
        #expect(Murmur2Partitioner(partitions: 1).partition(of: [UInt8]()) == 0)
    }

    /// The independent check: librdkafka's `murmur2_random` partitioner (Java-compatible for a
    /// non-null key) puts every key where ``Murmur2Partitioner`` says.
    @Test func librdkafkaMurmur2RandomAgrees() async throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        defer { cluster.destroy() }
        let topic = T.unique("murmur2")
        let partitions: Int32 = 7
        try cluster.createTopic(name: topic, partitions: Int(partitions))
        let producer = try KafkaProducer(
            configuration: T.producerConfiguration(cluster).with("partitioner", "murmur2_random"), logger: T.logger)
        let partitioner = Murmur2Partitioner(partitions: partitions)
        var seen = Set<Int32>()
        for i in 0..<200 {
            let key = Array("conversation-\(i)-é".utf8)
            let report = try await producer.send(KafkaProducerRecord(topic: topic, key: key, value: [1]))
            #expect(report.partition == partitioner.partition(of: key), "key conversation-\(i)")
            seen.insert(report.partition)
        }
        #expect(seen.count == Int(partitions))
        await DedicatedThread.run { producer.shutdown() }
    }
}
