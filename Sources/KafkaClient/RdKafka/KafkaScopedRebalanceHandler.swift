/// The rebalance handler a single ``KafkaConsumer`` poll or close brought with it.
///
/// librdkafka runs the rebalance callback inside `poll` and `close`, on the thread that called
/// them; a caller that owns its thread can therefore hand a plain, non-escaping, non-`Sendable`
/// closure to that one call and let it mutate the caller's thread-confined state.
///
/// `@unchecked Sendable`: `current` is set and cleared around one call on the polling thread
/// and read only by the rebalance callback, which librdkafka runs inside that call on that thread.
final class KafkaScopedRebalanceHandler: @unchecked Sendable {
    private var current: ((KafkaRebalanceEvent) -> Void)?

    /// Runs `body` with `handler` installed for the rebalance callbacks it triggers.
    func with<T, E: Error>(
        _ handler: (KafkaRebalanceEvent) -> Void, _ body: () throws(E) -> T
    ) throws(E) -> T {
        try withoutActuallyEscaping(handler) { (escapable) throws(E) -> T in
            let previous = current
            current = escapable
            defer { current = previous }
            return try body()
        }
    }

    /// Calls the installed handler; false when there is none.
    func call(_ event: KafkaRebalanceEvent) -> Bool {
        guard let current else { return false }
        current(event)
        return true
    }
}
