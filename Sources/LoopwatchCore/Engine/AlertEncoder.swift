/// Renders alerts as CloudEvents 1.0 structured-mode JSON (SPEC §4).
public struct AlertEncoder: Sendable {
    /// CloudEvents `source`: `loopwatch/<kafka.group_id>`.
    public var source: String

    /// An encoder for the worker group `groupID`.
    public init(groupID: String) { source = "loopwatch/\(groupID)" }

    /// The alert as one JSON object (no trailing newline), written straight into an array of
    /// its bound (``JSONCursor``): no capacity or uniqueness check per piece.
    public func encode(_ a: Alert) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: bound(of: a)) { buffer, count in
            var cursor = JSONCursor(buffer.baseAddress!)
            write(a, to: &cursor)
            count = cursor.position - buffer.baseAddress!
        }
    }

    /// Appends the alert's JSON to a writer (for batch output such as `replay`).
    public func encode(_ a: Alert, into w: inout JSONWriter) {
        w.value(maxBytes: bound(of: a)) { write(a, to: &$0) }
    }

    /// The most bytes the alert's JSON takes: the fixed text, numbers and instants at their
    /// longest, each string escaped at its longest.
    func bound(of a: Alert) -> Int {
        var strings = a.id.utf8.count + source.utf8.count + a.kind.eventType.utf8.count
        strings += 2 * a.conversationID.utf8.count + a.metric.name.utf8.count + a.policyName.utf8.count
        strings += a.policyVersion.utf8.count + a.severity.utf8.count + a.channel.utf8.count
        strings += a.priority.name.utf8.count + (a.lastCustomerText?.utf8.count ?? 0)
        // 12 strings' quotes and escapes, 4 numbers, 4 instants, and under 512 bytes of names,
        // punctuation and literals.
        return JSONEscape.quotedBound(utf8Count: strings) + 11 * 2 + 4 * JSONCursor.intBound
            + 4 * JSONCursor.timestampBound + 512
    }

    /// The alert's JSON (SPEC §4), member by member; fixed text carries the names and commas.
    func write(_ a: Alert, to c: inout JSONCursor) {
        c.raw("{\"specversion\":\"1.0\",\"id\":")
        c.quoted(a.id)
        c.raw(",\"source\":")
        c.quoted(source)
        c.raw(",\"type\":")
        c.quoted(a.kind.eventType)
        c.raw(",\"subject\":")
        c.quoted(a.conversationID)
        c.raw(",\"time\":")
        c.timestamp(a.time)
        c.raw(",\"datacontenttype\":\"application/json\",\"data\":{\"conversation_id\":")
        c.quoted(a.conversationID)
        c.raw(",\"metric\":")
        c.quoted(a.metric.name)
        c.raw(",\"policy\":")
        c.quoted(a.policyName)
        c.raw(",\"policy_version\":")
        c.quoted(a.policyVersion)
        c.raw(",\"level\":")
        c.int(Int64(a.level))
        c.raw(",\"severity\":")
        c.quoted(a.severity)
        c.raw(",\"channel\":")
        c.quoted(a.channel)
        c.raw(",\"priority\":")
        c.quoted(a.priority.name)
        c.raw(",\"concern_since\":")
        c.timestamp(a.concernSince)
        c.raw(",\"deadline\":")
        if let d = a.deadline { c.timestamp(d) } else { c.raw("null") }
        c.raw(",\"target_seconds\":")
        c.int(a.targetSeconds)
        c.raw(",\"elapsed_seconds\":")
        c.int(a.elapsedSeconds)
        c.raw(",\"unanswered_count\":")
        c.int(Int64(a.unansweredCount))
        if let text = a.lastCustomerText {
            c.raw(",\"last_customer_text\":")
            c.quoted(text)
        }
        c.raw(",\"detected_late\":")
        c.bool(a.detectedLate)
        if let r = a.resolvedAt {
            c.raw(",\"resolved_at\":")
            c.timestamp(r)
        }
        if let within = a.withinTarget {
            c.raw(",\"within_target\":")
            c.bool(within)
        }
        c.raw("}}")
    }
}
