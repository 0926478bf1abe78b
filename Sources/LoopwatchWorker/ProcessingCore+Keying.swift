import KafkaClient
import LoopwatchCore

/// SPEC §1 "Keying": a conversation lives in one partition only when every input message is
/// keyed by its `conversation_id`, byte for byte.
extension ProcessingCore {
    /// Nil when the event decoded last into the run is keyed by its `conversation_id`; else
    /// takes it back out of the run and returns its `wrong_key` bad event.
    static func checkKeyOfLast(_ m: KafkaConsumerMessage, run: inout EventBatch, stats: inout Stats) -> BadEvent? {
        let k = run.count - 1
        if run.conversationID(k, isKey: m.key) { return nil }
        let bad = Self.wrongKey(m.key, conversationID: run.conversationID(k))
        run.removeLast()
        if stats.wrongKeySample == nil { stats.wrongKeySample = "\(Self.source(of: m)): \(bad.detail)" }
        return bad
    }

    /// The `wrong_key` bad event of a good event keyed `key`, with the fix in its detail.
    static func wrongKey(_ key: [UInt8]?, conversationID: String) -> BadEvent {
        let what = key.map { "the message key \(describe($0)) is not" } ?? "the message has no key, not"
        return BadEvent(
            .wrongKey,
            "\(what) its conversation_id \(describe(Array(conversationID.utf8))): key every input message by "
                + "its conversation_id, or set kafka.repartition_topic to have loopwatch re-key them")
    }

    /// `topic/partition/offset` of a message (the `loopwatch.source` header).
    static func source(of m: KafkaConsumerMessage) -> String { "\(m.topic)/\(m.partition)/\(m.offset)" }

    /// A key or id for a log line or header: quoted when it is short UTF-8, else its size.
    static func describe(_ bytes: [UInt8]) -> String {
        guard bytes.count <= 80, let s = String(validating: bytes, as: UTF8.self) else {
            return "of \(bytes.count) bytes"
        }
        return s.debugDescription
    }
}
