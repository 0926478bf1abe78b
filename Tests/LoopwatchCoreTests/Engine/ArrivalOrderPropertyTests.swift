import LoopwatchTestSupport
import PropertyBased
import Testing

@testable import LoopwatchCore

/// SPEC §2 with `allowed_lateness: 0`: facts apply whatever their arrival order. Customer
/// responses arrive late — after pauses, resumes, broadcasts, automated acknowledgements and
/// other conversations' events that happened after them — and the alerts are those of the same
/// events in `occurred_at` order: the same alerts at the same instants (what an alert counts
/// or quotes is what was known when it was published, so that is not compared).
///
/// A late response is one that opens a concern (nothing is open in its conversation when it
/// happens), and it never arrives after a fact that settles it (a human acknowledgement or a
/// close of its conversation, or a counted automated acknowledgement while a concern is open):
/// once settled, an older response is answered already (`stale`) by design. A response that
/// joins an open concern and arrives late is a different matter: it can resume a paused clock
/// after the watermark passed the instants it moves, and alerts already published stay.
@Suite struct ArrivalOrderPropertyTests {
    static func policies(countingAutomated: Bool) -> [Policy] {
        var care = Policy(
            name: "care", firstResponse: .minutes(15), nextResponse: .minutes(30), warnBefore: .minutes(5),
            escalations: [Escalation(after: .minutes(20), severity: "critical")], version: "v1")
        care.countAutomatedReplies = countingAutomated
        return [care]
    }

    /// A dense log over two conversations and two hours, in `occurred_at` order (ties by position).
    static func events(from codes: [Int]) -> [InteractionEvent] {
        let statuses: [InteractionEvent.AgentStatus] = [.waitingOnCustomer, .open, .waitingOnThirdParty, .closed]
        let log = codes.enumerated().map { i, n -> InteractionEvent in
            let conv = "c\((n / 1000) % 2)"
            let at = EngineHarness.t(Double((n / 10) % 120))
            switch n % 10 {
            case 0...3:
                return InteractionEvent(
                    id: "e\(i)", conversationID: conv, kind: .response, occurredAt: at, text: "m\(i)")
            case 4...5:
                return InteractionEvent(
                    id: "e\(i)", conversationID: conv, kind: .acknowledgement, occurredAt: at,
                    automated: (n / 2000) % 2 == 0)
            case 6:
                return InteractionEvent(id: "e\(i)", conversationID: conv, kind: .broadcast, occurredAt: at)
            default:
                return InteractionEvent(
                    id: "e\(i)", conversationID: conv, kind: .status, occurredAt: at, status: statuses[(n / 7) % 4])
            }
        }
        return log.enumerated().sorted { ($0.element.occurredAt, $0.offset) < ($1.element.occurredAt, $1.offset) }
            .map(\.element)
    }

    /// Whether `e` settles an open concern (see the suite's note).
    static func settles(_ e: InteractionEvent, countingAutomated: Bool) -> Bool {
        switch e.kind {
        case .acknowledgement: !e.automated || countingAutomated
        case .status: e.status == .closed
        case .response, .broadcast: false
        }
    }

    /// An arrival order of `log`: some responses that open a concern arrive late (at most one
    /// waiting per conversation), never after a fact that settles them; some events are
    /// redelivered later.
    static func arrival(
        of log: [InteractionEvent], countingAutomated: Bool, rng: inout SplitMix
    ) -> [InteractionEvent] {
        var out: [InteractionEvent] = []
        var late: [String: InteractionEvent] = [:]
        // Conversations whose last arrived response or settling fact is a response: a concern
        // may be open there (the late response then could join it, so none is held back).
        var open: Set<String> = []
        func deliver(_ conv: String) {
            if let r = late.removeValue(forKey: conv) {
                out.append(r)
                open.insert(conv)
            }
        }
        for e in log {
            let conv = e.conversationID
            for other in late.keys.sorted() where Int.random(in: 0..<4, using: &rng) == 0 { deliver(other) }
            if e.kind == .response {
                deliver(conv)
                if !open.contains(conv), Bool.random(using: &rng) {
                    late[conv] = e
                } else {
                    out.append(e)
                    open.insert(conv)
                }
                continue
            }
            if settles(e, countingAutomated: countingAutomated) {
                // A human acknowledgement or a close settles whatever it follows; a counted
                // automated one only what is open when it arrives.
                if !e.automated || open.contains(conv) { deliver(conv) }
                open.remove(conv)
            }
            out.append(e)
        }
        for conv in late.keys.sorted() { deliver(conv) }
        for _ in 0..<(out.count / 4) {
            let k = Int.random(in: 0..<out.count, using: &rng)
            out.insert(out[k], at: Int.random(in: (k + 1)...out.count, using: &rng))
        }
        return out
    }

    static func run(_ events: [InteractionEvent], countingAutomated: Bool) -> [Alert] {
        var h = EngineHarness(policies: policies(countingAutomated: countingAutomated), lateness: .zero)
        for e in events { h.send(e) }
        h.advance(to: 400)
        return h.alerts.sorted { $0.id < $1.id }
    }

    /// Which alert, when, and what it decided — not what it counted or quoted when published,
    /// nor a warning's deadline: that is a forecast (a pause arriving after the warning moves it).
    static func outcome(_ a: Alert) -> String {
        let resolved = a.resolvedAt.map { " resolved \($0.millis) within \(a.withinTarget == true)" } ?? ""
        let deadline = a.kind == .warning ? "" : " deadline \(a.deadline?.millis ?? -1)"
        return "\(a.id) \(a.kind.name) \(a.metric.name) @\(a.time.millis) since \(a.concernSince.millis)"
            + "\(deadline) elapsed \(a.elapsedSeconds)\(resolved)"
    }

    @Test(arguments: [false, true])
    func lateResponsesGiveTheAlertsOfOccurredAtOrder(countingAutomated: Bool) async {
        await propertyCheck(
            count: 400, input: Gen.int(in: 0...1_000_000).array(of: 1...30), Gen.int(in: 0...Int(Int32.max))
        ) { codes, seed in
            let log = Self.events(from: codes)
            var rng = SplitMix(seed: UInt64(seed))
            let arrived = Self.arrival(of: log, countingAutomated: countingAutomated, rng: &rng)
            let expected = Self.run(log, countingAutomated: countingAutomated).map(Self.outcome)
            #expect(Self.run(arrived, countingAutomated: countingAutomated).map(Self.outcome) == expected)
        }
    }

    /// A concern is a `next_response` exactly when the brand acknowledged (or closed) before it by
    /// `occurred_at` — automated acknowledgements counting where the policy says so.
    @Test(arguments: [false, true])
    func theMetricFollowsEarlierAcknowledgements(countingAutomated: Bool) async {
        await propertyCheck(
            count: 400, input: Gen.int(in: 0...1_000_000).array(of: 1...30), Gen.int(in: 0...Int(Int32.max))
        ) { codes, seed in
            let log = Self.events(from: codes)
            var rng = SplitMix(seed: UInt64(seed))
            let arrived = Self.arrival(of: log, countingAutomated: countingAutomated, rng: &rng)
            for a in Self.run(arrived, countingAutomated: countingAutomated) {
                let acknowledged = log.contains { e in
                    e.conversationID == a.conversationID && e.occurredAt < a.concernSince
                        && Self.settles(e, countingAutomated: countingAutomated)
                }
                #expect(a.metric == (acknowledged ? .nextResponse : .firstResponse), "\(Self.outcome(a))")
            }
        }
    }
}
