// When things happen: the engine's clock, its timers, and the evaluation that fires them.
//
// The clock is the *watermark*, moved forward by the caller with `advance(to:)` (event time in
// `replay`, the wall clock in the daemon; see `SLAEngine`). Everything due at or before it has
// happened. A conversation is looked at again — `evaluate(_:)` — when a new fact about it
// arrives (`apply`) or when one of its due instants is reached. There are two kinds of those:
//
// - **The heap** (`scheduler`, exact order): the next instant at which something observable can
//   happen to the conversation — a warning, breach or escalation becomes due, an answered concern
//   owes its `resolved`, or the conversation reaches its `state_ttl` and is forgotten. At most one
//   timer per conversation (`Slot.armed`), re-armed lazily: it is moved only when the next instant
//   comes *earlier*; a timer that fires early just re-evaluates and re-arms. `advance` pops the
//   heap in deadline order and steps the watermark through each instant, so alerts come out
//   sorted by `time` however far the clock jumps.
// - **The fold queue** (`folds`, arrival order): the instant from which history an answered
//   concern left behind can no longer change an outcome and can be folded into a few flags. A
//   fold emits nothing, so it needs no order: the queue is consumed while its head is due, and
//   `apply` folds a conversation first when its fold is overdue but still queued (`Slot.foldDue`).
//   A fold that would free no memory (one inline fact, no marks) is not queued at all — the
//   conversation's next event or its expiry folds it.
//
// `evaluate` re-derives the conversation's concerns from its history at the watermark, in named
// steps: emit the planned alerts that are due, emit a `resolved` a concern owes, gather the next
// due instants, fold finished history, then expire the conversation or arm its timers.

extension SLAEngine {
    /// A queued fold: history of `slot` can be folded once the watermark reaches `due`.
    struct Fold {
        var due: Int64
        var slot: Int32
    }

    /// The due instants one evaluation found, gathered concern by concern.
    struct NextInstants {
        /// The next instant that can emit an alert (a heap timer); `Int64.max`: none.
        var alert = Int64.max
        /// The next instant at which history can be folded (the fold queue); `Int64.max`: none.
        var fold = Int64.max
        /// `since` of the first concern not finished at the watermark: history from there on stays.
        var firstRemainingSince: Int64? = nil
    }

    /// The breach instant of one concern, computed at most once and only when an alert needs it.
    struct BreachInstant {
        private var known = false
        private var value: Int64? = nil

        /// The instant the concern's clock reaches `target` (nil: paused before it).
        @inline(__always) mutating func get(
            _ c: Concern, target: TimeSpan, history: borrowing EntryList, calendar: BusinessCalendar?
        ) -> Int64? {
            if !known {
                value = ConcernTimeline.instant(of: c, reaching: target, history: history, calendar: calendar)
                known = true
            }
            return value
        }
    }

    // MARK: The clock

    /// Moves the watermark forward (never back) and fires every deadline at or before it, in
    /// deadline order: the clock steps through each due instant, so alerts come out sorted by
    /// their `time` however far the watermark jumps.
    public mutating func advance(to newWatermark: Timestamp) {
        advance(to: newWatermark, budget: .max)
    }

    /// ``advance(to:)`` that evaluates at most `budget` conversations (queued re-evaluations
    /// first, then due deadlines in order), so that a backlog of due deadlines — after an
    /// outage, or a restore — comes out over several calls of bounded size instead of one.
    /// Returns whether it got all the way (else the watermark is the last deadline fired — the
    /// alerts so far are exactly those of an `advance` to it — and the next call goes on) and
    /// how much of the budget it used: one per conversation evaluated, and one per
    /// ``forgetsPerEvaluation`` expired conversations forgotten without an evaluation (each
    /// hands out one tombstone and no alert, at a fraction of an evaluation's work).
    @discardableResult
    public mutating func advance(to newWatermark: Timestamp, budget: Int) -> (complete: Bool, evaluated: Int) {
        let target = max(watermark, newWatermark)
        var evaluated = 0
        if !reevaluations.isEmpty {
            evaluated = runReevaluations(budget: budget)
            if !reevaluations.isEmpty { return (false, evaluated) }
        }
        var forgotten = 0
        while evaluated < budget, let (slot, due) = scheduler.popDue(atOrBefore: target.millis) {
            if due > watermark.millis { watermark = Timestamp(millis: due) }
            store[slot].armed = .max
            // Expired with nothing to fire since its last evaluation (after an outage longer
            // than `state_ttl`, most of a backlog): what evaluating it would do, without the work.
            if store[slot].expiresClean,
                store[slot].state.lastEventAt &+ settings.stateTTL.millis <= watermark.millis
            {
                forgetExpired(slot)
                forgotten += 1
                if forgotten == Self.forgetsPerEvaluation {
                    forgotten = 0
                    evaluated += 1
                }
            } else {
                evaluate(slot)
                evaluated += 1
            }
        }
        if evaluated >= budget, let next = scheduler.nextDue, next <= target.millis {
            runFolds()
            return (false, evaluated)
        }
        watermark = target
        runFolds()
        return (true, evaluated)
    }

