import Testing

@testable import LoopwatchCore

@Suite struct EngineReloadTests {
    @Test func reloadRecomputesDeadlinesKeepingTimeAlreadyUsed() {
        let old = Policy(name: "care", firstResponse: .minutes(60), version: "v1")
        var h = EngineHarness(policies: [old])
        h.customer(0)
        h.advance(to: 20)  // 20 minutes used
        var tighter = old
        tighter.firstResponse = .minutes(30)
        tighter.version = "v2"
        let report = h.engine.reload(policies: PolicySet([tighter]))
        #expect(report.openConcerns == 1)
        h.advance(to: 100)
        #expect(h.summary == ["breached c1 first_response @30"])
        #expect(h.alerts[0].policyVersion == "v2")
    }

    @Test func concernsOfARemovedPolicyAreRematched() {
        let vip = Policy(
            name: "vip", match: PolicyMatch(channels: ["twitter"]), firstResponse: .minutes(5), version: "a")
        let fallback = Policy(name: "default", firstResponse: .minutes(90), version: "b")
        var h = EngineHarness(policies: [vip, fallback])
        h.customer(0)
        h.advance(to: 1)
        let report = h.engine.reload(policies: PolicySet([fallback]))
        #expect(report.rematched == 1)
        h.advance(to: 200)
        #expect(h.summary == ["breached c1 first_response @90"])
        #expect(h.alerts[0].policyName == "default")
    }

    @Test func restoredDeadlinesThatPassedWhileUnownedFireAtOnceAndLate() {
        var first = EngineHarness(policies: [Policy(name: "p", firstResponse: .minutes(15))])
        first.customer(0)
        var changelog: [String: [UInt8]] = [:]
        first.engine.drainChanges { changelog[$0] = $1 }

        var engine = SLAEngine(
            policies: PolicySet([Policy(name: "p", firstResponse: .minutes(15))]),
            settings: .init(allowedLateness: .seconds(30), lateAfter: .seconds(10)))
        engine.wallClock = EngineHarness.t(60)
        for (id, bytes) in changelog { engine.restore(conversationID: id, state: try? ConversationState.decode(bytes)) }
        engine.advance(to: EngineHarness.t(60) - .seconds(30))
        let alerts = engine.drainAlerts()
        #expect(alerts.map(\.kind) == [.breached])
        #expect(alerts[0].detectedLate)
        #expect(alerts[0].time == EngineHarness.t(15))
    }

    @Test func restoredConversationsAreEvaluatedOnceEachAtTheNextAdvance() {
        let policy = Policy(name: "p", firstResponse: .minutes(15))
        var first = EngineHarness(policies: [policy])
        first.customer(0, conv: "a")
        first.customer(1, conv: "b")
        first.customer(2, conv: "c")
        var changelog: [String: [UInt8]] = [:]
        first.engine.drainChanges { changelog[$0] = $1 }

        var second = EngineHarness(policies: [policy])
        let restore = { (engine: inout SLAEngine, id: String) in
            engine.restore(conversationID: id, state: try? ConversationState.decode(changelog[id]!))
        }
        restore(&second.engine, "a")
        restore(&second.engine, "b")
        second.engine.restore(conversationID: "a", state: nil)  // a tombstone frees a's slot…
        restore(&second.engine, "c")  // …and c takes it
        restore(&second.engine, "b")  // b twice (an uncompacted changelog)
        #expect(second.engine.nextDeadline == Timestamp(millis: Int64.min), "due at once: evaluated next advance")
        second.advance(to: 1)
        #expect(second.engine.nextDeadline == EngineHarness.t(16), "rebuilt from the state: b's deadline first")
        second.advance(to: 60)
        #expect(second.summary == ["breached b first_response @16", "breached c first_response @17"])
        #expect(second.engine.conversationCount == 2)
    }
}
