/// Events decoded into reused storage and applied to an engine in place — how the daemon
/// handles a poll batch, `replay` its input, and the engine benchmark its workload.
///
/// Decoding into the elements of a kept array copies no event; ``warm(_:)`` lets the engine
/// load what the whole batch will touch before it is applied (`SLAEngine.prefetch`); and
/// ``apply(_:to:)`` hands the engine a pointer to the element, so none of its strings is
/// retained. Applying the events in order gives exactly what applying them one by one gives.
public struct EventBatch: Sendable {
    private var events: [InteractionEvent]
    /// Events decoded so far.
    public private(set) var count = 0

    /// An empty batch of at most `capacity` events.
    public init(capacity: Int) {
        events = Array(
            repeating: InteractionEvent(id: "", conversationID: "", kind: .broadcast, occurredAt: .distantPast),
            count: max(1, capacity))
    }

    /// Whether no further event fits.
    public var isFull: Bool { count == events.count }

    /// Decodes a message into the next free place; returns why it is a bad event instead (and
    /// adds nothing).
    public mutating func decode(
        _ bytes: UnsafeRawBufferPointer, with decoder: EventDecoder, now: Timestamp?
    ) -> BadEvent? {
        precondition(!isFull, "the batch is full")
        let k = count
        let bad = events.withUnsafeMutableBufferPointer { decoder.decode(bytes, now: now, into: &$0.baseAddress![k]) }
        if bad == nil { count += 1 }
        return bad
    }

    /// Whether the `conversation_id` of event `k` is, byte for byte, `key` (a Kafka message key;
    /// nil is never a match) — SPEC §1 "Keying". Compares in place: no string is copied.
    public func conversationID(_ k: Int, isKey key: [UInt8]?) -> Bool {
        guard let key else { return false }
        return events.withUnsafeBufferPointer { events in
            var id = events[k].storedConversationID
            guard id.utf8.count == key.count else { return false }
            return id.withUTF8 { $0.elementsEqual(key) }
        }
    }

    /// The `conversation_id` of event `k`.
    public func conversationID(_ k: Int) -> String { events[k].conversationID }

    /// Takes back the event decoded last — one found bad for a reason outside its bytes
    /// (``BadEventReason/wrongKey``).
    public mutating func removeLast() {
        precondition(count > 0, "the batch is empty")
        count -= 1
    }

    /// `occurred_at` of event `k`.
    public func occurredAt(_ k: Int) -> Timestamp { events[k].occurredAt }

    /// Reads event `k` in place (no copy of the event, none of its strings retained unless
    /// `body` keeps one). Not generic, so a caller in another module gets no generic
    /// instantiation per call.
    public func withEvent(_ k: Int, _ body: (UnsafePointer<InteractionEvent>) -> Void) {
        precondition(k < count, "no event \(k) in the batch")
        events.withUnsafeBufferPointer { body($0.baseAddress! + k) }
    }

    /// Warms `engine`'s cache for applying the whole batch.
    public func warm(_ engine: inout SLAEngine) {
        if count > 1 { engine.prefetch(events[0..<count]) }
    }

    /// Applies event `k` to `engine` in place.
    @discardableResult
    public func apply(_ k: Int, to engine: inout SLAEngine) -> SLAEngine.ApplyResult {
        precondition(k < count, "no event \(k) in the batch")
        return events.withUnsafeBufferPointer { engine.apply($0.baseAddress! + k) }
    }

    /// Empties the batch (the storage is kept).
    public mutating func removeAll() { count = 0 }
}
