import Testing

@testable import LoopwatchCore

/// The engine's concern outcomes (SPEC §9): each concern handed out once — drained when it ends
/// for good, or among the remaining ones at the end of a period.
@Suite struct ConcernOutcomeTests {
    static let policies = [
        Policy(name: "care", firstResponse: .minutes(15), nextResponse: .minutes(30), version: "v1")
    ]

    static func harness(ttl: TimeSpan = .days(30)) -> EngineHarness {
        var h = EngineHarness(policies: policies, ttl: ttl)
        h.engine.settings.reportsOutcomes = true
        return h
    }

    /// `"c1 first_response answered_within_target @0-5 due 15 ×2"`-style lines.
    static func describe(_ outcomes: [ConcernOutcome]) -> [String] {
        outcomes.map { o in
            let end = o.endedAt.map { "-\(EngineHarness.minutes($0))" } ?? ""
            let deadline = o.deadline.map { " due \(EngineHarness.minutes($0))" } ?? ""
            return "\(o.conversationID) \(o.metric.name) \(o.outcome.name) @\(EngineHarness.minutes(o.concernSince))"
                + "\(end)\(deadline) ×\(o.unansweredCount)"
        }
    }

    @Test func everyConcernIsHandedOutOnce() {
        var h = Self.harness()
        var drained: [ConcernOutcome] = []
        h.customer(0)
        h.customer(2)
        h.ack(5)  // within target
        drained += h.engine.drainConcernOutcomes()
        h.customer(10)
        h.ack(50)  // next_response due 40: late
        drained += h.engine.drainConcernOutcomes()
        h.customer(60)
        h.status(.closed, 70)
        h.customer(100)  // open, due 130
        h.advance(to: 200)
        drained += h.engine.drainConcernOutcomes()
        let remaining = h.engine.remainingConcernOutcomes()
        let all = (drained + remaining).sorted { $0.concernSince < $1.concernSince }
        #expect(
            Self.describe(all) == [
                "c1 first_response answered_within_target @0-5 due 15 ×2",
                "c1 next_response answered_late @10-50 due 40 ×1",
                "c1 next_response closed_unanswered @60-70 due 90 ×1",
                "c1 next_response open @100 due 130 ×1",
            ])
        #expect(Set(all).count == 4)
        #expect(h.engine.drainConcernOutcomes().isEmpty)
        #expect(remaining.contains { $0.outcome == .open })
        #expect(all.allSatisfy { $0.channel == "twitter" && $0.policyName == "care" })
    }

    @Test func aPartialAnswerEndsTheConcernAndTheRestIsANewOne() {
        var h = Self.harness()
        h.customer(0)
        h.customer(20)
        h.ack(10)  // answers the message at 0 only
        h.advance(to: 100)
        let all = h.engine.drainConcernOutcomes() + h.engine.remainingConcernOutcomes()
        #expect(
            Self.describe(all) == [
                "c1 first_response answered_within_target @0-10 due 15 ×1",
                "c1 next_response open @20 due 50 ×1",
            ])
    }

    @Test func aForgottenConversationHandsOutItsOpenConcern() {
        var h = Self.harness(ttl: .days(1))
        h.customer(0)
        h.advance(to: 2 * 24 * 60)
        #expect(h.engine.conversationCount == 0)
        #expect(Self.describe(h.engine.drainConcernOutcomes()) == ["c1 first_response open @0 due 15 ×1"])
        #expect(h.engine.remainingConcernOutcomes().isEmpty)
    }

    @Test func offByDefault() {
        var h = EngineHarness(policies: Self.policies)
        h.customer(0)
        h.ack(5)
        h.advance(to: 100)
        #expect(!h.engine.hasPendingConcernOutcomes)
    }
}
