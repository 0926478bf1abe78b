import LoopwatchTestSupport
import PropertyBased
import Testing

@testable import LoopwatchCore

/// Properties that must hold for any input: arrival order and duplicates never change the alerts,
/// and state survives the changelog encoding.
@Suite struct EnginePropertyTests {
    static let policies = [
        Policy(
            name: "care", firstResponse: .minutes(15), nextResponse: .minutes(30), warnBefore: .minutes(5),
            escalations: [Escalation(after: .minutes(20), severity: "critical")], version: "v1")
    ]

    /// Turns generated integers into a small, varied conversation log.
    static func events(from codes: [Int]) -> [InteractionEvent] {
        codes.enumerated().map { i, n in
            let conv = "c\((n / 3000) % 3)"
            let at = EngineHarness.t(Double((n / 10) % 300))
            var e: InteractionEvent
            switch n % 10 {
            case 0...4:
                e = InteractionEvent(
                    id: "e\(i)", conversationID: conv, kind: .response, occurredAt: at, text: "hi \(i)")
            case 5...6:
                e = InteractionEvent(
                    id: "e\(i)", conversationID: conv, kind: .acknowledgement, occurredAt: at,
                    automated: (n / 9000) % 4 == 0)
            case 7: e = InteractionEvent(id: "e\(i)", conversationID: conv, kind: .broadcast, occurredAt: at)
            default:
                let statuses: [InteractionEvent.AgentStatus] = [
                    .waitingOnCustomer, .open, .closed, .waitingOnThirdParty,
                ]
                e = InteractionEvent(
                    id: "e\(i)", conversationID: conv, kind: .status, occurredAt: at, status: statuses[(n / 7) % 4])
            }
            return e
        }
    }

    static func run(_ events: [InteractionEvent]) -> [Alert] {
        var h = EngineHarness(policies: policies, lateness: .days(1))
        for e in events { h.send(e) }
        h.advance(to: 2000)
        return h.alerts.sorted { $0.id < $1.id }
    }

    @Test func anyArrivalOrderWithDuplicatesGivesTheSameAlerts() async {
        await propertyCheck(
            count: 300, input: Gen.int(in: 0...1_000_000).array(of: 1...25), Gen.int(in: 0...Int(Int32.max))
        ) { codes, seed in
            let events = Self.events(from: codes)
            let inOrder = events.sorted { $0.occurredAt < $1.occurredAt }
            var rng = SplitMix(seed: UInt64(seed))
            var shuffled = events
            shuffled.shuffle(using: &rng)
            for _ in 0..<(events.count / 3) {
                shuffled.insert(events.randomElement(using: &rng)!, at: Int.random(in: 0...shuffled.count, using: &rng))
            }
            #expect(Self.run(inOrder) == Self.run(shuffled))
        }
    }

    @Test func restartFromTheChangelogEmitsEveryAlertExactlyOnce() async {
        await propertyCheck(count: 200, input: Gen.int(in: 0...1_000_000).array(of: 1...25), Gen.int(in: 0...25)) {
            codes, cut in
            let events = Self.events(from: codes).sorted { $0.occurredAt < $1.occurredAt }
            let expected = Self.run(events)

            // First life: apply a prefix, "commit" alerts and state changes together.
            var first = EngineHarness(policies: Self.policies, lateness: .days(1))
            var changelog: [String: [UInt8]] = [:]
            for e in events.prefix(cut) { first.send(e) }
            first.engine.drainChanges { id, value in changelog[id] = value }
            // Second life: restore from the changelog and carry on.
            var second = EngineHarness(policies: Self.policies, lateness: .days(1))
            second.maxSeen = first.maxSeen
            for (id, bytes) in changelog {
                second.engine.restore(conversationID: id, state: try? ConversationState.decode(bytes))
            }
            for e in events.dropFirst(cut) { second.send(e) }
            second.advance(to: 2000)
            let all = (first.alerts + second.alerts).sorted { $0.id < $1.id }
            #expect(all == expected)
        }
    }

    @Test func encodedStateDecodesToTheSameState() async {
        await propertyCheck(count: 200, input: Gen.int(in: 0...1_000_000).array(of: 0...25), Gen.int(in: 0...300)) {
            codes, stopAt in
            var h = EngineHarness(policies: Self.policies, lateness: .minutes(10))
            for e in Self.events(from: codes) { h.send(e) }
            h.advance(to: Double(stopAt))
            for id in ["c0", "c1", "c2"] {
                guard let state = h.engine.state(of: id) else { continue }
                #expect((try? ConversationState.decode(state.encoded())) == state)
            }
        }
    }
}
