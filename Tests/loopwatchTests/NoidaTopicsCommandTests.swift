import Foundation
import KafkaClient
import Logging
import LoopwatchTestSupport
import Testing

/// `loopwatch topics` (the real binary) against a broker that implements CreateTopics (noida-db).
@Suite(.serialized, .noidaAvailable, .noida) struct NoidaTopicsCommandTests {
    @Test func createsTheTopicsTheConfigurationNamesThenFindsThem() async throws {
        let broker = try NoidaBroker.suiteBroker()
        let prefix = "cli-\(UInt32.random(in: 0...UInt32.max))"
        let topics = NoidaTopics(broker: broker, prefix: prefix, partitions: 3)
        let path = try temporaryFile("lw.yaml", topics.config(group: prefix, target: "1h"))

        let (status, out, err) = try await LoopwatchProcess.run(["topics", "--config", path, "--partitions", "3"])
        #expect(status == 0, "\(err)")
        #expect(
            out.split(separator: "\n").map(String.init) == [
                "created \(topics.input) (3 partitions)",
                "created \(topics.state) (3 partitions, cleanup.policy=compact)",
                "created \(topics.alertTopic) (3 partitions)",
                "created \(topics.deadLetter) (3 partitions)",
            ])
        var quiet = Logger(label: "test")
        quiet.logLevel = .critical
        let admin = try KafkaAdmin(
            configuration: KafkaConfiguration(["bootstrap.servers": topics.bootstrap]), logger: quiet)
        let names = [topics.input, topics.state, topics.alertTopic, topics.deadLetter]
        #expect(
            try admin.partitionCounts(topics: names, timeout: .seconds(10))
                == Dictionary(uniqueKeysWithValues: names.map { ($0, 3) }))

        // Again, asking for more partitions: every topic is found as it is.
        let (again, out2, err2) = try await LoopwatchProcess.run(["topics", "--config", path, "--partitions", "5"])
        #expect(again == 0, "\(err2)")
        #expect(err2.isEmpty)
        #expect(
            out2.split(separator: "\n").map(String.init) == [
                "found \(topics.input) (3 partitions)",
                "found \(topics.state) (3 partitions, cleanup.policy=compact)",
                "found \(topics.alertTopic) (3 partitions)",
                "found \(topics.deadLetter) (3 partitions)",
            ])
    }

    @Test func aStateTopicFoundUncompactedIsReportedAndLeftAsItIs() async throws {
        let broker = try NoidaBroker.suiteBroker()
        let prefix = "cli-\(UInt32.random(in: 0...UInt32.max))"
        let topics = NoidaTopics(broker: broker, prefix: prefix, partitions: 2)
        try broker.createTopics([topics.state], partitions: 2, configs: ["cleanup.policy": "delete"])
        let path = try temporaryFile("lw.yaml", topics.config(group: prefix, target: "1h"))

        let (status, out, err) = try await LoopwatchProcess.run(["topics", "--config", path, "--partitions", "2"])
        #expect(status == 0, "\(err)")
        #expect(out.contains("\nfound \(topics.state) (2 partitions, cleanup.policy=delete)\n"), "\(out)")
        #expect(out.contains("created \(topics.input) (2 partitions)\n"), "\(out)")
        #expect(err.hasPrefix("warning: \(topics.state) has cleanup.policy=delete, not compact: "), "\(err)")
    }
}

/// `loopwatch topics` without a broker: its exit statuses.
@Suite struct TopicsCommandTests {
    @Test func anUnreachableClusterExits69NamingIt() async throws {
        let bootstrap = "127.0.0.1:\(try NoidaBroker.freeLoopbackPort())"
        let path = try temporaryFile(
            "lw.yaml",
            """
            kafka:
              bootstrap_servers: "\(bootstrap)"
              input_topics: [interactions]
            policies:
              - name: day
                first_response: 24h
            """)
        let (status, out, err) = try await LoopwatchProcess.run(
            ["topics", "--config", path, "--partitions", "2", "--timeout", "1"])
        #expect(status == 69)
        #expect(out.isEmpty)
        #expect(err.hasPrefix("\(path): topics on \(bootstrap): KafkaError("), "\(err)")
    }

    @Test func noPartitionsIsAUsageError() async throws {
        let path = try temporaryFile("lw.yaml", "kafka:\n  bootstrap_servers: embedded\n")
        let (status, _, err) = try await LoopwatchProcess.run(["topics", "--config", path, "--partitions", "0"])
        #expect(status == 64)
        #expect(err.contains("--partitions must be at least 1"), "\(err)")
    }
}
