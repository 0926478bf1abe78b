import Foundation
import LoopwatchConfiguration
import LoopwatchCore
import LoopwatchTestSupport

/// The chaos suites' seeded population: responses spread over the run, half answered (some in
/// time, some late), some with a second message, and planted bad events; and what `replay`
/// computes for its good events. Shared by both flavours (mock cluster, noida broker).
struct ChaosPopulation: Sendable {
    struct Event: Sendable {
        var at: Double
        var key: String
        var line: String
        var bad: Bool
    }

    /// Events in send order (`at` seconds after t0).
    var schedule: [Event]
    /// The bad events' values, each to reach the dead-letter topic once.
    var planted: [String]
    var conversations: Int

    /// The policies both flavours run (`kafka` is the flavour's own block).
    static func yaml(kafka: String) -> String {
        """
        \(kafka)
        processing:
          commit_interval: 100ms
          allowed_lateness: 5s
        metrics:
          listen: off
        policies:
          - name: chaos
            first_response: 4s
            next_response: 4s
            warn_before: 1s
            escalations:
              - { after: 3s, severity: critical }
        """
    }

    /// Draws the population from `rng` (the draws, in this order, are part of a seed's meaning).
    init(seconds: Double, t0: Timestamp, rng: inout SplitMix) {
        var schedule: [Event] = []
        conversations = Int(seconds * 8)
        for i in 0..<conversations {
            let c = "chaos-\(i)"
            let r = Double.random(in: 0...(seconds - 2), using: &rng)
            schedule.append(Event(at: r, key: c, line: Self.event("\(c)-r1", c, "response", t0, r), bad: false))
            if Bool.random(using: &rng) {
                let r2 = r + Double.random(in: 0.5...2, using: &rng)
                schedule.append(Event(at: r2, key: c, line: Self.event("\(c)-r2", c, "response", t0, r2), bad: false))
            }
            if Double.random(in: 0...1, using: &rng) < 0.6 {
                // Answers stay clear of the deadline by more than a poll, so the outcome is crisp.
                let a =
                    r
                    + (Bool.random(using: &rng)
                        ? Double.random(in: 0.3...2.5, using: &rng) : Double.random(in: 5...9, using: &rng))
                schedule.append(
                    Event(at: a, key: c, line: Self.event("\(c)-a", c, "acknowledgement", t0, a), bad: false))
            }
        }
        planted = (0..<max(3, Int(seconds / 4))).map { i in "{\"planted\": \(i), not json" }
        for (i, bad) in planted.enumerated() {
            schedule.append(
                Event(at: Double(i) * seconds / Double(planted.count), key: "bad-\(i)", line: bad, bad: true))
        }
        schedule.sort { $0.at < $1.at }
        self.schedule = schedule
    }

    /// The alert ids `replay` raises for the good events, its clock run to `until`.
    func expected(yaml: String, until: Timestamp) throws -> Set<String> {
        Set(try expectedAlerts(yaml: yaml, until: until).keys)
    }

    /// The same, each id with a description (kind, conversation, time) for failure messages.
    func expectedAlerts(yaml: String, until: Timestamp) throws -> [String: String] {
        let config = try ConfigLoader.load(yaml: yaml, file: "chaos.yaml", environment: [:], readFile: { _ in "" })
        var replay = ReplayDriver(policies: config.policies, processing: config.processing)
        var expected: [String: String] = [:]
        func add(_ a: Alert) { expected[a.id] = "\(a.kind.eventType) \(a.conversationID) at \(RFC3339.format(a.time))" }
        for e in schedule where !e.bad { replay.feed(line: e.line) { add($0) } }
        replay.finish(until: until) { add($0) }
        return expected
    }

    static func event(_ id: String, _ c: String, _ kind: String, _ t0: Timestamp, _ offset: Double) -> String {
        let at = t0 + TimeSpan(millis: Int64(offset * 1000))
        return #"{"id":"\#(id)","conversation_id":"\#(c)","kind":"\#(kind)","occurred_at":"\#(RFC3339.format(at))","#
            + #""channel":"twitter","text":"chaos \#(id)"}"#
    }
}
