import LoopwatchCore

extension SocialStatus {
    /// The report as SPEC §9's JSON object (keys in the SPEC's order; one line, no newline).
    public func json() -> [UInt8] {
        var w = JSONWriter(capacity: 4096)
        w.beginObject()
        w.key("period")
        w.beginObject()
        w.key("since")
        w.timestamp(since)
        w.key("until")
        w.timestamp(until)
        w.endObject()
        w.key("bad_events")
        w.int(badEvents)
        w.key("overall")
        Self.write(overall, to: &w)
        w.key("channels")
        Self.write(channels, to: &w)
        w.key("policies")
        Self.write(policies, to: &w)
        w.key("breaches_by_hour_of_week")
        w.beginArray()
        for day in breachesByHourOfWeek {
            w.beginArray()
            for n in day { w.int(n) }
            w.endArray()
        }
        w.endArray()
        w.key("longest_open")
        w.beginArray()
        for o in longestOpen {
            w.beginObject()
            w.key("conversation_id")
            w.string(o.conversationID)
            w.key("channel")
            w.string(o.channel)
            w.key("policy")
            w.string(o.policyName)
            w.key("metric")
            w.string(o.metric.name)
            w.key("concern_since")
            w.timestamp(o.concernSince)
            w.key("deadline")
            w.timestamp(o.deadline)
            w.key("unanswered_count")
            w.int(o.unansweredCount)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.bytes
    }

    static func write(_ groups: [NamedGroup], to w: inout JSONWriter) {
        w.beginObject()
        for g in groups {
            w.key(g.name)
            write(g.group, to: &w)
        }
        w.endObject()
    }

    static func write(_ g: GroupStatus, to w: inout JSONWriter) {
        w.beginObject()
        w.key("status")
        w.string(g.status.rawValue)
        w.key("broadcasts")
        w.int(g.broadcasts)
        w.key("customer_messages")
        w.int(g.customerMessages)
        w.key("concerns")
        w.int(g.concerns)
        w.key("answered_within_target")
        w.int(g.answeredWithinTarget)
        w.key("answered_late")
        w.int(g.answeredLate)
        w.key("closed_unanswered")
        w.int(g.closedUnanswered)
        w.key("open")
        w.int(g.open)
        w.key("open_overdue")
        w.int(g.openOverdue)
        w.key("answered_rate")
        w.number(g.answeredRate)
        w.key("within_target_rate")
        w.number(g.withinTargetRate)
        w.key("first_response_seconds")
        write(g.firstResponse, to: &w)
        w.key("next_response_seconds")
        write(g.nextResponse, to: &w)
        w.endObject()
    }

    static func write(_ s: ResponseTimeSummary?, to w: inout JSONWriter) {
        guard let s else {
            w.null()
            return
        }
        w.beginObject()
        w.key("count")
        w.int(s.count)
        w.key("p50")
        w.number(s.p50)
        w.key("p90")
        w.number(s.p90)
        w.key("p99")
        w.number(s.p99)
        w.key("max")
        w.number(s.max)
        w.endObject()
    }
}
