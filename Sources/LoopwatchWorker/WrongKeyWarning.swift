import Logging

/// The rate-limited warning about `wrong_key` dead letters: the first one at once, then at most
/// one line a minute with the count since the previous line — enough to be noticed and fixed,
/// never a flood (a mis-keyed topic makes every message one).
struct WrongKeyWarning {
    /// Least time between two lines.
    var interval: Duration = .seconds(60)
    private var pending = 0
    private var sample: String?
    private var lastLine: ContinuousClock.Instant?

    /// Counts one cycle's `wrong_key` dead letters; returns the line to log when one is due.
    mutating func note(
        count: Int, sample: String?, now: ContinuousClock.Instant = .now
    ) -> Logger.Message? {
        pending += count
        if self.sample == nil { self.sample = sample }
        guard pending > 0 else { return nil }
        if let lastLine, now - lastLine < interval { return nil }
        defer {
            pending = 0
            self.sample = nil
            lastLine = now
        }
        return """
            \(pending) input message(s) not keyed by their conversation_id went to the dead-letter topic \
            as wrong_key (e.g. \(self.sample ?? "?")). Key every input message by its conversation_id, with \
            one partitioner on every input topic, or set kafka.repartition_topic (README "Keying")
            """
    }
}
