import LoopwatchCore
import LoopwatchReport

/// A slow, obvious model of SPEC §2 that hands out concern outcomes and breaches — the reference
/// the report is driven with in tests (and the engine's hook is compared against). It keeps every
/// event of every conversation and re-derives all concerns from scratch at each drain; it assumes
/// events arrive in `occurred_at` order (its results are the ideal ones of §2, with no lateness).
struct ReferenceEngine: ReportEngine {
    enum Fact: Int, Comparable {
        case message = 0
        case ack, automatedAck, pause, resume, close
        static func < (a: Fact, b: Fact) -> Bool { a.rawValue < b.rawValue }
    }

    struct Entry {
        var at: Int64
        var fact: Fact
        var idHash: UInt64
        /// Policy index of a message.
        var policy: Int
    }

    struct Conversation {
        var channel = "unknown"
        var entries: [Entry] = []
        var seen: Set<UInt64> = []
    }

    /// One concern cycle of a conversation.
    struct Cycle {
        var since: Int64
        var metric: SLAMetric
        var policy: Int
        var messages: Int
        var endAt: Int64?
        var closed: Bool
        var deadline: Int64?
    }

    let policies: PolicySet
    var conversations: [String: Conversation] = [:]
    var watermark = Timestamp.distantPast
    var emittedOutcomes: Set<String> = []
    var emittedBreaches: Set<String> = []
    var pending: [Alert] = []

    init(policies: PolicySet) { self.policies = policies }

    mutating func apply(_ event: borrowing InteractionEvent) -> SLAEngine.ApplyResult {
        let e = copy event
        var c = conversations[e.conversationID] ?? Conversation()
        defer { conversations[e.conversationID] = c }
        if e.channel != "unknown" { c.channel = e.channel }
        let fact: Fact
        var policy = -1
        switch e.kind {
        case .broadcast:
            return c.seen.insert(e.idHash).inserted ? .applied : .duplicate
        case .response:
            guard
                let p = policies.firstMatch(
                    channel: c.channel, priority: e.priority, tags: e.tags, attributes: e.attributes)
            else { return .unmatched }
            let text = e.text ?? e.textPreview.string
            if policies.policies[p].ignore.ignores(text: text) { return .ignored }
            if e.occurredAt.millis <= settled(c) { return .stale }
            if c.seen.contains(e.idHash) { return .duplicate }
            fact = .message
            policy = p
        case .acknowledgement:
            if e.occurredAt.millis <= settled(c) { return .stale }
            if c.seen.contains(e.idHash) { return .duplicate }
            fact = e.automated ? .automatedAck : .ack
        case .status:
            if e.occurredAt.millis <= settled(c) { return .stale }
            if c.seen.contains(e.idHash) { return .duplicate }
            switch e.status ?? .open {
            case .waitingOnCustomer, .waitingOnThirdParty: fact = .pause
            case .open: fact = .resume
            case .closed: fact = .close
            }
        }
        c.seen.insert(e.idHash)
        c.entries.append(Entry(at: e.occurredAt.millis, fact: fact, idHash: e.idHash, policy: policy))
        return .applied
    }

    /// Moves the clock: breaches due by then fire with the facts known now (as the engine's do,
    /// before the next event is applied).
    mutating func advance(to t: Timestamp) {
        watermark = max(watermark, t)
        pending += breaches()
    }

    /// The latest answer the engine has settled for good: an acknowledgement or close at or before
    /// the clock with no concern open before it (the engine folds those away; a message, an
    /// acknowledgement or a status at or before it is `stale`).
    func settled(_ c: Conversation) -> Int64 {
        let cycles = cycles(of: c)
        let firstOpen = cycles.first { $0.endAt.map { $0 > watermark.millis } ?? true }?.since ?? Int64.max
        let cut = min(watermark.millis, firstOpen - 1)
        var latest = Int64.min
        for f in c.entries where f.at <= cut {
            if f.fact == .ack || f.fact == .close { latest = max(latest, f.at) }
        }
        for k in cycles where !k.closed { if let end = k.endAt, end <= cut { latest = max(latest, end) } }
        return latest
    }

    func channel(of conversationID: String) -> String? { conversations[conversationID]?.channel }