    /// How many expired conversations forgotten without an evaluation use as much of an
    /// ``advance(to:budget:)`` budget as one evaluation.
    static let forgetsPerEvaluation = 4

    /// The earliest pending deadline (for a caller that sleeps until then).
    public var nextDeadline: Timestamp? {
        if !reevaluations.isEmpty { return Timestamp(millis: Int64.min) }
        return scheduler.nextDue.map { Timestamp(millis: $0) }
    }

    // MARK: Evaluation

    /// Re-derives a conversation's concerns at the current watermark: emits what is due, folds
    /// what can no longer change, forgets it past its TTL, and re-arms its timers.
    mutating func evaluate(_ slot: Int32) {
        guard store[slot].live else { return }
        var st = store.takeState(slot)
        // This evaluation folds whatever is due: a fold queued at or before the watermark is now stale.
        if store[slot].foldDue <= watermark.millis { store[slot].foldDue = .max }
        var concerns: [Concern] = []
        swap(&concerns, &scratch)  // borrow the scratch buffer without retaining it
        defer { swap(&concerns, &scratch) }
        ConcernTimeline.concerns(of: st, table: table, into: &concerns)
        var finalizedAckEnds: [Int] = []
        swap(&finalizedAckEnds, &ackScratch)
        finalizedAckEnds.removeAll(keepingCapacity: true)
        defer { swap(&finalizedAckEnds, &ackScratch) }

        var changed = false
        var next = NextInstants()
        for c in concerns {
            let mask = alertMask(of: c, marks: st.marks)
            var emitted = mask
            var pending = Int64.max
            if let target = table.target(policy: Int(c.policy), metric: c.metric) {
                var breach = BreachInstant()
                pending = emitDueAlerts(of: c, target: target, breach: &breach, mask: &emitted, state: &st, slot: slot)
                if emitResolvedIfOwed(
                    of: c, target: target, breach: &breach, mask: emitted, pending: pending,
                    state: &st, slot: slot)
                {
                    changed = true
                }
            }
            if emitted != mask { changed = true }
            noteNextInstants(of: c, mask: emitted, pending: pending, into: &next, finalizedAckEnds: &finalizedAckEnds)
        }
        if foldFinishedHistory(&st, next: &next, finalizedAckEnds: finalizedAckEnds, concerns: concerns, slot: slot) {
            changed = true
        }
        noteOpenConcern(slot, open: concerns.contains { $0.endAt == nil })

        let expiry = st.lastEventAt &+ settings.stateTTL.millis
        // Folding a history of one fact (kept inline) and no marks frees nothing: such a fold
        // is left to the next event of the conversation (`apply` folds first when one is due)
        // or to its expiry, instead of waking it up just to rewrite it.
        let foldFreesMemory = st.history.count > 1 || !st.marks.isEmpty
        swap(&st, &store[slot].state)  // put it back: a move, not a copy (st is now the placeholder)
        if changed { markDirty(slot) }
        if forgetIfExpired(slot, expiry: expiry) { return }
        store[slot].expiresClean = next.alert > expiry
        armNext(slot, next, expiry: expiry, foldFreesMemory: foldFreesMemory)
    }

    /// The alerts of concern cycle `c` already emitted (its marks).
    @inline(__always) func alertMask(of c: Concern, marks: [ConversationState.Mark]) -> UInt16 {
        var mask: UInt16 = 0
        if !marks.isEmpty {
            let upper = c.endAt ?? Int64.max
            for m in marks where m.since >= c.since && m.since <= upper { mask |= m.mask }
        }
        return mask
    }

