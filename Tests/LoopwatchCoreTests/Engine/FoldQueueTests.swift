import Testing

@testable import LoopwatchCore

/// Folds (history an answered concern leaves behind) run from a queue in arrival order, not in
/// deadline order; the engine must behave exactly as if every fold had run on time.
@Suite struct FoldQueueTests {
    static let policies = [Policy(name: "care", firstResponse: .minutes(15), nextResponse: .minutes(30), version: "v1")]

    /// c2's fold (due at minute 1) is queued behind c1's (due at minute 5). At watermark 3 c2's
    /// fold is due but still queued; a late customer message at minute 0.5 — before c2's
    /// acknowledgement — is answered already and must be stale, as with the folds in order.
    @Test(arguments: [true, false]) func anOverdueFoldStuckInTheQueueRunsBeforeTheNextEvent(c1First: Bool) {
        var h = EngineHarness(policies: Self.policies)
        h.engine.advance(to: EngineHarness.t(-10))
        let first = c1First ? ("c1", 5.0) : ("c2", 1.0)
        let second = c1First ? ("c2", 1.0) : ("c1", 5.0)
        for (conv, minute) in [first, second] {
            h.engine.apply(h.event(.response, minute - 0.25, conv: conv))
            h.engine.apply(h.event(.acknowledgement, minute, conv: conv))
        }
        h.engine.advance(to: EngineHarness.t(3))
        #expect(h.engine.apply(h.event(.response, 0.5, conv: "c2")) == .stale)
        h.engine.advance(to: EngineHarness.t(120))
        #expect(h.engine.drainAlerts().isEmpty)
        #expect(h.engine.state(of: "c2")?.history.isEmpty == true)
        #expect(h.engine.state(of: "c1")?.history.isEmpty == true)
    }

    /// A lone acknowledgement is folded lazily (folding it frees nothing): a late message from
    /// before it still finds the conversation answered.
    @Test func aLazilyFoldedAcknowledgementStillAnswersLateMessages() {
        var h = EngineHarness(policies: Self.policies)
        h.engine.advance(to: EngineHarness.t(-10))
        h.engine.apply(h.event(.acknowledgement, 1, conv: "c3"))
        h.engine.advance(to: EngineHarness.t(3))
        #expect(h.engine.state(of: "c3")?.history.count == 1)  // not folded yet
        #expect(h.engine.apply(h.event(.response, 0.5, conv: "c3")) == .stale)
        #expect(h.engine.state(of: "c3")?.history.isEmpty == true)
        h.customer(30, conv: "c3")
        h.engine.advance(to: EngineHarness.t(100))
        #expect(h.engine.drainAlerts().map(\.metric) == [.nextResponse])  // the acknowledgement counted
    }

    /// A concern that alerted owes `resolved` at its answer: that instant stays an exact timer
    /// even behind a later concern, so alerts still come out in time order.
    @Test func resolvedAlertsKeepTheirOrderThroughFolds() {
        var h = EngineHarness(policies: Self.policies)
        h.customer(0, conv: "a")
        h.customer(0, conv: "b")
        h.ack(10, conv: "b")  // b answered in time: a fold only
        h.ack(20, conv: "a")  // a breached at 15: owes resolved at 20
        h.customer(21, conv: "a")
        h.ack(22, conv: "a")
        h.engine.advance(to: EngineHarness.t(200))
        h.alerts += h.engine.drainAlerts()
        #expect(h.alerts.map { "\($0.conversationID) \($0.kind)" } == ["a breached", "a resolved"])
        #expect(h.alerts.map(\.time) == h.alerts.map(\.time).sorted())
    }
}
