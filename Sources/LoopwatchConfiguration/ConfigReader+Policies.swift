import LoopwatchCore
import Yams

/// `policies:` — the ordered list of SLA policies: match, calendar, targets, escalations, ignore.
extension ConfigReader {
    mutating func policies(_ node: Node?, calendars: [String: BusinessCalendar], parent: Node) -> PolicySet? {
        guard let node, !isNull(node) else {
            error(parent, .missingKey, "policies: missing (at least one policy is needed)")
            return nil
        }
        guard case .sequence(let seq) = node else {
            error(node, .wrongType, "policies: expected a list of policies")
            return nil
        }
        if seq.isEmpty { error(node, .invalidValue, "policies: at least one policy is needed") }
        var out: [Policy] = []
        var names: Set<String> = []
        var ok = !seq.isEmpty
        for (i, p) in seq.enumerated() {
            guard let policy = self.policy(p, index: i, calendars: calendars) else {
                ok = false
                continue
            }
            if !names.insert(policy.name).inserted {
                error(
                    p, .duplicateName,
                    "policies[\(i)].name: \"\(policy.name)\" is used by an earlier policy; names must be unique")
                ok = false
            }
            out.append(policy)
        }
        return ok ? PolicySet(out) : nil
    }

    mutating func policy(_ node: Node, index i: Int, calendars: [String: BusinessCalendar]) -> Policy? {
        let path = "policies[\(i)]"
        guard let m = mapping(node, path: path, section: .policy) else { return nil }
        func value(_ k: String) -> Node? { m.first { $0.key == k }?.value }
        let errorsBefore = errors.count
        let name =
            required(value("name"), in: node, path: "\(path).name")
            .flatMap { nonEmpty($0, path: "\(path).name") } ?? ""
        var policy = Policy(name: name)
        if let n = value("match"), !isNull(n) { policy.match = match(n, path: "\(path).match") }
        if let n = value("calendar"), let c = string(n, path: "\(path).calendar")?.value {
            policy.calendar = calendar(named: c, at: n, path: "\(path).calendar", calendars: calendars)
        }
        if let n = value("first_response") {
            policy.firstResponse = positiveDuration(n, path: "\(path).first_response")
        }
        if let n = value("next_response") { policy.nextResponse = positiveDuration(n, path: "\(path).next_response") }
        if value("first_response") == nil, value("next_response") == nil {
            error(node, .missingKey, "\(path): needs first_response and/or next_response (the targets)")
        }
        if let n = value("warn_before"), let w = positiveDuration(n, path: "\(path).warn_before") {
            policy.warnBefore = w
            for (metric, target) in [("first_response", policy.firstResponse), ("next_response", policy.nextResponse)] {
                if let target, w >= target {
                    error(n, .invalidValue, "\(path).warn_before: \(w) must be less than \(metric) (\(target))")
                }
            }
        }
        if let n = value("severity"), let s = nonEmpty(n, path: "\(path).severity") { policy.severity = s }
        if let n = value("escalations"), !isNull(n) {
            policy.escalations = escalations(n, path: "\(path).escalations")
        }
        if let n = value("count_automated_replies"), let b = bool(n, path: "\(path).count_automated_replies") {
            policy.countAutomatedReplies = b
        }
        if let n = value("ignore"), !isNull(n), let rules = ignore(n, path: "\(path).ignore") { policy.ignore = rules }
        guard errors.count == errorsBefore else { return nil }
        policy.version = PolicyVersion.of(policy)
        return policy
    }

    /// The calendar a policy names; a calendar declared with errors is not reported again.
    private mutating func calendar(
        named name: String, at node: Node, path: String, calendars: [String: BusinessCalendar]
    ) -> BusinessCalendar? {
        if let calendar = calendars[name] { return calendar }
        if !declaredCalendars.contains(name) {
            let known = calendars.keys.sorted()
            let defined =
                known.isEmpty
                ? " (none are defined under calendars:)" : " (defined: \(known.joined(separator: ", ")))"
            error(node, .unknownCalendar, "\(path): no calendar named \"\(name)\"" + defined)
        }
        return nil
    }

    mutating func match(_ node: Node, path: String) -> PolicyMatch {
        var match = PolicyMatch()
        guard let m = mapping(node, path: path, section: .match) else { return match }
        for (key, _, v) in m {
            switch key {
            case "channel": match.channels = stringList(v, path: "\(path).channel")
            case "tags": match.tags = stringList(v, path: "\(path).tags")
            case "priority":
                guard let list = stringItems(v, path: "\(path).priority") else { break }
                var ps: [InteractionEvent.Priority] = []
                for (s, item) in list {
                    if let p = InteractionEvent.Priority(name: s) {
                        ps.append(p)
                    } else {
                        error(item, .invalidValue, "\(path).priority: \"\(s)\" is not low, normal, high or urgent")
                    }
                }
                match.priorities = ps
            case "attributes":
                guard let attrs = mapping(v, path: "\(path).attributes", allowed: nil) else { break }
                for (k, _, values) in attrs {
                    if let list = stringList(values, path: "\(path).attributes.\(k)") {
                        match.attributes.append((k, list))
                    }
                }
            default: break
            }
        }
        return match
    }

    mutating func escalations(_ node: Node, path: String) -> [Escalation] {
        guard case .sequence(let seq) = node else {
            error(node, .wrongType, "\(path): expected a list of {after, severity}")
            return []
        }
        var out: [Escalation] = []
        for (i, e) in seq.enumerated() {
            let p = "\(path)[\(i)]"
            guard let m = mapping(e, path: p, section: .escalation) else { continue }
            let after = required(m.first { $0.key == "after" }?.value, in: e, path: "\(p).after")
                .flatMap { positiveDuration($0, path: "\(p).after") }
            let severity =
                m.first { $0.key == "severity" }.flatMap { nonEmpty($0.value, path: "\(p).severity") }
                ?? "critical"
            guard let after else { continue }
            if let last = out.last, after <= last.after {
                error(
                    e, .invalidValue,
                    "\(p).after: \(after) must be later than the previous escalation's \(last.after)")
            }
            out.append(Escalation(after: after, severity: severity))
        }
        let levels = ConversationState.Mark.maxEscalationLevels
        if out.count > levels {
            error(node, .invalidValue, "\(path): at most \(levels) escalation levels")
        }
        return out
    }

    /// `ignore:` — `text_matches` patterns, compiled (a bad one is reported at its item).
    mutating func ignore(_ node: Node, path: String) -> IgnoreRules? {
        guard let m = mapping(node, path: path, section: .ignore),
            let t = m.first(where: { $0.key == "text_matches" })?.value,
            let items = stringItems(t, path: "\(path).text_matches")
        else { return nil }
        do {
            return try IgnoreRules(textMatches: items.map(\.value))
        } catch {
            let bad = items.first { $0.value == error.pattern }?.node ?? t
            self.error(
                bad, .invalidRegex,
                "\(path).text_matches: \"\(error.pattern)\" is not a valid POSIX extended regular expression: "
                    + error.message)
            return nil
        }
    }
}
