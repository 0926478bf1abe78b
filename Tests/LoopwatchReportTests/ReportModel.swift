import Foundation
import LoopwatchCore
import LoopwatchReport

/// A JSON value, to compare the report's output with the model's expectation.
indirect enum JSON: Equatable, CustomStringConvertible, Decodable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSON])
    case object([String: JSON])
    /// Parses a JSON document. (With `JSONDecoder`: on Linux `JSONSerialization` rounds some
    /// doubles wrongly, e.g. 0.4444444444444444 → 0.44444444444444436.)
    static func parse(_ bytes: [UInt8]) -> JSON { try! JSONDecoder().decode(JSON.self, from: Data(bytes)) }

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let n = try? c.decode(Double.self) {
            self = .number(n)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([JSON].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: JSON].self))
        }
    }

    subscript(_ key: String) -> JSON {
        if case .object(let o) = self { return o[key] ?? .null }
        return .null
    }

    var description: String {
        switch self {
        case .null: "null"
        case .bool(let b): "\(b)"
        case .number(let n): "\(n)"
        case .string(let s): "\"\(s)\""
        case .array(let a): "[" + a.map(\.description).joined(separator: ",") + "]"
        case .object(let o): "{" + o.keys.sorted().map { "\"\($0)\":\(o[$0]!)" }.joined(separator: ",") + "}"
        }
    }
}

/// One good event as the report sees it.
struct ModelEvent {
    var at: Timestamp
    var kind: InteractionEvent.Kind
    var channel: String
    var policy: String?
    var duplicate: Bool
}

/// The slow, obvious reading of SPEC §9: filter, count, sort, look up. Independent of the
/// builder's code paths (Foundation's calendar for the heat map, a counting loop for the ranks).
struct ReportModel {
    var since: Timestamp?
    var until: Timestamp?
    var zone = "UTC"
    var events: [ModelEvent] = []
    var outcomes: [ConcernOutcome] = []
    var alerts: [Alert] = []
    var bad = 0

    func expected() -> JSON {
        let read = events.filter { until == nil || $0.at <= until! }
        let start = since ?? read.map(\.at).min()
        let end = until ?? read.map(\.at).max()
        func inPeriod(_ t: Timestamp) -> Bool { start.map { t >= $0 } ?? true && end.map { t <= $0 } ?? true }
        let counted = read.filter {
            !$0.duplicate && ($0.kind == .broadcast || $0.kind == .response) && inPeriod($0.at)
        }
        let concerns = outcomes.filter { inPeriod($0.concernSince) }
        func stamp(_ t: Timestamp?) -> JSON { t.map { .string(RFC3339.format($0)) } ?? .null }

        func group(events: [ModelEvent], concerns: [ConcernOutcome]) -> JSON {
            let within = concerns.filter { $0.outcome == .answeredWithinTarget }.count
            let late = concerns.filter { $0.outcome == .answeredLate }.count
            let closed = concerns.filter { $0.outcome == .closedUnanswered }.count
            let open = concerns.filter { $0.outcome == .open }
            let overdue = open.filter { o in o.deadline != nil && end != nil && o.deadline! <= end! }.count
            let decided = concerns.count - open.count + overdue
            var status = "no_data"
            var answeredRate = JSON.null
            var withinRate = JSON.null
            if decided > 0 {
                let a = Double(within + late) / Double(decided)
                let w = Double(within) / Double(decided)
                answeredRate = .number(a)
                withinRate = .number(w)
                // In rationals: within / decided ≥ 9 / 10, answered / decided < 1 / 2.
                status =
                    10 * within >= 9 * decided
                    ? "closing_the_loop" : 2 * (within + late) < decided ? "one_way" : "partial"
            }
            func times(_ m: SLAMetric) -> JSON {
                let values = concerns.filter { $0.metric == m && $0.outcome.isAnswered }
                    .map { Double($0.endedAt!.millis - $0.concernSince.millis) / 1000 }.sorted()
                guard !values.isEmpty else { return .null }
                func rank(_ p: Int) -> Double {
                    var k = 1
                    while k * 100 < p * values.count { k += 1 }
                    return values[k - 1]
                }
                return .object([
                    "count": .number(Double(values.count)), "p50": .number(rank(50)), "p90": .number(rank(90)),
                    "p99": .number(rank(99)), "max": .number(values.last!),
                ])
            }
            return .object([
                "status": .string(status),
                "broadcasts": .number(Double(events.filter { $0.kind == .broadcast }.count)),
                "customer_messages": .number(Double(events.filter { $0.kind == .response }.count)),
                "concerns": .number(Double(concerns.count)), "answered_within_target": .number(Double(within)),
                "answered_late": .number(Double(late)), "closed_unanswered": .number(Double(closed)),
                "open": .number(Double(open.count)), "open_overdue": .number(Double(overdue)),
                "answered_rate": answeredRate, "within_target_rate": withinRate,
                "first_response_seconds": times(.firstResponse), "next_response_seconds": times(.nextResponse),
            ])
        }

        var channels: [String: JSON] = [:]
        for name in Set(counted.map(\.channel) + concerns.map(\.channel)) {
            channels[name] = group(
                events: counted.filter { $0.channel == name }, concerns: concerns.filter { $0.channel == name })
        }
        var policies: [String: JSON] = [:]
        for name in Set(counted.compactMap(\.policy) + concerns.map(\.policyName)) {
            policies[name] = group(
                events: counted.filter { $0.policy == name }, concerns: concerns.filter { $0.policyName == name })
        }

        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: zone)!
        var heat = Array(repeating: Array(repeating: 0, count: 24), count: 7)
        for a in alerts where a.kind == .breached && inPeriod(a.time) {
            let date = Date(timeIntervalSince1970: Double(a.time.millis) / 1000)
            let c = calendar.dateComponents([.weekday, .hour], from: date)
            heat[(c.weekday! + 5) % 7][c.hour!] += 1  // weekday 1 is Sunday
        }

