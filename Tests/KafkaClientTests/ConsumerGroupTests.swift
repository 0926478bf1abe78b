import KafkaClient
import Testing

@Suite struct ConsumerGroupTests {
    typealias T = TestSupport

    /// Two members split a 4-partition topic; when one closes the other gets everything.
    func splitAndHandOver(strategy: String, expectedProtocol: String) throws {
        let cluster = try KafkaMockCluster(brokers: 3)
        defer { cluster.destroy() }
        let topic = T.unique("split")
        try cluster.createTopic(name: topic, partitions: 4)
        let all = (0..<4).map { TopicPartition(topic: topic, partition: Int32($0)) }
        let configuration = T.consumerConfiguration(cluster, group: T.unique("g"))
            .with("partition.assignment.strategy", strategy)

        let eventsA = RebalanceRecorder()
        let eventsB = RebalanceRecorder()
        let a = try KafkaConsumer(
            configuration: configuration, topics: [topic], logger: T.logger, rebalanceHandler: eventsA.handler)
        defer { a.close() }
        let b = try KafkaConsumer(
            configuration: configuration, topics: [topic], logger: T.logger, rebalanceHandler: eventsB.handler)
        defer { b.close() }

        var split = false
        try T.waitUntil(timeout: .seconds(30)) {
            _ = try a.poll(maxMessages: 10, timeout: .milliseconds(50))
            _ = try b.poll(maxMessages: 10, timeout: .milliseconds(50))
            let (pa, pb) = (try a.assignment(), try b.assignment())
            split = pa.count == 2 && pb.count == 2 && Set(pa + pb) == Set(all)
            return split
        }
        #expect(split)
        #expect(a.rebalanceProtocol == expectedProtocol)
        #expect(!eventsA.assigned.isEmpty)
        #expect(!eventsB.assigned.isEmpty)
        let ownedByB = Set(try b.assignment())

        b.close()  // leaves the group; the revoke handler runs inside close()
        #expect(Set(eventsB.revoked.flatMap { $0 }) == ownedByB)
        #expect(eventsB.all.last.map { if case .revoked = $0 { true } else { false } } == true)

        let handedOver = try T.waitUntil(timeout: .seconds(30)) {
            _ = try a.poll(maxMessages: 10, timeout: .milliseconds(100))
            return Set(try a.assignment()) == Set(all)
        }
        #expect(handedOver)
        if expectedProtocol == "COOPERATIVE" {
            // Incremental: A never has its whole assignment revoked; the final assign
            // event carries exactly B's former partitions.
            #expect(eventsA.revoked.allSatisfy { $0.count < 4 })
            #expect(Set(eventsA.assigned.last ?? []) == ownedByB)
        } else {
            // Eager: every rebalance revokes everything, then assigns the full new set.
            #expect(Set(eventsA.assigned.last ?? []) == Set(all))
            #expect(eventsA.revoked.contains { Set($0).count >= 2 })
        }
        a.close()
    }

    @Test func eagerRangeMembersSplitAndHandOver() async throws {
        try await T.blocking { try splitAndHandOver(strategy: "range", expectedProtocol: "EAGER") }
    }

    @Test func eagerRoundRobinMembersSplitAndHandOver() async throws {
        try await T.blocking { try splitAndHandOver(strategy: "roundrobin", expectedProtocol: "EAGER") }
    }

    @Test func cooperativeStickyMembersSplitAndHandOver() async throws {
        try await T.blocking { try splitAndHandOver(strategy: "cooperative-sticky", expectedProtocol: "COOPERATIVE") }
    }

