import KafkaClient

/// The set-up and steps the transaction suites share, on either broker: ``TransactionTests`` on
/// librdkafka's mock cluster and ``NoidaTransactionTests`` on noida-db. Each suite keeps its own
/// expectations of what read_committed shows: the mock isolates neither open nor aborted
/// transactions, noida-db does.
extension TestSupport {
    /// A transactional producer (`transactional.id`: `id`, or a unique one), its transactions
    /// initialised; the caller shuts it down.
    static func transactionalProducer(_ cluster: some Bootstrapping, id: String? = nil) throws
        -> KafkaTransactionalProducer
    {
        let producer = try KafkaTransactionalProducer(
            configuration: transactionalConfiguration(cluster, id: id ?? unique("tx")), logger: logger)
        do {
            try producer.initTransactions(timeout: .seconds(10))
        } catch {
            producer.shutdown()
            throw error
        }
        return producer
    }

    /// One transaction of `records`, committed or aborted; with `deliverFirst` its records are
    /// written to the partitions before that (else an abort purges them in the client).
    static func transaction(
        _ producer: KafkaTransactionalProducer, _ records: [KafkaProducerRecord], commit: Bool,
        deliverFirst: Bool = false
    ) throws {
        try producer.beginTransaction()
        for record in records { try producer.enqueue(record) }
        if deliverFirst { try producer.flush(timeout: .seconds(10)) }
        if commit {
            try producer.commitTransaction(timeout: .seconds(10))
        } else {
            try producer.abortTransaction(timeout: .seconds(10))
        }
    }

    /// Four transactions of three records each (`<batch>-0` to `<batch>-2`, over partitions 0 and
    /// 1 of `topic`): `c1` committed; `a1` aborted before its records leave the client (purged by
    /// the abort); `a2` aborted after its records were written to the partitions; `c2` committed.
    static func writeCommittedAndAbortedBatches(_ producer: KafkaTransactionalProducer, topic: String) throws {
        for (batch, commit, deliverFirst) in [
            ("c1", true, false), ("a1", false, false), ("a2", false, true), ("c2", true, false),
        ] {
            let records = (0..<3).map { i in
                KafkaProducerRecord(topic: topic, partition: Int32(i % 2), value: bytes("\(batch)-\(i)"))
            }
            try transaction(producer, records, commit: commit, deliverFirst: deliverFirst)
        }
    }

    /// A changelog in `topic`, each record keyed by its value. Partition 0: `a b c` committed,
    /// `x y z w` aborted (purged by the abort), `d e` committed. Partition 1: `p1` committed,
    /// `q1 q2` written to the partition, then aborted, `p2` committed.
    static func writeChangelog(_ producer: KafkaTransactionalProducer, topic: String) throws {
        func changes(_ values: [String], partition: Int32, commit: Bool, deliverFirst: Bool = false) throws {
            let records = values.map {
                KafkaProducerRecord(topic: topic, partition: partition, key: bytes($0), value: bytes($0))
            }
            try transaction(producer, records, commit: commit, deliverFirst: deliverFirst)
        }
        try changes(["a", "b", "c"], partition: 0, commit: true)
        try changes(["x", "y", "z", "w"], partition: 0, commit: false)
        try changes(["d", "e"], partition: 0, commit: true)
        try changes(["p1"], partition: 1, commit: true)
        try changes(["q1", "q2"], partition: 1, commit: false, deliverFirst: true)
        try changes(["p2"], partition: 1, commit: true)
    }

    /// A consumer of `topics` in a group of its own; the caller closes it.
    static func consumerInNewGroup(_ cluster: some Bootstrapping, topics: [String]) throws -> KafkaConsumer {
        try KafkaConsumer(
            configuration: consumerConfiguration(cluster, group: unique("g")), topics: topics, logger: logger)
    }

    /// The values `consumer` polls: `count` or more, then whatever else comes within `settle`.
    static func consumeValues(_ consumer: KafkaConsumer, count: Int, settle: Duration) throws -> [String] {
        var values = try consume(consumer, count: count).map { string($0.value)! }
        values += try consumer.poll(maxMessages: 100, timeout: settle).map { string($0.value)! }
        return values
    }

    /// Five records (`"0"` to `"4"`) written to `input` (one partition) by a plain producer, and a
    /// consumer of a group of its own that consumed them (the caller closes it), with the offset
    /// after the last.
    static func consumedInput(_ cluster: some Bootstrapping, topic input: String) throws
        -> (consumer: KafkaConsumer, next: Int64)
    {
        let plain = try KafkaProducer(configuration: producerConfiguration(cluster), logger: logger)
        for i in 0..<5 { try plain.enqueue(KafkaProducerRecord(topic: input, value: bytes("\(i)"))) }
        try plain.flush(timeout: .seconds(10))
        plain.shutdown()
        let consumer = try consumerInNewGroup(cluster, topics: [input])
        let consumed = try consume(consumer, count: 5)
        return (consumer, consumed.map(\.offset).max()! + 1)
    }

    /// Sends `offset` of partition 0 of `topic` to `producer`'s open transaction, for `consumer`'s group.
    static func sendOffset(
        _ offset: Int64, of topic: String, to producer: KafkaTransactionalProducer, for consumer: KafkaConsumer
    ) throws {
        try producer.sendOffsetsToTransaction(
            offsets: [TopicPartitionOffset(topic: topic, partition: 0, offset: offset)],
            groupMetadata: try consumer.groupMetadata(), timeout: .seconds(10))
    }

    /// The values a read_committed partition reader sees in `topic`'s `partition`.
    static func committedValues(_ cluster: some Bootstrapping, topic: String, partition: Int32 = 0) throws
        -> [String]
    {
        let reader = try KafkaPartitionReader(configuration: readerConfiguration(cluster), logger: logger)
        defer { reader.close() }
        var values: [String] = []
        _ = try reader.read(topic: topic, partition: partition) { values += $0.map { string($0.value)! } }
        return values
    }
}
