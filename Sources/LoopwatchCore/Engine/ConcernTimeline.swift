/// Derives concern cycles and SLA-clock instants from a conversation's sorted history.
enum ConcernTimeline {
    static let noPolicy: UInt16 = .max

    /// Walks the history in `occurred_at` order and returns every concern cycle in it.
    ///
    /// A concern is a `next_response` when the brand answered before it: a human
    /// acknowledgement, a close, or an automated acknowledgement where the policy of the
    /// concern's first message counts automated replies (SPEC §2) — whether or not that
    /// acknowledgement answered anything.
    static func concerns(
        of state: borrowing ConversationState, table: borrowing PolicyTable, into out: inout [Concern]
    ) {
        out.removeAll(keepingCapacity: true)
        var answeredBefore = !state.flags.isDisjoint(with: [.acknowledged, .closed])
        var automatedBefore = false
        var open: Concern? = nil
        let n = state.history.count
        for i in 0..<n {
            let e = state.history[i]
            switch e.kind {
            case .message:
                if open == nil {
                    let acknowledged =
                        answeredBefore
                        || (automatedBefore && table.countsAutomatedReplies(policy: Int(e.policy)))
                    open = Concern(
                        since: e.at, metric: acknowledged ? .nextResponse : .firstResponse,
                        policy: e.policy, start: i, end: n, endAt: nil, closed: false)
                } else {
                    open!.policy = e.policy
                }
            case .ack, .automatedAck:
                if e.kind == .automatedAck { automatedBefore = true }
                if var c = open {
                    let counts = e.kind == .ack || table.countsAutomatedReplies(policy: Int(c.policy))
                    if counts {
                        c.end = i
                        c.endAt = e.at
                        out.append(c)
                        open = nil
                        answeredBefore = true
                    }
                } else if e.kind == .ack {
                    answeredBefore = true
                }
            case .close:
                if var c = open {
                    c.end = i
                    c.endAt = e.at
                    c.closed = true
                    out.append(c)
                    open = nil
                }
                answeredBefore = true
            case .pause, .resume:
                break
            }
        }
        if let c = open { out.append(c) }
    }

    /// The instant at which the concern's SLA clock reaches `elapsed` business time, following
    /// pauses and resumes inside the cycle; nil when the clock is paused before reaching it.
    /// The instant may lie past the cycle's end (the caller compares).
    static func instant(
        of concern: Concern, reaching elapsed: TimeSpan, history: borrowing EntryList, calendar: BusinessCalendar?
    ) -> Int64? {
        var acc = TimeSpan.zero
        var runStart = Timestamp(millis: concern.since)
        var running = true
        var i = concern.start + 1
        while i < concern.end {
            let e = history[i]
            switch e.kind {
            case .pause where running:
                let segment = BusinessCalendar.businessTime(from: runStart, to: Timestamp(millis: e.at), in: calendar)
                if acc + segment >= elapsed {
                    return BusinessCalendar.add(elapsed - acc, to: runStart, in: calendar).millis
                }
                acc = acc + segment
                running = false
            case .resume where !running, .message where !running:
                runStart = Timestamp(millis: e.at)
                running = true
            default:
                break
            }
            i += 1
        }
        guard running else { return nil }
        return BusinessCalendar.add(elapsed - acc, to: runStart, in: calendar).millis
    }

    /// Business time on the concern's SLA clock at instant `t` (pauses excluded).
    static func elapsed(
        of concern: Concern, at t: Int64, history: borrowing EntryList, calendar: BusinessCalendar?
    ) -> TimeSpan {
        var acc = TimeSpan.zero
        var runStart = concern.since
        var running = true
        var i = concern.start + 1
        while i < concern.end, history[i].at <= t {
            let e = history[i]
            switch e.kind {
            case .pause where running:
                acc =
                    acc
                    + BusinessCalendar.businessTime(
                        from: Timestamp(millis: runStart), to: Timestamp(millis: e.at), in: calendar)
                running = false
            case .resume where !running, .message where !running:
                runStart = e.at
                running = true
            default:
                break
            }
            i += 1
        }
        if running {
            acc =
                acc
                + BusinessCalendar.businessTime(
                    from: Timestamp(millis: runStart), to: Timestamp(millis: t), in: calendar)
        }
        return acc
    }

    /// Customer messages of the cycle written at or before `t`.
    static func messageCount(of concern: Concern, through t: Int64, history: borrowing EntryList) -> Int {
        var n = 0
        var i = concern.start
        while i < concern.end, history[i].at <= t {
            if history[i].kind == .message { n += 1 }
            i += 1
        }
        return n
    }
}
