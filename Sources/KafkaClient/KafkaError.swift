import CRdKafka

/// An error reported by librdkafka or by this client layer.
///
/// Besides the code and message it carries the error classes librdkafka
/// attaches to `rd_kafka_error_t` so a transactional caller can decide:
/// - ``isRetriable``: retry the same call;
/// - ``requiresAbort``: abort the transaction and retry the batch in a new one;
/// - ``isFatal``: the client is unusable (e.g. fenced) and must be re-created.
public struct KafkaError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The librdkafka error code.
    public let code: KafkaErrorCode
    /// A readable message; never contains secret configuration values.
    public let message: String
    /// The operation may be retried as is.
    public let isRetriable: Bool
    /// The client instance is in an unrecoverable state and must be re-created.
    public let isFatal: Bool
    /// The current transaction must be aborted (`rd_kafka_error_txn_requires_abort`).
    public let requiresAbort: Bool

    /// Creates an error.
    public init(
        code: KafkaErrorCode, message: String, isRetriable: Bool = false, isFatal: Bool = false,
        requiresAbort: Bool = false
    ) {
        self.code = code
        self.message = message
        self.isRetriable = isRetriable
        self.isFatal = isFatal
        self.requiresAbort = requiresAbort
    }

    /// The outcome of the operation is unknown because it timed out (locally or
    /// at the broker). For a transactional producer this is ambiguous: see
    /// ``KafkaTransactionalProducer/reinitialized(timeout:)``.
    public var isTimeout: Bool {
        [.timedOut, .messageTimedOut, .timedOutQueue, .requestTimedOut].contains(code)
    }

    /// The producer was fenced by a newer instance (or its epoch is no longer valid).
    public var isFenced: Bool {
        code == .fenced || code == .producerFenced || code == .invalidProducerEpoch
    }

    /// `KafkaError(<code>: <message>[, retriable][, fatal][, requires abort])`.
    public var description: String {
        var classes = ""
        if isRetriable { classes += ", retriable" }
        if isFatal { classes += ", fatal" }
        if requiresAbort { classes += ", requires abort" }
        return "KafkaError(\(code): \(message)\(classes))"
    }

    /// Converts and destroys an `rd_kafka_error_t`.
    static func consuming(_ error: OpaquePointer) -> KafkaError {
        defer { rd_kafka_error_destroy(error) }
        return KafkaError(
            code: KafkaErrorCode(rd_kafka_error_code(error)),
            message: String(cString: rd_kafka_error_string(error)),
            isRetriable: rd_kafka_error_is_retriable(error) != 0,
            isFatal: rd_kafka_error_is_fatal(error) != 0,
            requiresAbort: rd_kafka_error_txn_requires_abort(error) != 0
        )
    }

    /// Throws the converted error if `error` is non-nil.
    static func check(_ error: OpaquePointer?) throws(KafkaError) {
        if let error { throw consuming(error) }
    }

    /// An error from a plain `rd_kafka_resp_err_t`.
    static func from(_ err: rd_kafka_resp_err_t, context: String) -> KafkaError {
        let code = KafkaErrorCode(err)
        return KafkaError(code: code, message: "\(context): \(code.text)")
    }

    /// Throws if `err` is not `NO_ERROR`.
    static func check(_ err: rd_kafka_resp_err_t, context: @autoclosure () -> String) throws(KafkaError) {
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw from(err, context: context()) }
    }

    /// The error thrown when using a client after it was closed.
    static func closed(_ what: String) -> KafkaError {
        KafkaError(code: .destroyed, message: "\(what) is closed")
    }
}
