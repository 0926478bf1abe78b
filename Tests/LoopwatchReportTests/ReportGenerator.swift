import LoopwatchCore
import LoopwatchReport
import LoopwatchTestSupport

/// Random, realistic report inputs from a seed: events over eleven days (one at each end, so
/// the default period covers everything), concern outcomes consistent with their deadlines,
/// breached and other alerts, bad lines, and a period that may cut into them.
enum ReportGenerator {
    static let base = Timestamp(millis: 1_793_577_600_000)  // 2026-11-02T00:00:00Z, a Monday
    static let channels = ["twitter", "email", "review", "<b>&\"x\"</b>", "unknown"]
    static let policies = ["vip-social", "default", "urgent"]
    static let zones = ["UTC", "Asia/Qatar", "America/New_York", "Asia/Kolkata"]

    static func minutes(_ m: Int64) -> Timestamp { Timestamp(millis: base.millis + m * 60_000) }

    static func model(seed: UInt64, size: Int) -> ReportModel {
        var rng = SplitMix(seed: seed)
        func pick<T>(_ a: [T]) -> T { a.randomElement(using: &rng)! }
        func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }
        let span: Int64 = 11 * 24 * 60
        var m = ReportModel()
        m.zone = pick(zones)
        m.bad = Int.random(in: 0...3, using: &rng)
        m.events.append(
            ModelEvent(at: minutes(0), kind: .broadcast, channel: "twitter", policy: "default", duplicate: false))
        for _ in 0..<size {
            let kinds: [InteractionEvent.Kind] = [
                .broadcast, .response, .response, .response, .acknowledgement, .status,
            ]
            let e = ModelEvent(
                at: minutes(Int64.random(in: 0...span, using: &rng)), kind: pick(kinds), channel: pick(channels),
                policy: chance(0.1) ? nil : pick(policies), duplicate: chance(0.15))
            m.events.append(e)
        }
        m.events.append(
            ModelEvent(at: minutes(span), kind: .acknowledgement, channel: "email", policy: nil, duplicate: false))
        // Few distinct instants, so ties (same concern_since, same response time) happen; a
        // conversation has one open concern at most.
        for k in 0..<(size / 2) {
            let since = minutes(Int64.random(in: 60...(span - 60), using: &rng) / 30 * 30)
            let target = chance(0.15) ? nil : Int64(pick([15, 30, 60, 240]))
            let deadline = target.map { since + .minutes($0) }
            var outcome = pick(ConcernOutcome.Kind.allCases)
            if outcome == .answeredLate, deadline == nil { outcome = .answeredWithinTarget }
            var ended: Timestamp? = nil
            switch outcome {
            case .answeredWithinTarget:
                let limit = target.map { $0 * 60_000 - 1 } ?? 86_400_000
                ended = since + TimeSpan(millis: pick([0, 1, 999, 60_000, Int64.random(in: 0...limit, using: &rng)]))
            case .answeredLate:
                ended = deadline! + TimeSpan(millis: pick([0, 1, Int64.random(in: 0...200_000_000, using: &rng)]))
            case .closedUnanswered:
                ended = since + .minutes(Int64.random(in: 0...600, using: &rng))
            case .open:
                break
            }
            let id = outcome == .open ? pick(["c\(k)", "conv-\(k)"]) : pick(["c\(k)", "c\(k % 3)", "conv-\(k)"])
            m.outcomes.append(
                ConcernOutcome(
                    conversationID: id, channel: pick(channels),
                    policyName: pick(policies), metric: pick(SLAMetric.allCases), concernSince: since,
                    deadline: deadline,
                    endedAt: ended, outcome: outcome, unansweredCount: Int.random(in: 1...4, using: &rng)))
        }
        for _ in 0..<(size / 2) {
            let kind = chance(0.7) ? Alert.Kind.breached : pick(Alert.Kind.allCases)
            m.alerts.append(.bare(kind, at: minutes(Int64.random(in: 30...span, using: &rng))))
        }
        if chance(0.5) { m.since = minutes(Int64.random(in: 0...(span / 2), using: &rng)) }
        if chance(0.5) { m.until = minutes(Int64.random(in: (span / 2)...(span + 60), using: &rng)) }
        return m
    }
}