    /// Emits the planned alerts of `c` that are due at the watermark and not in `mask` (adding
    /// them); returns the instant of the first one still pending before the concern's end
    /// (`Int64.max`: none).
    @inline(__always) mutating func emitDueAlerts(
        of c: Concern, target: TimeSpan, breach: inout BreachInstant, mask: inout UInt16,
        state st: inout ConversationState, slot: Int32
    ) -> Int64 {
        let w = watermark.millis
        let p = Int(c.policy)
        let calendar = table.calendars[p]
        let upper = c.endAt ?? Int64.max
        // Planned alerts are in clock order, so their instants never decrease: past the first
        // one still pending (or answered first) none can be due.
        let planIndex = p &* 2 &+ Int(c.metric.rawValue)
        for k in table.planStart[planIndex]..<table.planStart[planIndex &+ 1] {
            let bit = table.planItems[k].bit
            if mask & bit != 0 { continue }
            let due: Int64?
            if table.planItems[k].kind == .breached {
                due = breach.get(c, target: target, history: st.history, calendar: calendar)
            } else {
                due = ConcernTimeline.instant(
                    of: c, reaching: table.planItems[k].elapsed, history: st.history, calendar: calendar)
            }
            guard let due else { break }  // clock paused before it
            if due > upper { break }  // answered before it was due
            guard due <= w else { return due }
            let deadline = breach.get(c, target: target, history: st.history, calendar: calendar)
            let alert = Self.makeAlert(
                table.planItems[k], concern: c, due: due, deadline: deadline, target: target,
                policy: policies.policies[p], state: st, id: store[slot].id, late: isLate(due))
            pendingAlerts.append(alert)
            mask |= bit
            setMark(&st, since: c.since, bit: bit)
        }
        return .max
    }

    /// Emits the `resolved` that `c` owes once its answer is behind the watermark: it had an
    /// alert (`mask`), none is still pending before its end, and it was not closed. Returns
    /// whether it did.
    @inline(__always) mutating func emitResolvedIfOwed(
        of c: Concern, target: TimeSpan, breach: inout BreachInstant, mask: UInt16, pending: Int64,
        state st: inout ConversationState, slot: Int32
    ) -> Bool {
        guard let end = c.endAt, end <= watermark.millis, pending == .max, !c.closed, mask != 0,
            mask & ConversationState.Mark.resolvedBit == 0
        else { return false }
        let deadline = breach.get(c, target: target, history: st.history, calendar: table.calendars[Int(c.policy)])
        let alert = Self.makeResolved(
            concern: c, end: end, deadline: deadline, target: target, policy: policies.policies[Int(c.policy)],
            state: st, id: store[slot].id, late: isLate(end))
        pendingAlerts.append(alert)
        setMark(&st, since: c.since, bit: ConversationState.Mark.resolvedBit)
        return true
    }

    /// Adds what concern `c` still waits for to `next`: its first pending alert, the `resolved`
    /// it owes (an exact heap timer), or — for the first concern not finished — the fold at its
    /// answer. A finished concern before that one has its answering entry noted in
    /// `finalizedAckEnds` (an automated acknowledgement there counted).
    @inline(__always) func noteNextInstants(
        of c: Concern, mask: UInt16, pending: Int64, into next: inout NextInstants, finalizedAckEnds: inout [Int]
    ) {
        let w = watermark.millis
        next.alert = min(next.alert, pending)
        if let end = c.endAt, end <= w, pending == .max {
            if next.firstRemainingSince == nil, !c.closed { finalizedAckEnds.append(c.end) }
            return
        }
        // An answered concern with alerts owes a `resolved` at its end: exact time.
        let owesResolved = mask != 0 && !c.closed && mask & ConversationState.Mark.resolvedBit == 0
        if let end = c.endAt, owesResolved, end > w { next.alert = min(next.alert, end) }
        if next.firstRemainingSince == nil {
            next.firstRemainingSince = c.since
            if let end = c.endAt, !owesResolved { next.fold = min(next.fold, end) }
        }
    }

