import Testing

@testable import KafkaClient

@Suite struct ResourceReleaseTests {
    typealias T = TestSupport

    /// Every client frees its `rd_kafka_t` (whose `rd_kafka_destroy` joins librdkafka's
    /// threads) and stops its own poll thread once closed and released; the consumer's and the
    /// reader's fetch wakers stop on close too (a running one would keep its handle).
    @Test func closedClientsReleaseTheirHandlesAndThreads() async throws {
        try await T.blocking {
            weak var producerHandle: RdKafkaClient?
            weak var transactionalHandle: RdKafkaClient?
            weak var consumerHandle: RdKafkaClient?
            weak var readerHandle: KafkaPartitionReader?
            weak var readerClientHandle: RdKafkaClient?
            weak var mockCluster: KafkaMockCluster?
            do {
                let cluster = try KafkaMockCluster(brokers: 1)
                mockCluster = cluster
                let topic = T.unique("release")
                try cluster.createTopic(name: topic, partitions: 1)

                let producer = try KafkaProducer(configuration: T.producerConfiguration(cluster), logger: T.logger)
                producerHandle = producer.client
                try producer.enqueue(KafkaProducerRecord(topic: topic, value: T.bytes("x")))
                try producer.flush(timeout: .seconds(10))
                producer.shutdown()

                let transactional = try KafkaTransactionalProducer(
                    configuration: T.transactionalConfiguration(cluster, id: T.unique("tx")), logger: T.logger)
                try transactional.initTransactions(timeout: .seconds(10))
                transactionalHandle = transactional.producerForTesting.client
                transactional.shutdown()

                let consumer = try KafkaConsumer(
                    configuration: T.consumerConfiguration(cluster, group: T.unique("g")), topics: [topic],
                    logger: T.logger)
                consumerHandle = consumer.client
                _ = consumer.batches()  // starts the dedicated poll thread
                consumer.close()  // stops it and leaves the group

                let reader = try KafkaPartitionReader(configuration: T.readerConfiguration(cluster), logger: T.logger)
                readerHandle = reader
                readerClientHandle = reader.client
                #expect(try reader.read(topic: topic, partition: 0) { _ in } == 1)
                reader.close()
                cluster.destroy()
            }
            #expect(producerHandle == nil)
            #expect(transactionalHandle == nil)
            #expect(consumerHandle == nil)
            #expect(readerHandle == nil)
            #expect(readerClientHandle == nil)
            #expect(mockCluster == nil)
        }
    }
}
