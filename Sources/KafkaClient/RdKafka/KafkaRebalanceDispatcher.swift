import CRdKafka

/// The librdkafka rebalance callback: notifies the application handler first,
/// then applies the (incremental) assignment change itself.
enum KafkaRebalanceDispatcher {
    static func handle(
        kafka: OpaquePointer, err: rd_kafka_resp_err_t,
        partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
    ) {
        let context = KafkaClientContext.of(kafka)
        let logger = context?.logger
        let cooperative = String(cString: rd_kafka_rebalance_protocol(kafka)) == "COOPERATIVE"
        let list = RdKafkaTopicPartitionList.topicPartitions(of: partitions)

        switch err {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            logger?.info("partitions assigned", metadata: ["partitions": "\(list)", "cooperative": "\(cooperative)"])
            context?.notify(.assigned(list))
            if cooperative {
                report(rd_kafka_incremental_assign(kafka, partitions), logger: context, what: "incremental assign")
            } else {
                report(rd_kafka_assign(kafka, partitions), logger: context, what: "assign")
            }
        case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
            let lost = rd_kafka_assignment_lost(kafka) != 0
            logger?.info(
                lost ? "partitions lost" : "partitions revoked",
                metadata: ["partitions": "\(list)", "cooperative": "\(cooperative)"])
            context?.notify(lost ? .lost(list) : .revoked(list))
            if cooperative {
                report(rd_kafka_incremental_unassign(kafka, partitions), logger: context, what: "incremental unassign")
            } else {
                report(rd_kafka_assign(kafka, nil), logger: context, what: "unassign")
            }
        default:
            logger?.error("rebalance error", metadata: ["error": "\(KafkaErrorCode(err))"])
            if cooperative {
                report(rd_kafka_incremental_unassign(kafka, partitions), logger: context, what: "incremental unassign")
            } else {
                report(rd_kafka_assign(kafka, nil), logger: context, what: "unassign")
            }
        }
    }

    private static func report(_ error: OpaquePointer?, logger context: KafkaClientContext?, what: String) {
        if let error {
            context?.logger.error("rebalance \(what) failed", metadata: ["error": "\(KafkaError.consuming(error))"])
        }
    }

    private static func report(_ err: rd_kafka_resp_err_t, logger context: KafkaClientContext?, what: String) {
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            context?.logger.error("rebalance \(what) failed", metadata: ["error": "\(KafkaErrorCode(err))"])
        }
    }
}
