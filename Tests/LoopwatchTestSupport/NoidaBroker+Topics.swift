import Foundation

extension NoidaBroker {
    /// Creates topics with `partitions` partitions each (existing ones are left as they are).
    public func createTopics(_ names: [String], partitions: Int32, configs: [String: String] = [:]) throws {
        try KafkaWire(port: port).createTopics(names.map { ($0, partitions) }, configs: configs)
    }
}
