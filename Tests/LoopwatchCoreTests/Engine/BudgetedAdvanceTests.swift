import LoopwatchCore
import Testing

/// `advance(to:budget:)`: a backlog of due deadlines comes out over several calls, each
/// evaluating at most the budget, and in all exactly as one unbounded `advance`.
@Suite struct BudgetedAdvanceTests {
    static let policy = Policy(
        name: "p", firstResponse: .minutes(15), escalations: [Escalation(after: .minutes(30), severity: "critical")])

    /// 60 conversations, a customer message each a minute apart (so deadlines from minute 15 on).
    static func backlog() -> EngineHarness {
        var h = EngineHarness(policies: [policy])
        for i in 0..<60 { h.customer(Double(i), conv: "c\(i)") }
        return h
    }

    @Test func aBudgetedAdvanceReleasesTheSameAlertsInTheSameOrderOverSeveralCalls() {
        var whole = Self.backlog()
        whole.advance(to: 500)

        var sliced = Self.backlog()
        var calls = 0
        var sizes: [Int] = []
        while true {
            let result = sliced.engine.advance(to: EngineHarness.t(500), budget: 7)
            let alerts = sliced.engine.drainAlerts()
            sliced.alerts += alerts
            sizes.append(result.evaluated)
            calls += 1
            #expect(result.evaluated <= 7, "never more than the budget")
            if result.complete { break }
            #expect(sliced.engine.nextDeadline.map { $0 <= EngineHarness.t(500) } == true, "more is due")
            #expect(calls < 100)
        }
        #expect(whole.alerts.count == 120, "a breach and an escalation each")
        #expect(sliced.summary == whole.summary, "the same alerts, in the same order")
        #expect(calls >= 9, "spread over many calls: \(sizes)")
        #expect(sliced.engine.watermark == EngineHarness.t(500))
        #expect(sliced.engine.nextDeadline == whole.engine.nextDeadline)
    }

    @Test func restoredConversationsAreReevaluatedWithinTheBudgetToo() {
        var first = Self.backlog()
        var changelog: [(String, [UInt8]?)] = []
        first.engine.drainChanges { changelog.append(($0, $1)) }

        func restored() -> EngineHarness {
            var h = EngineHarness(policies: [Self.policy])
            for (id, state) in changelog {
                h.engine.restore(conversationID: id, state: state.flatMap { try? ConversationState.decode($0) })
            }
            return h
        }
        var whole = restored()
        whole.advance(to: 500)
        var sliced = restored()
        var calls = 0
        while !sliced.engine.advance(to: EngineHarness.t(500), budget: 25).complete {
            sliced.alerts += sliced.engine.drainAlerts()
            calls += 1
            #expect(calls < 100)
        }
        sliced.alerts += sliced.engine.drainAlerts()
        #expect(calls >= 2, "60 re-evaluations and 120 deadlines do not fit in one budget of 25")
        #expect(sliced.summary == whole.summary)
        #expect(whole.alerts.count >= 60, "every restored conversation breached")
    }
}
