/// Renders alerts as CloudEvents 1.0 structured-mode JSON (SPEC §4).
public struct AlertEncoder: Sendable {
    /// CloudEvents `source`: `loopwatch/<kafka.group_id>`.
    public var source: String

    /// An encoder for the worker group `groupID`.
    public init(groupID: String) { source = "loopwatch/\(groupID)" }

    /// The alert as one JSON object (no trailing newline).
    public func encode(_ a: Alert) -> [UInt8] {
        var w = JSONWriter(capacity: 1024)  // alerts run to ≈ 500–800 bytes: no regrowth
        encode(a, into: &w)
        return w.bytes
    }

    /// Appends the alert's JSON to a writer (for batch output such as `replay`).
    public func encode(_ a: Alert, into w: inout JSONWriter) {
        w.beginObject()
        w.key(ascii: "specversion")
        w.string("1.0")
        w.key(ascii: "id")
        w.string(a.id)
        w.key(ascii: "source")
        w.string(source)
        w.key(ascii: "type")
        w.string(a.kind.eventType)
        w.key(ascii: "subject")
        w.string(a.conversationID)
        w.key(ascii: "time")
        w.timestamp(a.time)
        w.key(ascii: "datacontenttype")
        w.string("application/json")
        w.key(ascii: "data")
        w.beginObject()
        w.key(ascii: "conversation_id")
        w.string(a.conversationID)
        w.key(ascii: "metric")
        w.string(a.metric.name)
        w.key(ascii: "policy")
        w.string(a.policyName)
        w.key(ascii: "policy_version")
        w.string(a.policyVersion)
        w.key(ascii: "level")
        w.int(a.level)
        w.key(ascii: "severity")
        w.string(a.severity)
        w.key(ascii: "channel")
        w.string(a.channel)
        w.key(ascii: "priority")
        w.string(a.priority.name)
        w.key(ascii: "concern_since")
        w.timestamp(a.concernSince)
        w.key(ascii: "deadline")
        if let d = a.deadline { w.timestamp(d) } else { w.null() }
        w.key(ascii: "target_seconds")
        w.int(a.targetSeconds)
        w.key(ascii: "elapsed_seconds")
        w.int(a.elapsedSeconds)
        w.key(ascii: "unanswered_count")
        w.int(a.unansweredCount)
        if let text = a.lastCustomerText {
            w.key(ascii: "last_customer_text")
            w.string(text)
        }
        w.key(ascii: "detected_late")
        w.bool(a.detectedLate)
        if let r = a.resolvedAt {
            w.key(ascii: "resolved_at")
            w.timestamp(r)
        }
        if let within = a.withinTarget {
            w.key(ascii: "within_target")
            w.bool(within)
        }
        w.endObject()
        w.endObject()
    }
}
