/// Renders alerts as CloudEvents 1.0 structured-mode JSON (SPEC §4).
public struct AlertEncoder: Sendable {
    /// CloudEvents `source`: `loopwatch/<kafka.group_id>`.
    public var source: String

    /// An encoder for the worker group `groupID`.
    public init(groupID: String) { source = "loopwatch/\(groupID)" }

    /// The alert as one JSON object (no trailing newline).
    public func encode(_ a: Alert) -> [UInt8] {
        var w = JSONWriter(capacity: 640)
        encode(a, into: &w)
        return w.bytes
    }

    /// Appends the alert's JSON to a writer (for batch output such as `replay`).
    public func encode(_ a: Alert, into w: inout JSONWriter) {
        w.beginObject()
        w.key("specversion"); w.string("1.0")
        w.key("id"); w.string(a.id)
        w.key("source"); w.string(source)
        w.key("type"); w.string(a.kind.eventType)
        w.key("subject"); w.string(a.conversationID)
        w.key("time"); w.timestamp(a.time)
        w.key("datacontenttype"); w.string("application/json")
        w.key("data")
        w.beginObject()
        w.key("conversation_id"); w.string(a.conversationID)
        w.key("metric"); w.string(a.metric.name)
        w.key("policy"); w.string(a.policyName)
        w.key("policy_version"); w.string(a.policyVersion)
        w.key("level"); w.int(a.level)
        w.key("severity"); w.string(a.severity)
        w.key("channel"); w.string(a.channel)
        w.key("priority"); w.string(a.priority.name)
        w.key("concern_since"); w.timestamp(a.concernSince)
        w.key("deadline")
        if let d = a.deadline { w.timestamp(d) } else { w.null() }
        w.key("target_seconds"); w.int(a.targetSeconds)
        w.key("elapsed_seconds"); w.int(a.elapsedSeconds)
        w.key("unanswered_count"); w.int(a.unansweredCount)
        if let text = a.lastCustomerText {
            w.key("last_customer_text"); w.string(text)
        }
        w.key("detected_late"); w.bool(a.detectedLate)
        if let r = a.resolvedAt {
            w.key("resolved_at"); w.timestamp(r)
        }
        if let within = a.withinTarget {
            w.key("within_target"); w.bool(within)
        }
        w.endObject()
        w.endObject()
    }
}