        let open = concerns.filter { $0.outcome == .open }.sorted {
            $0.concernSince != $1.concernSince
                ? $0.concernSince < $1.concernSince
                : Array($0.conversationID.utf8).lexicographicallyPrecedes(Array($1.conversationID.utf8))
        }
        let longest: [JSON] = open.prefix(20).map {
            .object([
                "conversation_id": .string($0.conversationID), "channel": .string($0.channel),
                "policy": .string($0.policyName), "metric": .string($0.metric.name),
                "concern_since": stamp($0.concernSince), "deadline": stamp($0.deadline),
                "unanswered_count": .number(Double($0.unansweredCount)),
            ])
        }
        return .object([
            "period": .object(["since": stamp(start), "until": stamp(end)]),
            "bad_events": .number(Double(bad)),
            "overall": group(events: counted, concerns: concerns),
            "channels": .object(channels), "policies": .object(policies),
            "breaches_by_hour_of_week": .array(heat.map { .array($0.map { .number(Double($0)) }) }),
            "longest_open": .array(longest),
        ])
    }

    /// The builder fed with the same inputs (events and ended outcomes interleaved as a run
    /// would, open ones at the end).
    func built(policyNames: [String] = []) throws -> SocialStatus {
        let options = try SocialStatusReport.Options(
            since: since, until: until, timeZone: ReportTimeZone(identifier: zone), policyNames: policyNames)
        var r = SocialStatusReport(options: options)
        for _ in 0..<bad { r.recordBadEvent() }
        for e in events {
            r.recordEvent(occurredAt: e.at, kind: e.kind, channel: e.channel, policy: e.policy, duplicate: e.duplicate)
        }
        for o in outcomes where o.outcome != .open { r.record(o) }
        for a in alerts { r.record(alert: a) }
        for o in outcomes where o.outcome == .open { r.record(o) }
        return r.status()
    }
}

extension Alert {
    /// A bare alert of `kind` at `time` (what the heat map reads).
    static func bare(_ kind: Kind, at time: Timestamp, conversation: String = "c") -> Alert {
        Alert(
            id: "\(conversation)-\(time.millis)", kind: kind, conversationID: conversation, metric: .firstResponse,
            policyName: "p", policyVersion: "", level: 0, severity: "high", channel: "twitter", priority: .normal,
            concernSince: time, deadline: time, time: time, targetSeconds: 0, elapsedSeconds: 0, unansweredCount: 1,
            lastCustomerText: nil, detectedLate: false)
    }
}
