import KafkaClient
import Logging

extension NoidaBroker {
    /// Creates topics with `partitions` partitions each and `configs` (e.g. `cleanup.policy=compact`)
    /// through ``KafkaAdmin``; existing ones are left as they are.
    /// - Throws: ``KafkaError`` naming a topic the broker rejected, or when it does not answer in time.
    public func createTopics(
        _ names: [String], partitions: Int32, configs: [String: String] = [:], timeout: Duration = .seconds(10)
    ) throws {
        var logger = Logger(label: "noida.admin")
        logger.logLevel = .error
        let admin = try KafkaAdmin(
            configuration: KafkaConfiguration(["bootstrap.servers": bootstrapServers]), logger: logger)
        try admin.createTopics(
            names.map { KafkaTopicSpec(name: $0, partitions: Int(partitions), configs: configs) }, timeout: timeout)
    }
}
