import CRdKafka

extension KafkaAdmin {
    /// The configuration of `topic` as the broker describes it (DescribeConfigs): every entry
    /// it returns, defaults included, by name; sensitive entries have no value and are absent.
    /// - Throws: ``KafkaError`` naming the topic when the broker does not know it or refuses,
    ///   or when no answer came within `timeout`.
    public func topicConfigs(_ topic: String, timeout: Duration) throws(KafkaError) -> [String: String] {
        let what = "describe configs of topic \(topic)"
        guard let resource = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic) else {
            throw KafkaError(code: .invalidArgument, message: "\(what): rd_kafka_ConfigResource_new failed")
        }
        defer { rd_kafka_ConfigResource_destroy(resource) }
        var resources: [OpaquePointer?] = [resource]
        let event = try request(RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS, what, timeout: timeout) { options, queue in
            resources.withUnsafeMutableBufferPointer {
                rd_kafka_DescribeConfigs(client.kafka, $0.baseAddress, $0.count, options, queue)
            }
        }
        defer { rd_kafka_event_destroy(event) }
        guard let result = rd_kafka_event_DescribeConfigs_result(event) else {
            throw KafkaError(code: .state, message: "\(what): unexpected result event")
        }
        var count = 0
        let described = rd_kafka_DescribeConfigs_result_resources(result, &count)
        guard count > 0, let first = described?[0] else {
            throw KafkaError(code: .state, message: "\(what): no resource in the answer")
        }
        let err = rd_kafka_ConfigResource_error(first)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            let text =
                rd_kafka_ConfigResource_error_string(first).map { String(cString: $0) } ?? KafkaErrorCode(err).text
            throw KafkaError(code: KafkaErrorCode(err), message: "\(what): \(text)")
        }
        var entryCount = 0
        let entries = rd_kafka_ConfigResource_configs(first, &entryCount)
        var configs: [String: String] = [:]
        for i in 0..<entryCount {
            guard let entry = entries?[i], let value = rd_kafka_ConfigEntry_value(entry) else { continue }
            configs[String(cString: rd_kafka_ConfigEntry_name(entry))] = String(cString: value)
        }
        return configs
    }
}
