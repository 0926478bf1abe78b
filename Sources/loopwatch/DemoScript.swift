import LoopwatchCore

/// The bundled demo: policies in compressed time (seconds) and a scripted minute of social care.
enum DemoScript {
    /// The demo configuration (embedded Kafka, SLAs in seconds).
    static let configYAML = """
        # loopwatch demo: the same policy language as production, with SLAs in seconds.
        kafka:
          bootstrap_servers: embedded
          group_id: loopwatch-demo
          input_topics: [interactions]
        processing:
          commit_interval: 100ms
          allowed_lateness: 1s
        metrics:
          listen: off
        policies:
          - name: vip-social
            match:
              channel: [twitter, instagram]
              priority: [high, urgent]
            first_response: 6s
            next_response: 8s
            warn_before: 2s
            escalations:
              - { after: 5s, severity: critical }
            ignore:
              text_matches: ["^(thanks|thank you|ok|👍)[.! ]*$"]
          - name: standard
            first_response: 10s
            next_response: 10s
            warn_before: 3s
            ignore:
              text_matches: ["^(thanks|thank you|ok|👍)[.! ]*$"]
        """

    /// One scripted event: when (seconds after start) and what.
    struct Step {
        var at: Double
        var conversation: String
        var kind: String
        var channel: String
        var priority: String = "normal"
        var text: String? = nil
        var automated = false
        var status: String? = nil
        var raw: String? = nil
        var note: String
    }

    static let steps: [Step] = [
        Step(
            at: 0.0, conversation: "tw-launch", kind: "broadcast", channel: "twitter", text: "Our new phone is here! 📱",
            note: "brand broadcast (opens nothing)"),
        Step(
            at: 0.5, conversation: "tw-launch", kind: "response", channel: "twitter", priority: "high",
            text: "@brand my pre-order never shipped 😡", note: "VIP concern: 6s to answer"),
        Step(
            at: 1.0, conversation: "dm-ana", kind: "response", channel: "twitter",
            text: "Can I change my delivery address?", note: "standard concern: 10s"),
        Step(
            at: 2.0, conversation: "ig-bob", kind: "response", channel: "instagram", priority: "urgent",
            text: "The app crashes when I pay", note: "VIP concern: 6s"),
        Step(
            at: 2.5, conversation: "tw-carl", kind: "response", channel: "twitter", text: "thanks!",
            note: "matches ignore: opens nothing"),
        Step(
            at: 3.0, conversation: "dm-ana", kind: "acknowledgement", channel: "twitter",
            text: "Sure, DM us the new one!", note: "answered in 2s"),
        Step(
            at: 3.5, conversation: "??", kind: "garbage", channel: "-", raw: "{this is not json",
            note: "bad event → dead-letter topic"),
        Step(
            at: 4.0, conversation: "email-dan", kind: "response", channel: "email", text: "My invoice is wrong",
            note: "standard concern: 10s"),
        Step(
            at: 5.0, conversation: "tw-erin", kind: "response", channel: "twitter",
            text: "Is the store open on Sunday?", note: "standard concern: 10s"),
        Step(
            at: 5.5, conversation: "tw-erin", kind: "acknowledgement", channel: "twitter",
            text: "Thanks for your message! We'll get back to you.", automated: true, note: "auto-reply: does not count"
        ),
        Step(
            at: 6.0, conversation: "email-dan", kind: "status", channel: "email", status: "waiting_on_customer",
            note: "clock paused (2s used)"),
        Step(
            at: 7.5, conversation: "ig-bob", kind: "acknowledgement", channel: "instagram",
            text: "So sorry! A fix ships tonight.", note: "answered after the warning, before the deadline"),
        Step(
            at: 12.0, conversation: "email-dan", kind: "response", channel: "email",
            text: "Here is the invoice number: 4711", note: "clock resumes: 8s left"),
        Step(
            at: 16.0, conversation: "tw-erin", kind: "acknowledgement", channel: "twitter", text: "Yes, 10:00-16:00!",
            note: "a person answers, late"),
        Step(
            at: 17.0, conversation: "tw-launch", kind: "acknowledgement", channel: "twitter",
            text: "We're on it — your phone ships today.", note: "finally answered"),
        Step(
            at: 22.0, conversation: "email-dan", kind: "status", channel: "email", status: "closed",
            note: "agent closes the ticket: no more alerts"),
    ]

    /// The event JSON for a step at `occurredAt`.
    static func json(_ s: Step, id: Int, occurredAt: Timestamp) -> String {
        if let raw = s.raw { return raw }
        var w = JSONWriter()
        w.beginObject()
        w.key("id")
        w.string("demo-\(id)")
        w.key("conversation_id")
        w.string(s.conversation)
        w.key("kind")
        w.string(s.kind)
        w.key("occurred_at")
        w.timestamp(occurredAt)
        w.key("channel")
        w.string(s.channel)
        w.key("priority")
        w.string(s.priority)
        w.key("author")
        w.beginObject()
        w.key("id")
        w.string(s.kind == "response" ? "customer-\(s.conversation)" : "brand")
        w.key("automated")
        w.bool(s.automated)
        w.endObject()
        if let t = s.text {
            w.key("text")
            w.string(t)
        }
        if let st = s.status {
            w.key("status")
            w.string(st)
        }
        w.endObject()
        return w.string
    }

    /// How long the demo runs after the last step (the last deadlines, lateness, commit).
    static let tail = 4.0
}