    /// Folds the history that can no longer change an outcome into flags, drops the marks of
    /// finished cycles, and notes when the rest can be folded. Returns whether the state changed.
    ///
    /// What folds is everything up to the last *settling* fact — a human acknowledgement, a
    /// close, or an automated acknowledgement that answered a finished concern — at or before
    /// the watermark and before the first concern not finished: a customer response from before
    /// it arriving later is answered already (`stale`). A pause, resume or uncounted automated
    /// acknowledgement after it stays, however old: a response older than it may still arrive,
    /// and by `occurred_at` the fact applies to it (SPEC §2). It goes with the next settling fact.
    /// The concerns folded away have ended for good: their outcomes are handed out then.
    @inline(__always) mutating func foldFinishedHistory(
        _ st: inout ConversationState, next: inout NextInstants, finalizedAckEnds: [Int], concerns: [Concern],
        slot: Int32
    ) -> Bool {
        let keepFrom = next.firstRemainingSince ?? Int64.max
        let cut = min(watermark.millis, keepFrom &- 1)
        var removed = 0  // entries before this index fold away
        var i = 0
        while i < st.history.count, st.history[i].at < keepFrom {
            let e = st.history[i]
            let settles: Bool
            switch e.kind {
            case .ack, .close: settles = true
            case .automatedAck: settles = finalizedAckEnds.contains(i)
            case .message, .pause, .resume: settles = false
            }
            if settles {
                // Beyond the watermark: the fold waits until then.
                guard e.at <= cut else {
                    next.fold = min(next.fold, e.at)
                    break
                }
                st.flags.insert(e.kind == .close ? .closed : .acknowledged)
                st.answeredThrough = max(st.answeredThrough, e.at)
                removed = i &+ 1
            }
            i &+= 1
        }
        var changed = false
        if removed > 0 {
            if settings.reportsOutcomes { noteEndedOutcomes(concerns, before: removed, state: st, slot: slot) }
            st.history.removeFirst(removed)
            changed = true
        }
        if !st.marks.isEmpty {
            let marksBefore = st.marks.count
            st.marks.removeAll { $0.since <= cut }
            if st.marks.count != marksBefore { changed = true }
        }
        return changed
    }

    /// Keeps `openConcerns` and the slot's flag in step with whether a concern is open now.
    @inline(__always) mutating func noteOpenConcern(_ slot: Int32, open: Bool) {
        if open != store[slot].hasOpenConcern {
            openConcerns += open ? 1 : -1
            store[slot].hasOpenConcern = open
        }
    }

    /// Forgets the conversation when the watermark has reached `expiry`, its last event plus
    /// `state_ttl` (``forgetExpired(_:)``). Returns whether it did.
    @inline(__always) mutating func forgetIfExpired(_ slot: Int32, expiry: Int64) -> Bool {
        guard expiry <= watermark.millis else { return false }
        forgetExpired(slot)
        return true
    }

    /// Forgets an expired conversation, with a tombstone for the changelog, handing out its
    /// concerns still there (an open one as `open`). Called without an evaluation first when the
    /// last one found nothing to fire before the expiry (`expiresClean`): the concerns it would
    /// have folded are among those handed out here, ended or not as of the watermark.
    mutating func forgetExpired(_ slot: Int32) {
        if settings.reportsOutcomes { pendingOutcomes += remainingOutcomes(of: slot) }
        forget(slot, tombstone: true)
    }

    /// Arms the conversation's heap timer at its next alert or its expiry, whichever comes first,
    /// and its fold when that comes earlier still (queued only when folding frees memory).
    @inline(__always) mutating func armNext(
        _ slot: Int32, _ next: NextInstants, expiry: Int64, foldFreesMemory: Bool
    ) {
        let due = min(next.alert, expiry)
        arm(slot, at: due)
        guard next.fold < due else { return }
        if foldFreesMemory {
            queueFold(slot, at: next.fold)
        } else if next.fold < store[slot].foldDue {
            store[slot].foldDue = next.fold
        }
    }

    // MARK: Timers

    /// Arms the slot's timer at `due` unless an earlier one is already armed.
    @inline(__always) mutating func arm(_ slot: Int32, at due: Int64) {
        if due < store[slot].armed {
            scheduler.schedule(slot, at: due)
            store[slot].armed = due
        }
    }

    /// Queues a fold of `slot` at `due` unless an earlier one is queued.
    @inline(__always) mutating func queueFold(_ slot: Int32, at due: Int64) {
        if due < store[slot].foldDue {
            store[slot].foldDue = due
            folds.append(Fold(due: due, slot: slot))
        }
    }

    /// Runs the queued folds that are due, a run of up to 32 at a time with their slots warmed
    /// first (independent loads, as in `prefetch`).
    mutating func runFolds() {
        let w = watermark.millis
        while foldHead < folds.count, folds[foldHead].due <= w {
            var end = foldHead
            while end < folds.count, end &- foldHead < 32, folds[end].due <= w { end &+= 1 }
            store.warm(folds[foldHead..<end].lazy.map(\.slot))
            for k in foldHead..<end {
                let f = folds[k]
                guard store[f.slot].live, store[f.slot].foldDue == f.due else { continue }  // stale
                store[f.slot].foldDue = .max
                evaluate(f.slot)
            }
            foldHead = end
        }
        if foldHead >= 4096, foldHead &* 2 >= folds.count {
            folds.removeFirst(foldHead)
            foldHead = 0
        }
    }
}
