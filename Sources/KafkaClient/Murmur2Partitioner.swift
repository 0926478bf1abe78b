/// The partitioner of the Java clients (`DefaultPartitioner` / `BuiltInPartitioner` for a
/// non-null key): `toPositive(murmur2(key)) % partitions`, with Kafka's `Utils.murmur2` (MurmurHash2,
/// seed `0x9747b28c`) — the same as librdkafka's `murmur2` and `murmur2_random` partitioners
/// for a non-null key. Kafka Streams writes its repartition topics this way.
public struct Murmur2Partitioner: Sendable, Hashable {
    /// Partitions of the topic (at least 1).
    public let partitions: Int32

    /// - Precondition: `partitions` ≥ 1.
    public init(partitions: Int32) {
        precondition(partitions >= 1, "a topic has at least one partition")
        self.partitions = partitions
    }

    /// The partition of `key`.
    public func partition(of key: some Collection<UInt8>) -> Int32 {
        Int32(bitPattern: Self.murmur2(key) & 0x7fff_ffff) % partitions
    }

    /// Kafka's `Utils.murmur2`: 32-bit MurmurHash2 of `data`, seed `0x9747b28c`, little-endian
    /// 4-byte blocks (returned as the bits of Java's `int`).
    public static func murmur2(_ data: some Collection<UInt8>) -> UInt32 {
        let m: UInt32 = 0x5bd1_e995
        let r: UInt32 = 24
        let length = data.count
        var h: UInt32 = 0x9747_b28c ^ UInt32(truncatingIfNeeded: length)
        var block: UInt32 = 0
        var filled: UInt32 = 0
        for byte in data {
            block |= UInt32(byte) << (8 * filled)
            filled += 1
            if filled == 4 {
                var k = block &* m
                k ^= k >> r
                k = k &* m
                h = h &* m
                h ^= k
                block = 0
                filled = 0
            }
        }
        if filled > 0 {
            // Java's switch on length % 4 falls through: tail bytes 2, 1, 0 xor in, then one multiply.
            h ^= block
            h = h &* m
        }
        h ^= h >> 13
        h = h &* m
        h ^= h >> 15
        return h
    }
}
