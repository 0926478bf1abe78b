import Testing

@testable import LoopwatchCore

/// Every rule of SPEC §2 and §4 as a readable scenario: events in minutes from Monday 09:00 UTC.
@Suite struct ConversationScenarioTests {
    static let care = Policy(
        name: "care", firstResponse: .minutes(15), nextResponse: .minutes(30), warnBefore: .minutes(5),
        severity: "high", escalations: [Escalation(after: .minutes(30), severity: "critical")], version: "v1")
    static let plain = Policy(name: "plain", firstResponse: .minutes(15), nextResponse: .minutes(30), version: "v1")

    @Test func unansweredResponseWarnsBreachesAndEscalates() {
        var h = EngineHarness(policies: [Self.care])
        h.customer(0, text: "my order never arrived")
        h.advance(to: 60)
        #expect(
            h.summary == [
                "warning c1 first_response @10", "breached c1 first_response @15", "escalated1 c1 first_response @45",
            ])
        let breach = h.alerts[1]
        #expect(breach.deadline == EngineHarness.t(15))
        #expect(breach.concernSince == EngineHarness.t(0))
        #expect(breach.targetSeconds == 900)
        #expect(breach.elapsedSeconds == 900)
        #expect(breach.severity == "high")
        #expect(breach.unansweredCount == 1)
        #expect(breach.lastCustomerText == "my order never arrived")
        #expect(breach.policyName == "care")
        #expect(breach.policyVersion == "v1")
        #expect(h.alerts[2].severity == "critical")
        #expect(h.alerts[2].level == 1)
        #expect(h.alerts[0].severity == "warning")
    }

    @Test func acknowledgementBeforeTheDeadlineRaisesNothing() {
        var h = EngineHarness(policies: [Self.plain])
        h.customer(0)
        h.ack(14)
        h.advance(to: 120)
        #expect(h.alerts.isEmpty)
        #expect(h.engine.openConcerns == 0)
    }

    @Test func acknowledgementAfterABreachResolvesIt() {
        var h = EngineHarness(policies: [Self.plain])
        h.customer(0)
        h.advance(to: 20)
        h.ack(25)
        h.advance(to: 26)
        #expect(h.summary == ["breached c1 first_response @15", "resolved c1 first_response @25 late"])
        let resolved = h.alerts[1]
        #expect(resolved.resolvedAt == EngineHarness.t(25))
        #expect(resolved.withinTarget == false)
        #expect(resolved.elapsedSeconds == 25 * 60)
        #expect(resolved.severity == "info")
    }

    @Test func lateAcknowledgementThatHappenedBeforeTheDeadlineResolvesWithinTarget() {
        var h = EngineHarness(policies: [Self.plain])
        h.customer(0)
        h.advance(to: 20)  // breach seen: the acknowledgement had not arrived yet
        h.ack(10)  // …but it was written at minute 10
        h.advance(to: 21)
        #expect(h.summary == ["breached c1 first_response @15", "resolved c1 first_response @10 within"])
    }

    @Test func allowedLatenessWaitsForLateAcknowledgements() {
        var h = EngineHarness(policies: [Self.plain], lateness: .minutes(2))
        h.customer(0)
        h.customer(16, conv: "other")  // event time passes the deadline, within lateness
        h.ack(14)  // late, but inside the window: no breach at all
        h.customer(40, conv: "other2")
        #expect(h.alerts.filter { $0.conversationID == "c1" }.isEmpty)
    }

    @Test func oldestUnansweredMessageDrivesTheClock() {
        var h = EngineHarness(policies: [Self.plain])
        h.customer(0)
        h.customer(10)
        h.advance(to: 20)
        #expect(h.summary == ["breached c1 first_response @15"])
        #expect(h.alerts[0].unansweredCount == 2)
        #expect(h.alerts[0].concernSince == EngineHarness.t(0))
    }

    @Test func partialAcknowledgementLeavesANextResponseConcernFromTheOldestNewerMessage() {
        var h = EngineHarness(policies: [Self.plain])
        h.customer(0)
        h.customer(10)
        h.ack(5)
        h.advance(to: 60)
        // minute 0 answered at 5; minute 10 is a next_response concern with a 30 minute target
        #expect(h.summary == ["breached c1 next_response @40"])
        #expect(h.alerts[0].concernSince == EngineHarness.t(10))
    }

    @Test func metricIsNextResponseOnceTheBrandHasAcknowledged() {
        var h = EngineHarness(policies: [Self.plain])
        h.customer(0)
        h.ack(5)
        h.advance(to: 100)
        h.customer(120)
        h.advance(to: 200)
        #expect(h.summary == ["breached c1 next_response @150"])
    }

    @Test func duplicatesChangeNothing() {
        var h = EngineHarness(policies: [Self.plain], lateness: .minutes(5))
        #expect(h.customer(0, id: "e1") == .applied)
        #expect(h.customer(0, id: "e1") == .duplicate)
        #expect(h.ack(20, id: "a1") == .applied)
        #expect(h.ack(20, id: "a1") == .duplicate)
        h.advance(to: 60)
        #expect(h.summary == ["breached c1 first_response @15", "resolved c1 first_response @20 late"])
        // Redelivered after the lateness window: settled facts, still nothing changes.
        #expect(h.customer(0, id: "e1") == .stale)
        #expect(h.ack(20, id: "a1") == .stale)
        h.advance(to: 90)
        #expect(h.alerts.count == 2)
    }

    @Test func waitingStatusPausesTheClockAndOpenResumesIt() {
        var h = EngineHarness(policies: [Self.plain])
        h.customer(0)
        h.status(.waitingOnCustomer, 5)
        h.advance(to: 60)
        #expect(h.alerts.isEmpty)
        h.status(.open, 65)  // 5 minutes used, 10 left
        h.advance(to: 100)
        #expect(h.summary == ["breached c1 first_response @75"])
        #expect(h.alerts[0].elapsedSeconds == 900)
    }

    @Test func customerResponseResumesAPausedClock() {
        var h = EngineHarness(policies: [Self.plain])
        h.customer(0)
        h.status(.waitingOnThirdParty, 5)
        h.customer(60)
        h.advance(to: 100)
        #expect(h.summary == ["breached c1 first_response @70"])
        #expect(h.alerts[0].unansweredCount == 2)
    }

    @Test func closedClearsTheConcernWithoutAlertingAndAResponseReopensIt() {
        var h = EngineHarness(policies: [Self.plain])
        h.customer(0)
        h.status(.closed, 5)
        h.advance(to: 60)
        #expect(h.alerts.isEmpty)
        h.customer(70)
        h.advance(to: 200)
        #expect(h.summary == ["breached c1 next_response @100"])
    }

    @Test func automatedRepliesCountOnlyWhereThePolicySaysSo() {
        var ignoring = EngineHarness(policies: [Self.plain])
        ignoring.customer(0)
        ignoring.ack(1, automated: true)
        ignoring.advance(to: 30)
        #expect(ignoring.summary == ["breached c1 first_response @15"])

        var counting = Self.plain
        counting.countAutomatedReplies = true
        var h = EngineHarness(policies: [counting])
        h.customer(0)
        h.ack(1, automated: true)
        h.advance(to: 30)
        #expect(h.alerts.isEmpty)
    }

    @Test func conversationMayStartWithAResponseAndBroadcastsOpenNothing() {
        var h = EngineHarness(policies: [Self.plain])
        h.send(h.event(.broadcast, 0, conv: "post"))
        h.customer(1, conv: "dm")
        h.advance(to: 30)
        #expect(h.summary == ["breached dm first_response @16"])
    }

    @Test func firstMatchingPolicyApplies() {
        let vip = Policy(
            name: "vip",
            match: PolicyMatch(channels: ["twitter"], priorities: [.high, .urgent], attributes: [("tier", ["gold"])]),
            firstResponse: .minutes(5), version: "v")
        var h = EngineHarness(policies: [vip, Self.plain])
        h.customer(0, conv: "gold", priority: .urgent, attributes: [.init(key: "tier", value: "gold")])
        h.customer(0, conv: "silver", priority: .urgent, attributes: [.init(key: "tier", value: "silver")])
        h.customer(
            0, conv: "email", channel: "email", priority: .urgent, attributes: [.init(key: "tier", value: "gold")])
        h.advance(to: 60)
        #expect(
            Set(h.summary) == [
                "breached gold first_response @5", "breached silver first_response @15",
                "breached email first_response @15",
            ])
        #expect(h.alerts.first { $0.conversationID == "gold" }?.policyName == "vip")
    }

    /// The latest message's policy applies to the open concern: a follow-up of another
    /// priority moves the deadline (earlier or later); one of the same policy leaves it.
    @Test func aFollowUpMessageOfAnotherPolicyMovesTheDeadline() {
        let urgent = Policy(
            name: "urgent", match: PolicyMatch(priorities: [.urgent]), firstResponse: .minutes(5), version: "v")
        var h = EngineHarness(policies: [urgent, Self.plain])
        h.customer(0, conv: "a")
        h.customer(1, conv: "a")  // same policy: nothing moves
        h.customer(2, conv: "a", priority: .urgent)  // now due at 0 + 5
        h.customer(0, conv: "b", priority: .urgent)
        h.customer(1, conv: "b", priority: .urgent)
        h.customer(3, conv: "b")  // back to 0 + 15
        h.advance(to: 60)
        #expect(Set(h.summary) == ["breached a first_response @5", "breached b first_response @15"])
    }

    @Test func responseNoPolicyMatchesIsNotTracked() {
        let onlyEmail = Policy(name: "email", match: PolicyMatch(channels: ["email"]), firstResponse: .minutes(5))
        var h = EngineHarness(policies: [onlyEmail])
        #expect(h.customer(0, channel: "twitter") == .unmatched)
        h.advance(to: 60)
        #expect(h.alerts.isEmpty)
    }

    @Test func arrivalOrderDoesNotMatterWithinTheLatenessWindow() {
        var inOrder = EngineHarness(policies: [Self.care], lateness: .hours(2))
        inOrder.customer(0, id: "m1")
        inOrder.customer(10, id: "m2")
        inOrder.ack(20, id: "a1")
        inOrder.customer(30, id: "m3")
        inOrder.advance(to: 200)

        var reversed = EngineHarness(policies: [Self.care], lateness: .hours(2))
        reversed.customer(30, id: "m3")
        reversed.ack(20, id: "a1")
        reversed.customer(10, id: "m2")
        reversed.customer(0, id: "m1")
        reversed.advance(to: 200)
        #expect(inOrder.alerts == reversed.alerts)
        #expect(
            inOrder.summary == [
                "warning c1 first_response @10", "breached c1 first_response @15",
                "resolved c1 first_response @20 late",
                "warning c1 next_response @55", "breached c1 next_response @60", "escalated1 c1 next_response @90",
            ])
    }

    @Test func alertIDsAreDeterministicAndDistinct() {
        var a = EngineHarness(policies: [Self.care])
        a.customer(0)
        a.advance(to: 100)
        var b = EngineHarness(policies: [Self.care])
        b.customer(0)
        b.advance(to: 100)
        #expect(a.alerts.map(\.id) == b.alerts.map(\.id))
        #expect(Set(a.alerts.map(\.id)).count == a.alerts.count)
        #expect(a.alerts[0].id.count == 36)
    }

    @Test func quietConversationsAreForgottenAfterTheTTL() {
        var h = EngineHarness(policies: [Self.plain], ttl: .hours(1))
        h.customer(0)
        h.ack(5)
        var changes: [String: [UInt8]?] = [:]
        h.engine.drainChanges { changes[$0] = $1 }
        #expect(changes["c1"] != nil)
        h.advance(to: 64)
        #expect(h.engine.conversationCount == 1)
        h.advance(to: 66)
        #expect(h.engine.conversationCount == 0)
        changes = [:]
        h.engine.drainChanges { changes[$0] = $1 }
        #expect(changes.count == 1)
        #expect(changes["c1"] == .some(nil))  // a tombstone
    }

    @Test func responsesMatchingIgnoreRulesOpenNoConcern() throws {
        var polite = Self.plain
        polite.ignore = try IgnoreRules(textMatches: ["^(thanks|thank you|ok|👍)[.! ]*$"])
        var h = EngineHarness(policies: [polite])
        #expect(h.customer(0, conv: "a", text: "Thanks!") == .ignored)
        #expect(h.customer(0, conv: "b", text: "👍") == .ignored)
        #expect(h.customer(0, conv: "c", text: "thanks but the app still crashes") == .applied)
        h.advance(to: 60)
        #expect(h.summary == ["breached c first_response @15"])
    }

    @Test func businessCalendarStopsTheClockOutsideBusinessHours() throws {
        // Mon–Fri 09:00–17:00 UTC; a message at Friday 16:50 with a 30-minute target is due
        // Monday 09:20.
        let weekdays = (0..<7).map { d in (1...5).contains(d) ? [BusinessCalendar.Interval(start: 540, end: 1020)] : []
        }
        let office = try #require(BusinessCalendar(name: "office", timeZone: "UTC", weekly: weekdays, holidays: []))
        let p = Policy(name: "office", calendar: office, firstResponse: .minutes(30))
        var h = EngineHarness(policies: [p])
        let friday = 4 * 24 * 60 + 470.0  // Friday 2026-11-06 16:50 in minutes from Monday 09:00
        h.customer(friday)
        h.advance(to: friday + 3 * 24 * 60)
        #expect(h.alerts.map(\.kind) == [.breached])
        #expect(RFC3339.format(h.alerts[0].time) == "2026-11-09T09:20:00.000Z")
        #expect(h.alerts[0].elapsedSeconds == 1800)
    }
}
