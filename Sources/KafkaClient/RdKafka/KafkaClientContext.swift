import CRdKafka
import Logging

/// Per-client state reachable from librdkafka C callbacks through `rd_kafka_opaque`.
final class KafkaClientContext: Sendable {
    let logger: Logger
    let secretValues: [String]
    let rebalanceHandler: KafkaRebalanceHandler?
    /// The handler of the poll or close under way, if it brought one.
    let scopedRebalanceHandler = KafkaScopedRebalanceHandler()

    init(logger: Logger, secretValues: [String], rebalanceHandler: KafkaRebalanceHandler?) {
        self.logger = logger
        self.secretValues = secretValues
        self.rebalanceHandler = rebalanceHandler
    }

    /// Tells the application about a rebalance: the handler of the call under way, else the
    /// consumer's own.
    func notify(_ event: KafkaRebalanceEvent) {
        if !scopedRebalanceHandler.call(event) { rebalanceHandler?(event) }
    }

    /// Looks up the context of a client created by ``RdKafkaClient``.
    static func of(_ kafka: OpaquePointer?) -> KafkaClientContext? {
        guard let kafka, let opaque = rd_kafka_opaque(kafka) else { return nil }
        return Unmanaged<KafkaClientContext>.fromOpaque(opaque).takeUnretainedValue()
    }

    /// Replaces any secret configuration value occurring in `text` by
    /// ``KafkaConfiguration/redactionMarker``.
    func scrub(_ text: String) -> String {
        var text = text
        for secret in secretValues where text.contains(secret) {
            text = text.replacing(secret, with: KafkaConfiguration.redactionMarker)
        }
        return text
    }

    /// Forwards one librdkafka log line (syslog `level`) to swift-log.
    func log(level: Int32, facility: String, message: String) {
        let loggerLevel: Logger.Level
        switch level {
        case ...2: loggerLevel = .critical
        case 3: loggerLevel = .error
        case 4: loggerLevel = .warning
        case 5: loggerLevel = .notice
        case 6: loggerLevel = .info
        default: loggerLevel = .debug
        }
        logger.log(level: loggerLevel, "\(scrub(message))", metadata: ["rdkafka.facility": "\(facility)"])
    }
}
