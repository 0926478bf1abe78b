import Testing

@testable import LoopwatchCore

/// SPEC §2 "order of arrival does not matter" with `allowed_lateness: 0`: a fact that arrives
/// before the older customer response it belongs to still applies to it, and an automated
/// acknowledgement the policy counts is an acknowledgement even with nothing open.
@Suite struct ArrivalOrderScenarioTests {
    static let plain = Policy(name: "plain", firstResponse: .minutes(15), nextResponse: .minutes(30), version: "v1")
    static let counting: Policy = {
        var p = plain
        p.countAutomatedReplies = true
        return p
    }()

    /// Runs `steps` on a fresh harness with lateness 0 and advances the clock to minute 200.
    static func run(_ policy: Policy, _ steps: (inout EngineHarness) -> Void) -> [String] {
        var h = EngineHarness(policies: [policy])
        steps(&h)
        h.advance(to: 200)
        return h.summary
    }

    @Test func aWaitingStatusThatArrivesBeforeTheOlderResponsePausesItsClock() {
        let inOrder = Self.run(Self.plain) { h in
            h.customer(2)
            h.status(.waitingOnCustomer, 5)
        }
        let statusFirst = Self.run(Self.plain) { h in
            h.status(.waitingOnCustomer, 5)
            h.customer(2)
        }
        #expect(inOrder.isEmpty)  // 3 minutes on the clock, then paused for good
        #expect(statusFirst == inOrder)
    }

    @Test func aPauseAndResumeThatArriveBeforeTheOlderResponseMoveItsDeadline() {
        let inOrder = Self.run(Self.plain) { h in
            h.customer(2)
            h.status(.waitingOnThirdParty, 5)
            h.status(.open, 10)
        }
        let statusFirst = Self.run(Self.plain) { h in
            h.status(.waitingOnThirdParty, 5)
            h.status(.open, 10)
            h.customer(2)
        }
        #expect(inOrder == ["breached c1 first_response @22"])  // 3 minutes, paused 5…10, 12 more
        #expect(statusFirst == inOrder)
    }

    @Test func aCountedAutomatedAcknowledgementThatArrivesBeforeTheOlderResponseAnswersIt() {
        let inOrder = Self.run(Self.counting) { h in
            h.customer(2)
            h.ack(5, automated: true)
            h.customer(30)
        }
        let ackFirst = Self.run(Self.counting) { h in
            h.ack(5, automated: true)
            h.customer(2)
            h.customer(30)
        }
        #expect(inOrder == ["breached c1 next_response @60"])
        #expect(ackFirst == inOrder)
    }

    @Test func anAutomatedAcknowledgementThatIsNotCountedStillAnswersNothing() {
        let ackFirst = Self.run(Self.plain) { h in
            h.ack(5, automated: true)
            h.customer(2)
        }
        #expect(ackFirst == ["breached c1 first_response @17"])
    }

    @Test func aCountedAutomatedAcknowledgementWithNothingOpenMakesTheNextConcernANextResponse() {
        let counted = Self.run(Self.counting) { h in
            h.ack(0, automated: true)
            h.customer(10)
        }
        #expect(counted == ["breached c1 next_response @40"])
        let notCounted = Self.run(Self.plain) { h in
            h.ack(0, automated: true)
            h.customer(10)
        }
        #expect(notCounted == ["breached c1 first_response @25"])
    }

    /// Once settled, a fact no longer matters: a late response from before a human
    /// acknowledgement that was already folded away is stale, as before.
    @Test func aResponseOlderThanAFoldedAcknowledgementStaysStale() {
        var h = EngineHarness(policies: [Self.plain])
        h.status(.waitingOnCustomer, 3)
        h.ack(5)
        #expect(h.customer(4) == .stale)
        #expect(h.engine.state(of: "c1")?.history.isEmpty == true)
    }
}
