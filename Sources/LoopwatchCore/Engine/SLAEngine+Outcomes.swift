// What became of each concern (SPEC §9): the record `loopwatch report` and the
// `loopwatch_concerns_total` metric count.
//
// A concern has ended for good when its history is folded away (`foldFinishedHistory`): its
// answer (or close) is at or before the watermark and nothing older can still change it. With
// `Settings.reportsOutcomes` on, its `ConcernOutcome` is handed out then, once, and read with
// `drainConcernOutcomes()`. Folding is lazy (a fold that frees no memory waits for the
// conversation's next event or its expiry), so at the end of a report period
// `remainingConcernOutcomes()` gives everything still in the histories: concerns answered or
// closed but not folded yet, and the open ones. Drained plus remaining is every concern once.
// A conversation forgotten after `state_ttl` hands out what it still holds (an open concern as
// `open`).

extension SLAEngine {
    /// Outcomes of the concerns that ended since the last call (``Settings/reportsOutcomes``).
    public mutating func drainConcernOutcomes() -> [ConcernOutcome] {
        if pendingOutcomes.isEmpty { return [] }
        defer { pendingOutcomes.removeAll(keepingCapacity: true) }
        return pendingOutcomes
    }

    /// Whether concern outcomes are waiting to be drained.
    public var hasPendingConcernOutcomes: Bool { !pendingOutcomes.isEmpty }

    /// The concerns not handed out yet, as they stand at the watermark: answered or closed ones
    /// whose history is not folded yet (their end at or before the watermark), and open ones
    /// (`open`; also a concern whose answer lies beyond the watermark). Changes nothing: at the
    /// end of a period, drained plus these is every concern once.
    public func remainingConcernOutcomes() -> [ConcernOutcome] {
        var out: [ConcernOutcome] = []
        var concerns: [Concern] = []
        for slot in store.slotNumbers where store[slot].live { remainingOutcomes(of: slot, into: &out, &concerns) }
        return out
    }

    /// The outcomes of the concerns still in a conversation's history.
    func remainingOutcomes(of slot: Int32) -> [ConcernOutcome] {
        var out: [ConcernOutcome] = []
        var concerns: [Concern] = []
        remainingOutcomes(of: slot, into: &out, &concerns)
        return out
    }

    /// Appends the outcomes of the concerns still in a conversation's history to `out`, reading
    /// its state in place (`concerns`: scratch space, reused across calls).
    func remainingOutcomes(of slot: Int32, into out: inout [ConcernOutcome], _ concerns: inout [Concern]) {
        // Only a customer message opens a concern: most histories (broadcasts, folded answers)
        // hold none.
        // By index, in place (`contains(where:)` would copy the history to iterate it).
        let n = store[slot].state.history.count
        var i = 0
        while i < n, store[slot].state.history[i].kind != .message { i += 1 }
        guard i < n else { return }
        ConcernTimeline.concerns(of: store[slot].state, table: table, into: &concerns)
        for c in concerns {
            let ended = c.endAt.map { $0 <= watermark.millis } ?? false
            if let o = Self.outcome(
                of: c, ended: ended, state: store[slot].state, id: store[slot].id, policies: policies, table: table)
            {
                out.append(o)
            }
        }
    }

    /// Hands out the outcomes of the concerns that end before history entry `boundary` (about
    /// to be folded away).
    mutating func noteEndedOutcomes(
        _ concerns: [Concern], before boundary: Int, state st: ConversationState, slot: Int32
    ) {
        for c in concerns where c.endAt != nil && c.end < boundary {
            if let o = Self.outcome(
                of: c, ended: true, state: st, id: store[slot].id, policies: policies, table: table)
            {
                pendingOutcomes.append(o)
            }
        }
    }

    /// The outcome of concern `c` (ended: by its end; else open); nil when no policy measures it.
    /// Static, with the engine's parts passed in: see ``makeAlert(_:concern:due:deadline:target:policy:state:id:late:)``.
    static func outcome(
        of c: Concern, ended: Bool, state st: ConversationState, id: String, policies: PolicySet, table: PolicyTable
    ) -> ConcernOutcome? {
        let p = Int(c.policy)
        guard p < policies.policies.count else { return nil }
        let deadline = table.target(policy: p, metric: c.metric).flatMap {
            ConcernTimeline.instant(of: c, reaching: $0, history: st.history, calendar: table.calendars[p])
        }.map(Timestamp.init)
        let kind: ConcernOutcome.Kind
        var endedAt: Timestamp? = nil
        if ended, let end = c.endAt {
            endedAt = Timestamp(millis: end)
            kind = c.closed ? .closedUnanswered : ConcernOutcome.answered(at: endedAt!, deadline: deadline)
        } else {
            kind = .open
        }
        return ConcernOutcome(
            conversationID: id, channel: st.channel, policyName: policies.policies[p].name, metric: c.metric,
            concernSince: Timestamp(millis: c.since), deadline: deadline, endedAt: endedAt, outcome: kind,
            unansweredCount: ConcernTimeline.messageCount(
                of: c, through: ended ? (c.endAt ?? .max) : .max, history: st.history))
    }
}
