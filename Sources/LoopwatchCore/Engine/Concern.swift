/// One concern cycle derived from a conversation's history: from the oldest unanswered customer
/// message until the acknowledgement (or close) that answers it.
struct Concern: Equatable {
    /// `occurred_at` of the oldest unanswered customer message.
    var since: Int64
    var metric: SLAMetric
    /// Policy of the latest customer message in the cycle (match is re-evaluated on each one).
    var policy: UInt16
    /// History range of the cycle: `start` is its first message, `end` the answering entry or
    /// `history.count` while open.
    var start: Int
    var end: Int
    /// `occurred_at` of the answering acknowledgement or close; nil while open.
    var endAt: Int64?
    /// Whether it ended by `closed` (no `resolved` alert then).
    var closed: Bool
}
