import LoopwatchCore

/// Running counts of one group while a report is built; the response times are kept (sorted at
/// the end for percentiles), everything else is a counter.
struct GroupTally: Sendable {
    var figures = GroupStatus()
    var firstResponseMillis: [Int64] = []
    var nextResponseMillis: [Int64] = []

    mutating func count(event kind: InteractionEvent.Kind) {
        switch kind {
        case .broadcast: figures.broadcasts += 1
        case .response: figures.customerMessages += 1
        case .acknowledgement, .status: break
        }
    }

    /// Adds one concern of the period; `overdue` says whether an open one's deadline has passed.
    mutating func count(_ o: ConcernOutcome, overdue: Bool) {
        figures.concerns += 1
        switch o.outcome {
        case .answeredWithinTarget: figures.answeredWithinTarget += 1
        case .answeredLate: figures.answeredLate += 1
        case .closedUnanswered: figures.closedUnanswered += 1
        case .open:
            figures.open += 1
            if overdue { figures.openOverdue += 1 }
        }
        if let t = o.responseTime {
            if o.metric == .firstResponse {
                firstResponseMillis.append(t.millis)
            } else {
                nextResponseMillis.append(t.millis)
            }
        }
    }

    /// The group's figures with its percentiles.
    func status() -> GroupStatus {
        var g = figures
        g.firstResponse = ResponseTimeSummary(sortedMillis: firstResponseMillis.sorted())
        g.nextResponse = ResponseTimeSummary(sortedMillis: nextResponseMillis.sorted())
        return g
    }
}

/// Per-day counts behind the daily trend (concerns by the local day of `concern_since`).
struct DayTally: Sendable {
    var decided = 0
    var answered = 0
    var withinTarget = 0
}
