/// Why an input message is a bad event (SPEC §6). The raw value is the `loopwatch.error` header.
///
/// Every reason but ``wrongKey`` is a property of the message's bytes, reported by
/// ``EventDecoder`` (each has a sample line in `config/samples/bad-events.jsonl`); those are
/// ``allCases``. ``wrongKey`` is a property of the Kafka message around them, decided by the
/// worker (SPEC §1 "Keying"); ``everyReason`` lists all of them (metrics, documentation).
public enum BadEventReason: String, Sendable, CaseIterable {
    /// Larger than `processing.max_event_bytes`.
    case tooLarge = "too_large"
    /// Not valid UTF-8.
    case invalidUTF8 = "invalid_utf8"
    /// Not a JSON object (syntax error, trailing garbage, wrong top-level type).
    case invalidJSON = "invalid_json"
    /// A required field is absent.
    case missingField = "missing_field"
    /// A field has the wrong JSON type.
    case wrongType = "wrong_type"
    /// `kind` is not one of the four kinds.
    case unknownKind = "unknown_kind"
    /// `occurred_at` is not an RFC 3339 timestamp with offset.
    case badTimestamp = "bad_timestamp"
    /// `occurred_at` is more than `processing.max_future_skew` ahead of the wall clock.
    case futureTimestamp = "future_timestamp"
    /// A field has a value outside its allowed set (priority, role, status, empty id…).
    case invalidValue = "invalid_value"
    /// The message has no value (null or empty payload).
    case emptyMessage = "empty_message"
    /// A good event whose Kafka key is missing or is not its `conversation_id` (the same bytes),
    /// while `kafka.repartition_topic` is not set (SPEC §1 "Keying"). Never reported by the
    /// decoder, which sees no key.
    case wrongKey = "wrong_key"

    /// The reasons ``EventDecoder`` reports: every case but ``wrongKey``.
    public static let allCases: [BadEventReason] = [
        .tooLarge, .invalidUTF8, .invalidJSON, .missingField, .wrongType, .unknownKind, .badTimestamp,
        .futureTimestamp, .invalidValue, .emptyMessage,
    ]

    /// Every reason, the decoder's and ``wrongKey``.
    public static let everyReason: [BadEventReason] = allCases + [.wrongKey]
}

/// A rejected input message: a reason code and a readable detail naming the field.
public struct BadEvent: Error, Sendable, Equatable, CustomStringConvertible {
    /// Machine-readable reason (the `loopwatch.error` header).
    public var reason: BadEventReason
    /// Human-readable detail (the `loopwatch.error.detail` header).
    public var detail: String

    public init(_ reason: BadEventReason, _ detail: String) {
        self.reason = reason
        self.detail = detail
    }

    public var description: String { "\(reason.rawValue): \(detail)" }
}
