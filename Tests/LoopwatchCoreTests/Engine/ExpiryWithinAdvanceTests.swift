import Testing

@testable import LoopwatchCore

/// A conversation whose last alert and whose expiry (`state_ttl` after its last event) are both
/// behind the watermark one `advance` goes to — the backlog after an outage longer than the TTL —
/// is evaluated once: it fires what is due, then is forgotten as of its expiry, as a second
/// evaluation at its expiry would have done.
@Suite struct ExpiryWithinAdvanceTests {
    static let policy = Policy(
        name: "p", firstResponse: .minutes(15), escalations: [Escalation(after: .minutes(30), severity: "critical")])

    /// Conversation `c0` answered late (minute 40: breached and resolved), `c1` never answered
    /// (breached and escalated), `c2` answered in time — applied with the clock held back, as a
    /// lagging partition's backlog is, so everything comes due in the advances below.
    static func backlog() -> EngineHarness {
        var h = EngineHarness(policies: [policy], ttl: .days(1))
        h.engine.settings.reportsOutcomes = true
        for e in [
            h.event(.response, 0, conv: "c0"), h.event(.response, 1, conv: "c1"), h.event(.response, 2, conv: "c2"),
            h.event(.acknowledgement, 5, conv: "c2"), h.event(.acknowledgement, 40, conv: "c0"),
        ] {
            h.engine.apply(e)
        }
        return h
    }

    static func outcomes(_ h: inout EngineHarness) -> [String] {
        h.engine.drainConcernOutcomes().map { "\($0.conversationID) \($0.outcome.name)" }.sorted()
    }

    @Test func aConversationPastItsLastAlertAndItsExpiryIsEvaluatedOnceAndForgotten() {
        let twoDays = 2 * 24 * 60.0
        var stepped = Self.backlog()  // hour by hour: every expiry is its own evaluation
        var hour = 60.0
        while hour <= twoDays {
            stepped.advance(to: hour)
            hour += 60
        }
        var jumped = Self.backlog()  // one advance past every expiry
        let result = jumped.engine.advance(to: EngineHarness.t(twoDays), budget: .max)
        jumped.alerts += jumped.engine.drainAlerts()

        #expect(jumped.summary == stepped.summary, "the same alerts, in the same order")
        #expect(jumped.engine.conversationCount == 0 && stepped.engine.conversationCount == 0)
        #expect(
            stepped.summary == [
                "breached c0 first_response @15", "breached c1 first_response @16",
                "resolved c0 first_response @40 late", "escalated1 c1 first_response @46",
            ])
        #expect(
            Self.outcomes(&jumped) == Self.outcomes(&stepped), "the same outcomes, each as of its conversation's expiry"
        )
        // c0: its breach (15) and its resolved (40), then nothing is due before its expiry: two
        // evaluations. c1: breach and escalation (46): two. c2, answered in time, has only its
        // expiry: one. Popped again from the heap at their expiries, the three took eight.
        #expect(result.evaluated == 5)
    }

    @Test func anAdvanceThatStopsShortOfTheExpiryKeepsTheConversation() {
        var h = Self.backlog()
        h.advance(to: 12 * 60)  // the alerts fire; the expiries (a day after each last event) are ahead
        #expect(h.engine.conversationCount == 3)
        #expect(h.summary.count == 4, "\(h.summary)")
        h.advance(to: 2 * 24 * 60)
        #expect(h.engine.conversationCount == 0)
    }
}