    /// Every concern cycle of a conversation, from its facts in `occurred_at` order (a message
    /// before an acknowledgement at the same instant: the acknowledgement answers it).
    func cycles(of c: Conversation) -> [Cycle] {
        let facts = c.entries.sorted { ($0.at, $0.fact, $0.idHash) < ($1.at, $1.fact, $1.idHash) }
        var out: [Cycle] = []
        var answeredBefore = false
        // An automated acknowledgement answered before when the next concern's policy counts those.
        var automatedBefore = false
        var open: (cycle: Cycle, from: Int)? = nil
        for (i, f) in facts.enumerated() {
            switch f.fact {
            case .message:
                if var o = open {
                    o.cycle.policy = f.policy
                    o.cycle.messages += 1
                    open = o
                } else {
                    let counted = automatedBefore && policies.policies[f.policy].countAutomatedReplies
                    let metric: SLAMetric = answeredBefore || counted ? .nextResponse : .firstResponse
                    let cycle = Cycle(
                        since: f.at, metric: metric, policy: f.policy, messages: 1, endAt: nil, closed: false)
                    open = (cycle, i)
                }
            case .ack, .automatedAck:
                if f.fact == .automatedAck { automatedBefore = true }
                let counts =
                    f.fact == .ack || (open.map { policies.policies[$0.cycle.policy].countAutomatedReplies } ?? false)
                if var o = open, counts {
                    o.cycle.endAt = f.at
                    o.cycle.deadline = deadline(of: o.cycle, facts: facts[(o.from + 1)..<i])
                    out.append(o.cycle)
                    open = nil
                    answeredBefore = true
                } else if open == nil, f.fact == .ack {
                    answeredBefore = true
                }
            case .close:
                if var o = open {
                    o.cycle.endAt = f.at
                    o.cycle.closed = true
                    o.cycle.deadline = deadline(of: o.cycle, facts: facts[(o.from + 1)..<i])
                    out.append(o.cycle)
                    open = nil
                }
                answeredBefore = true
            case .pause, .resume:
                break
            }
        }
        if var o = open {
            o.cycle.deadline = deadline(of: o.cycle, facts: facts[(o.from + 1)...])
            out.append(o.cycle)
        }
        return out
    }

    /// When the cycle's clock reaches its target: running from `since`, stopped by a pause,
    /// restarted by a resume or a message; nil without a target or when paused before it.
    func deadline(of cycle: Cycle, facts: ArraySlice<Entry>) -> Int64? {
        let policy = policies.policies[cycle.policy]
        guard let target = policy.target(for: cycle.metric) else { return nil }
        var used = TimeSpan.zero
        var runStart = Timestamp(millis: cycle.since)
        var running = true
        for f in facts {
            if f.fact == .pause, running {
                let run = policy.businessTime(from: runStart, to: Timestamp(millis: f.at))
                if used + run >= target { return policy.add(target - used, to: runStart).millis }
                used = used + run
                running = false
            } else if f.fact == .resume || f.fact == .message, !running {
                runStart = Timestamp(millis: f.at)
                running = true
            }
        }
        return running ? policy.add(target - used, to: runStart).millis : nil
    }

    func outcome(_ id: String, _ c: Conversation, _ k: Cycle) -> ConcernOutcome {
        let kind: ConcernOutcome.Kind
        if let end = k.endAt {
            kind =
                k.closed
                ? .closedUnanswered
                : ConcernOutcome.answered(at: .init(millis: end), deadline: k.deadline.map(Timestamp.init))
        } else {
            kind = .open
        }
        return ConcernOutcome(
            conversationID: id, channel: c.channel, policyName: policies.policies[k.policy].name, metric: k.metric,
            concernSince: Timestamp(millis: k.since), deadline: k.deadline.map(Timestamp.init),
            endedAt: k.endAt.map(Timestamp.init), outcome: kind, unansweredCount: k.messages)
    }

    static func key(_ id: String, _ k: Cycle) -> String { "\(id)/\(k.since)/\(k.metric.rawValue)" }

    mutating func drainAlerts() -> [Alert] {
        defer { pending = [] }
        return pending + breaches()
    }

    /// Breaches due at the watermark not fired yet.
    mutating func breaches() -> [Alert] {
        var out: [Alert] = []
        for (id, c) in conversations {
            for k in cycles(of: c) {
                guard let d = k.deadline, d <= watermark.millis, k.endAt.map({ d <= $0 }) ?? true else { continue }
                guard emittedBreaches.insert(Self.key(id, k)).inserted else { continue }
                let p = policies.policies[k.policy]
                out.append(
                    Alert(
                        id: Self.key(id, k), kind: .breached, conversationID: id, metric: k.metric, policyName: p.name,
                        policyVersion: p.version, level: 0, severity: p.severity, channel: c.channel, priority: .normal,
                        concernSince: Timestamp(millis: k.since), deadline: Timestamp(millis: d),
                        time: Timestamp(millis: d), targetSeconds: p.target(for: k.metric)?.wholeSeconds ?? 0,
                        elapsedSeconds: p.target(for: k.metric)?.wholeSeconds ?? 0, unansweredCount: k.messages,
                        lastCustomerText: nil, detectedLate: false))
            }
        }
        return out.sorted { ($0.time, $0.conversationID) < ($1.time, $1.conversationID) }
    }

    mutating func drainConcernOutcomes() -> [ConcernOutcome] {
        var out: [ConcernOutcome] = []
        for (id, c) in conversations {
            for k in cycles(of: c) {
                guard let end = k.endAt, end <= watermark.millis, emittedOutcomes.insert(Self.key(id, k)).inserted
                else { continue }
                out.append(outcome(id, c, k))
            }
        }
        return out
    }

    func remainingConcernOutcomes() -> [ConcernOutcome] {
        conversations.flatMap { id, c in
            cycles(of: c).filter { !emittedOutcomes.contains(Self.key(id, $0)) }.map { k in
                var k = k
                if let end = k.endAt, end > watermark.millis { k.endAt = nil }  // not ended yet at the clock
                return outcome(id, c, k)
            }
        }
    }
}
