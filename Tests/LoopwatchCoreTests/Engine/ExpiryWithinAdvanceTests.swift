import Testing

@testable import LoopwatchCore

/// A conversation whose last alert and whose expiry (`state_ttl` after its last event) are both
/// behind the clock — the backlog after an outage longer than the TTL — is forgotten when its
/// timer reaches the expiry without being evaluated again (`expiresClean`): with the same alerts,
/// outcomes and changelog as an evaluation there, and still there for any event before then.
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

    /// The engine as if every timer evaluated its conversation: the shortcut turned off.
    static func evaluatingEveryTimer(_ h: inout EngineHarness) {
        for slot in h.engine.store.slotNumbers { h.engine.store[slot].expiresClean = false }
    }

    @Test func anExpiredConversationIsForgottenAsAnEvaluationAtItsExpiryWould() {
        let twoDays = 2 * 24 * 60.0
        var evaluated = Self.backlog()
        evaluated.advance(to: 12 * 60)  // every alert fired: the expiries are what is left
        Self.evaluatingEveryTimer(&evaluated)
        var evaluatedChanges: [String: Bool] = [:]
        evaluated.engine.drainChanges { _, _ in }
        evaluated.advance(to: twoDays)
        evaluated.engine.drainChanges { evaluatedChanges[$0] = $1 != nil }

        var forgotten = Self.backlog()
        forgotten.advance(to: 12 * 60)
        var forgottenChanges: [String: Bool] = [:]
        forgotten.engine.drainChanges { _, _ in }
        forgotten.advance(to: twoDays)
        forgotten.engine.drainChanges { forgottenChanges[$0] = $1 != nil }

        #expect(
            forgotten.summary == [
                "breached c0 first_response @15", "breached c1 first_response @16",
                "resolved c0 first_response @40 late", "escalated1 c1 first_response @46",
            ])
        #expect(forgotten.summary == evaluated.summary)
        #expect(forgotten.engine.conversationCount == 0 && evaluated.engine.conversationCount == 0)
        #expect(Self.outcomes(&forgotten) == Self.outcomes(&evaluated), "the same outcomes")
        #expect(forgottenChanges == ["c0": false, "c1": false, "c2": false], "a tombstone each")
        #expect(forgottenChanges == evaluatedChanges)
    }

    /// An advance stopped by its budget short of the expiries leaves the conversations as they
    /// are at its watermark: a late message before the expiry still joins its conversation
    /// (answered at minute 40, so it raises nothing), as after an advance to that watermark.
    @Test func anEventAfterABudgetStopStillFindsItsConversation() {
        var sliced = Self.backlog()
        let step = sliced.engine.advance(to: EngineHarness.t(2 * 24 * 60), budget: 4)
        #expect(!step.complete)
        var reference = Self.backlog()
        reference.engine.advance(to: sliced.engine.watermark)
        #expect(sliced.engine.conversationCount == 3 && reference.engine.conversationCount == 3)
        for var h in [sliced, reference] {
            h.alerts += h.engine.drainAlerts()
            h.engine.apply(h.event(.response, 30, conv: "c0", id: "late"))
            h.engine.advance(to: EngineHarness.t(2 * 24 * 60))
            h.alerts += h.engine.drainAlerts()
            #expect(
                h.summary == [
                    "breached c0 first_response @15", "breached c1 first_response @16",
                    "resolved c0 first_response @40 late", "escalated1 c1 first_response @46",
                ], "no alert for the late message, answered at 40")
        }
    }

    /// Forgetting without an evaluation uses a quarter of an evaluation's budget: 40 answered
    /// conversations past their expiry go in two calls of budget 5, 20 each.
    @Test func forgetsCountAQuarterOfAnEvaluationAgainstTheBudget() {
        var h = EngineHarness(policies: [Self.policy], ttl: .days(1))
        for i in 0..<40 {
            h.engine.apply(h.event(.response, Double(i), conv: "c\(i)"))
            h.engine.apply(h.event(.acknowledgement, Double(i) + 1, conv: "c\(i)"))
        }
        h.engine.advance(to: EngineHarness.t(12 * 60))  // answered: only the expiries are left
        let first = h.engine.advance(to: EngineHarness.t(3 * 24 * 60), budget: 5)
        #expect(!first.complete && first.evaluated == 5)
        #expect(h.engine.conversationCount == 20)
        let second = h.engine.advance(to: EngineHarness.t(3 * 24 * 60), budget: 5)
        #expect(second.complete && h.engine.conversationCount == 0)
        #expect(h.engine.drainAlerts().isEmpty, "answered in time: nothing to alert")
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