    @Test func pauseResumeSeekPositionAndCommit() async throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        defer { cluster.destroy() }
        let topic = T.unique("seek")
        try cluster.createTopic(name: topic, partitions: 1)
        try await T.blocking {
            let producer = try KafkaProducer(configuration: T.producerConfiguration(cluster), logger: T.logger)
            for i in 0..<10 { try producer.enqueue(KafkaProducerRecord(topic: topic, value: T.bytes("\(i)"))) }
            try producer.flush(timeout: .seconds(10))
            producer.shutdown()

            let group = T.unique("g")
            let tp = TopicPartition(topic: topic, partition: 0)
            let consumer = try KafkaConsumer(
                configuration: T.consumerConfiguration(cluster, group: group), topics: [topic], logger: T.logger)
            defer { consumer.close() }
            #expect(try T.consume(consumer, count: 10).count == 10)
            #expect(try consumer.position([tp]).first?.offset == 10)
            #expect(try consumer.committed([tp], timeout: .seconds(5)).first?.offset == TopicPartitionOffset.invalid)

            try consumer.commit(offsets: [TopicPartitionOffset(topic: topic, partition: 0, offset: 4)])
            #expect(try consumer.committed([tp], timeout: .seconds(5)).first?.offset == 4)

            try consumer.seek([TopicPartitionOffset(topic: topic, partition: 0, offset: 6)], timeout: .seconds(5))
            try consumer.pause([tp])
            #expect(try consumer.poll(maxMessages: 10, timeout: .milliseconds(300)).isEmpty)
            try consumer.resume([tp])
            let again = try T.consume(consumer, count: 4)
            #expect(again.map(\.offset) == [6, 7, 8, 9])
        }
    }

    @Test func lostAssignmentIsReportedAsLost() async throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        defer { cluster.destroy() }
        let topic = T.unique("lost")
        try cluster.createTopic(name: topic, partitions: 2)
        try await T.blocking {
            let events = RebalanceRecorder()
            let consumer = try KafkaConsumer(
                configuration: T.consumerConfiguration(cluster, group: T.unique("g")), topics: [topic],
                logger: T.logger, rebalanceHandler: events.handler)
            defer { consumer.close() }
            let assigned = try T.waitUntil(timeout: .seconds(20)) {
                _ = try consumer.poll(maxMessages: 10, timeout: .milliseconds(100))
                return try consumer.assignment().count == 2
            }
            #expect(assigned)
            // The coordinator forgets the member: the next heartbeat fails and the assignment is lost.
            try cluster.pushRequestErrors(.heartbeat, [.unknownMemberID])
            let lost = try T.waitUntil(timeout: .seconds(20)) {
                _ = try consumer.poll(maxMessages: 10, timeout: .milliseconds(100))
                return events.all.contains { if case .lost = $0 { true } else { false } }
            }
            #expect(lost)
            // The member rejoins and gets its partitions back.
            let rejoined = try T.waitUntil(timeout: .seconds(20)) {
                _ = try consumer.poll(maxMessages: 10, timeout: .milliseconds(100))
                let count = try consumer.assignment().count
                return events.assigned.count >= 2 && count == 2
            }
            #expect(rejoined)
        }
    }

    @Test func pollWithEndsReportsCaughtUpPartitions() async throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        defer { cluster.destroy() }
        let topic = T.unique("ends")
        try cluster.createTopic(name: topic, partitions: 2)
        try await T.blocking {
            let producer = try KafkaProducer(configuration: T.producerConfiguration(cluster), logger: T.logger)
            for i in 0..<3 {
                try producer.enqueue(KafkaProducerRecord(topic: topic, partition: 0, value: T.bytes("\(i)")))
            }
            try producer.flush(timeout: .seconds(10))
            producer.shutdown()

            let consumer = try KafkaConsumer(
                configuration: T.consumerConfiguration(cluster, group: T.unique("g")).with(
                    "enable.partition.eof", "true"),
                topics: [topic], logger: T.logger)
            defer { consumer.close() }
            var messages: [KafkaConsumerMessage] = []
            var ends: [Int32: Int64] = [:]
            try T.waitUntil(timeout: .seconds(20)) {
                let result = try consumer.pollWithEnds(maxMessages: 100, timeout: .milliseconds(100))
                messages += result.messages
                for end in result.ends { ends[end.partition] = end.offset }
                return ends.count == 2
            }
            #expect(messages.count == 3)
            #expect(ends == [0: 3, 1: 0])
            // poll() skips partition-EOF events.
            #expect(try consumer.poll(maxMessages: 10, timeout: .milliseconds(200)).isEmpty)
        }
    }
}
