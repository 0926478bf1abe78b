extension SLAEngine {
    /// One planned alert of a concern: which, at what business time on its clock.
    struct PlannedAlert {
        var kind: Alert.Kind
        var level: Int
        var elapsed: TimeSpan
        var severity: String
        var bit: UInt16
    }

    /// Re-derives a conversation's concerns at the current watermark: emits what is due, folds
    /// what can no longer change, forgets it past its TTL, and re-arms its one deadline.
    mutating func evaluate(_ slot: Int32) {
        let s = Int(slot)
        guard slots[s].live else { return }
        var st = takeState(slot)
        let w = watermark.millis
        // This evaluation folds whatever is due: a fold queued at or before `w` is now stale.
        if slots[s].foldDue <= w { slots[s].foldDue = .max }
        var concerns: [Concern] = []
        swap(&concerns, &scratch)  // borrow the scratch buffer without retaining it
        defer { swap(&concerns, &scratch) }
        ConcernTimeline.concerns(of: st, table: table, into: &concerns)

        var changed = false
        // Two kinds of due instants: `nextDue` can emit an alert or forget the conversation (the
        // heap, exact order); `nextFold` only folds history (the fold queue, any order — nothing
        // observable happens then, and `apply` folds first when one is overdue).
        var nextDue = Int64.max
        var nextFold = Int64.max
        var firstRemainingSince: Int64? = nil
        var finalizedAckEnds: [Int] = []
        swap(&finalizedAckEnds, &ackScratch)
        finalizedAckEnds.removeAll(keepingCapacity: true)
        defer { swap(&finalizedAckEnds, &ackScratch) }

        for c in concerns {
            var mask: UInt16 = 0
            let upper = c.endAt ?? Int64.max
            if !st.marks.isEmpty {
                for m in st.marks where m.since >= c.since && m.since <= upper { mask |= m.mask }
            }
            let p = Int(c.policy)
            var pendingBeforeEnd = false
            if let target = table.target(policy: p, metric: c.metric) {
                let calendar = table.calendars[p]
                // The breach instant, computed once and only when needed.
                var deadlineKnown = false
                var deadlineValue: Int64? = nil
                func deadline() -> Int64? {
                    if !deadlineKnown {
                        deadlineValue = ConcernTimeline.instant(of: c, reaching: target, history: st.history, calendar: calendar)
                        deadlineKnown = true
                    }
                    return deadlineValue
                }
                // Planned alerts are in clock order, so their instants never decrease: past the
                // first one still pending (or answered first) none can be due.
                let planIndex = p &* 2 &+ Int(c.metric.rawValue)
                for k in table.planStart[planIndex]..<table.planStart[planIndex &+ 1] {
                    let bit = table.planItems[k].bit
                    if mask & bit != 0 { continue }
                    let due: Int64?
                    if table.planItems[k].kind == .breached { due = deadline() } else {
                        due = ConcernTimeline.instant(
                            of: c, reaching: table.planItems[k].elapsed, history: st.history, calendar: calendar)
                    }
                    guard let due else { break }  // clock paused before it
                    if due > upper { break }  // answered before it was due
                    if due <= w {
                        pendingAlerts.append(
                            makeAlert(
                                table.planItems[k], concern: c, due: due, deadline: deadline(), target: target,
                                policy: p, state: st, id: slots[s].id))
                        mask |= bit
                        setMark(&st, since: c.since, bit: bit)
                        changed = true
                    } else {
                        pendingBeforeEnd = true
                        nextDue = min(nextDue, due)
                        break
                    }
                }
                if let end = c.endAt, end <= w, !pendingBeforeEnd, !c.closed, mask != 0,
                    mask & ConversationState.Mark.resolvedBit == 0
                {
                    pendingAlerts.append(
                        makeResolved(
                            concern: c, end: end, deadline: deadline(), target: target, policy: p, state: st,
                            id: slots[s].id))
                    setMark(&st, since: c.since, bit: ConversationState.Mark.resolvedBit)
                    changed = true
                }
            }
            if let end = c.endAt, end <= w, !pendingBeforeEnd {
                if firstRemainingSince == nil, !c.closed { finalizedAckEnds.append(c.end) }
            } else {
                // An answered concern with alerts owes a `resolved` at its end: exact time.
                let owesResolved = mask != 0 && !c.closed && mask & ConversationState.Mark.resolvedBit == 0
                if let end = c.endAt, owesResolved, end > w { nextDue = min(nextDue, end) }
                if firstRemainingSince == nil {
                    firstRemainingSince = c.since
                    if let end = c.endAt, !owesResolved { nextFold = min(nextFold, end) }
                }
            }
        }

        // Fold what can no longer change an outcome.
        let cut = min(w, (firstRemainingSince ?? Int64.max) &- 1)
        var removed = 0
        while removed < st.history.count, st.history[removed].at <= cut {
            let e = st.history[removed]
            switch e.kind {
            case .ack:
                st.flags.insert(.acknowledged)
                st.answeredThrough = max(st.answeredThrough, e.at)
            case .automatedAck where finalizedAckEnds.contains(removed):
                st.flags.insert(.acknowledged)
                st.answeredThrough = max(st.answeredThrough, e.at)
            case .close:
                st.flags.insert(.closed)
                st.answeredThrough = max(st.answeredThrough, e.at)
            default:
                break
            }
            removed += 1
        }
        if removed > 0 {
            st.history.removeFirst(removed)
            changed = true
        }
        if !st.marks.isEmpty {
            let marksBefore = st.marks.count
            st.marks.removeAll { $0.since <= cut }
            if st.marks.count != marksBefore { changed = true }
        }
        if let first = st.history.first, first.at < (firstRemainingSince ?? Int64.max) {
            nextFold = min(nextFold, first.at)
        }

        let open = concerns.contains { $0.endAt == nil }
        if open != slots[s].hasOpenConcern {
            openConcerns += open ? 1 : -1
            slots[s].hasOpenConcern = open
        }
        let expiry = st.lastEventAt &+ settings.stateTTL.millis
        // Folding a history of one fact (kept inline) and no marks frees nothing: such a fold
        // is left to the next event of the conversation (`apply` folds first when one is due)
        // or to its expiry, instead of waking it up just to rewrite it.
        let foldFreesMemory = st.history.count > 1 || !st.marks.isEmpty
        swap(&st, &slots[s].state)  // put it back: a move, not a copy (st is now the placeholder)
        if changed { markDirty(slot) }

        if expiry <= w {
            forget(slot, tombstone: true)
            return
        }
        nextDue = min(nextDue, expiry)
        arm(slot, at: nextDue)
        if nextFold < nextDue {
            if foldFreesMemory {
                queueFold(slot, at: nextFold)
            } else if nextFold < slots[s].foldDue {
                slots[s].foldDue = nextFold
            }
        }
    }

    /// The alerts each policy plans for a concern of each metric, in clock order.
    static func plans(for policies: PolicySet) -> [[PlannedAlert]] {
        var all: [[PlannedAlert]] = []
        for policy in policies.policies {
            for metric in [SLAMetric.firstResponse, .nextResponse] {
                guard let target = policy.target(for: metric) else {
                    all.append([])
                    continue
                }
                var out: [PlannedAlert] = []
                if let warn = policy.warnBefore, warn < target {
                    out.append(
                        PlannedAlert(kind: .warning, level: 0, elapsed: target - warn, severity: "warning",
                            bit: ConversationState.Mark.warningBit))
                }
                out.append(
                    PlannedAlert(kind: .breached, level: 0, elapsed: target, severity: policy.severity,
                        bit: ConversationState.Mark.breachedBit))
                for (i, e) in policy.escalations.prefix(ConversationState.Mark.maxEscalationLevels).enumerated() {
                    out.append(
                        PlannedAlert(kind: .escalated, level: i + 1, elapsed: target + e.after, severity: e.severity,
                            bit: ConversationState.Mark.escalationBit(level: i + 1)))
                }
                // Clock order (configurations already list escalations by `after`; policies built
                // in code may not): `evaluate` stops at the first alert not yet due.
                all.append(out.enumerated().sorted { ($0.element.elapsed, $0.offset) < ($1.element.elapsed, $1.offset) }.map(\.element))
            }
        }
        return all
    }

    func setMark(_ st: inout ConversationState, since: Int64, bit: UInt16) {
        if let i = st.marks.firstIndex(where: { $0.since == since }) {
            st.marks[i].mask |= bit
        } else {
            st.marks.append(.init(since: since, mask: bit))
        }
    }

    func isLate(_ due: Int64) -> Bool {
        guard let limit = settings.lateAfter, let now = wallClock else { return false }
        return now.millis &- (due &+ settings.allowedLateness.millis) > limit.millis
    }

    func makeAlert(
        _ item: PlannedAlert, concern c: Concern, due: Int64, deadline: Int64?, target: TimeSpan, policy p: Int,
        state st: ConversationState, id: String
    ) -> Alert {
        let policy = policies.policies[p]
        return Alert(
            id: Alert.makeID(
                conversationID: id, concernSince: Timestamp(millis: c.since), metric: c.metric, kind: item.kind,
                level: item.level),
            kind: item.kind, conversationID: id, metric: c.metric, policyName: policy.name,
            policyVersion: policy.version, level: item.level, severity: item.severity, channel: st.channel,
            priority: st.priority, concernSince: Timestamp(millis: c.since), deadline: deadline.map(Timestamp.init),
            time: Timestamp(millis: due), targetSeconds: target.wholeSeconds, elapsedSeconds: item.elapsed.wholeSeconds,
            unansweredCount: ConcernTimeline.messageCount(of: c, through: due, history: st.history),
            lastCustomerText: st.lastCustomerText, detectedLate: isLate(due))
    }

    func makeResolved(
        concern c: Concern, end: Int64, deadline: Int64?, target: TimeSpan, policy p: Int,
        state st: ConversationState, id: String
    ) -> Alert {
        let policy = policies.policies[p]
        return Alert(
            id: Alert.makeID(
                conversationID: id, concernSince: Timestamp(millis: c.since), metric: c.metric, kind: .resolved,
                level: 0),
            kind: .resolved, conversationID: id, metric: c.metric, policyName: policy.name,
            policyVersion: policy.version, level: 0, severity: "info", channel: st.channel, priority: st.priority,
            concernSince: Timestamp(millis: c.since), deadline: deadline.map(Timestamp.init),
            time: Timestamp(millis: end), targetSeconds: target.wholeSeconds,
            elapsedSeconds: ConcernTimeline.elapsed(of: c, at: end, history: st.history, calendar: policy.calendar).wholeSeconds,
            unansweredCount: ConcernTimeline.messageCount(of: c, through: end, history: st.history),
            lastCustomerText: st.lastCustomerText, detectedLate: isLate(end), resolvedAt: Timestamp(millis: end),
            withinTarget: deadline.map { end < $0 } ?? true)
    }
}
