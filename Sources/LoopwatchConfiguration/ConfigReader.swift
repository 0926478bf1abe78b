import Foundation
import LoopwatchCore
import Yams

/// Walks the YAML node tree, collecting every error with its position.
struct ConfigReader {
    /// Accepted keys per section (`<name>` and `[]` mark maps and lists).
    static let schema: [(String, [String])] = [
        ("kafka", ["bootstrap_servers", "group_id", "input_topics", "alert_topic", "state_topic", "dead_letter_topic", "properties"]),
        ("processing", ["commit_interval", "allowed_lateness", "state_ttl", "max_event_bytes", "max_future_skew", "guarantee"]),
        ("metrics", ["listen"]),
        ("calendars.<name>", ["timezone", "weekly", "holidays"]),
        ("policies[]", ["name", "match", "calendar", "first_response", "next_response", "warn_before", "severity", "escalations", "count_automated_replies", "ignore"]),
        ("policies[].match", ["channel", "priority", "tags", "attributes"]),
        ("policies[].escalations[]", ["after", "severity"]),
        ("policies[].ignore", ["text_matches"]),
    ]
    static let rootKeys = ["kafka", "processing", "metrics", "calendars", "policies"]

    static func keys(_ section: String) -> [String] { schema.first { $0.0 == section }!.1 }

    let file: String
    let environment: [String: String]
    let readFile: (String) throws -> String
    var errors: [ConfigError] = []
    /// Every non-empty value substituted so far, and every string that contains one: never shown.
    var substitutedValues: Set<String> = []
    /// Names under `calendars:`, including those with errors (a policy naming one of those is
    /// not told the calendar doesn't exist: the calendar's own error says what is wrong).
    var declaredCalendars: Set<String> = []

    init(file: String, environment: [String: String], readFile: @escaping (String) throws -> String) {
        self.file = file
        self.environment = environment
        self.readFile = readFile
    }

    // MARK: The document

    mutating func config(_ root: Node?) -> LoopwatchConfig? {
        guard let root else {
            error(nil, "empty", "the configuration is empty; it needs at least kafka and policies")
            return nil
        }
        guard let top = mapping(root, path: "", allowed: Self.rootKeys) else { return nil }
        func section(_ k: String) -> Node? { top.first { $0.key == k }?.value }

        var kafka = self.kafka(section("kafka"), parent: root)
        let processing = self.processing(section("processing"))
        let metrics = self.metrics(section("metrics"))
        let calendars = self.calendars(section("calendars"))
        let policies = self.policies(section("policies"), calendars: calendars, parent: root)
        guard let k = kafka, let policies else { return nil }
        kafka = k
        return LoopwatchConfig(kafka: k, processing: processing, metrics: metrics, calendars: calendars, policies: policies)
    }

    mutating func kafka(_ node: Node?, parent: Node) -> LoopwatchConfig.Kafka? {
        guard let node else {
            error(parent, "missing_key", "kafka: missing (needs at least bootstrap_servers and input_topics)")
            return nil
        }
        guard let m = mapping(node, path: "kafka", allowed: Self.keys("kafka")) else { return nil }
        func value(_ k: String) -> Node? { m.first { $0.key == k }?.value }
        var ok = true
        let bootstrap = required(value("bootstrap_servers"), in: node, path: "kafka.bootstrap_servers").flatMap { nonEmpty($0, path: "kafka.bootstrap_servers") }
        if bootstrap == nil { ok = false }
        var inputs: [String] = []
        if let n = value("input_topics") {
            if let list = stringList(n, path: "kafka.input_topics") {
                if list.isEmpty { error(n, "invalid_value", "kafka.input_topics: at least one topic is needed"); ok = false }
                inputs = list
            } else { ok = false }
        } else {
            error(node, "missing_key", "kafka.input_topics: missing (the topics to consume)")
            ok = false
        }
        var k = LoopwatchConfig.Kafka(bootstrapServers: bootstrap ?? "", inputTopics: inputs)
        if let n = value("group_id"), let s = nonEmpty(n, path: "kafka.group_id") { k.groupID = s }
        if let n = value("alert_topic"), let s = nonEmpty(n, path: "kafka.alert_topic") { k.alertTopic = s }
        if let n = value("state_topic"), let s = nonEmpty(n, path: "kafka.state_topic") { k.stateTopic = s }
        if let n = value("dead_letter_topic"), let s = nonEmpty(n, path: "kafka.dead_letter_topic") { k.deadLetterTopic = s }
        // Each topic with the key that names it (a default one is reported at `kafka:`).
        let roles: [(topic: String, key: String)] = inputs.map { ($0, "input_topics") }
            + [(k.stateTopic, "state_topic"), (k.alertTopic, "alert_topic"), (k.deadLetterTopic, "dead_letter_topic")]
        var seen: [String: String] = [:]
        for (topic, key) in roles {
            if let earlier = seen[topic] {
                let by = earlier == key ? "twice in kafka.\(key)" : "as kafka.\(earlier) and as kafka.\(key)\(value(key) == nil ? " (its default)" : "")"
                error(value(key) ?? node, "invalid_value", "kafka.\(key): topic \"\(topic)\" is used \(by); the input, state, alert and dead-letter topics must all be different")
                ok = false
            } else {
                seen[topic] = key
            }
        }
        if let n = value("properties"), !isNull(n) {
            if let props = mapping(n, path: "kafka.properties", allowed: nil) {
                for (key, _, v) in props {
                    if isNull(v) {
                        error(v, "invalid_value", "kafka.properties.\(key): no value (give one, or remove the key to keep librdkafka's default)")
                        continue
                    }
                    guard let s = scalarText(v, path: "kafka.properties.\(key)") else { continue }
                    k.properties[key] = s.value
                    if s.substituted || Self.looksSecret(key) { k.secretKeys.insert(key) }
                }
            }
        }
        return ok ? k : nil
    }

    static func looksSecret(_ key: String) -> Bool {
        let k = key.lowercased()
        return ["password", "secret", "token", "sasl.jaas.config", "ssl.key", "sasl.oauthbearer.config"].contains { k.contains($0) }
    }

    mutating func processing(_ node: Node?) -> LoopwatchConfig.Processing {
        var p = LoopwatchConfig.Processing()
        guard let node, !isNull(node), let m = mapping(node, path: "processing", allowed: Self.keys("processing")) else { return p }
        for (key, _, v) in m {
            let path = "processing.\(key)"
            switch key {
            case "commit_interval": if let d = positiveDuration(v, path: path) { p.commitInterval = d }
            case "allowed_lateness": if let d = duration(v, path: path) { p.allowedLateness = d }
            case "state_ttl": if let d = duration(v, path: path) { p.stateTTL = d }
            case "max_future_skew": if let d = duration(v, path: path) { p.maxFutureSkew = d }
            case "max_event_bytes":
                if let n = int(v, path: path) {
                    if n < 64 || n > 100 * 1024 * 1024 {
                        error(v, "invalid_value", "\(path): \(n) is out of range (64 … 104857600 bytes)")
                    } else {
                        p.maxEventBytes = n
                    }
                }
            case "guarantee":
                if let s = string(v, path: path)?.value {
                    if let g = LoopwatchConfig.ProcessingGuarantee(rawValue: s) { p.guarantee = g } else {
                        error(v, "invalid_value", "\(path): \"\(s)\" is not exactly_once or at_least_once")
                    }
                }
            default: break
            }
        }
        return p
    }

    mutating func metrics(_ node: Node?) -> LoopwatchConfig.Metrics {
        var m = LoopwatchConfig.Metrics()
        guard let node, !isNull(node), let map = mapping(node, path: "metrics", allowed: Self.keys("metrics")) else { return m }
        if let v = map.first(where: { $0.key == "listen" })?.value {
            if isNull(v) { m.listen = nil; return m }
            guard let s = string(v, path: "metrics.listen")?.value else { return m }
            if s == "off" || s == "false" || s == "none" { m.listen = nil; return m }
            if let colon = s.lastIndex(of: ":"), let port = Int(s[s.index(after: colon)...]), (1...65535).contains(port), colon != s.startIndex {
                m.listen = s
            } else {
                error(v, "invalid_value", "metrics.listen: \"\(s)\" is not host:port (or off)")
            }
        }
        return m
    }

    // MARK: Calendars

    mutating func calendars(_ node: Node?) -> [String: BusinessCalendar] {
        var out: [String: BusinessCalendar] = [:]
        guard let node, !isNull(node), let m = mapping(node, path: "calendars", allowed: nil) else { return out }
        for (name, _, v) in m {
            declaredCalendars.insert(name)
            if let c = calendar(name: name, v) { out[name] = c }
        }
        return out
    }

    mutating func calendar(name: String, _ node: Node) -> BusinessCalendar? {
        let path = "calendars.\(name)"
        guard let m = mapping(node, path: path, allowed: Self.keys("calendars.<name>")) else { return nil }
        func value(_ k: String) -> Node? { m.first { $0.key == k }?.value }
        var ok = true
        let tzNode = required(value("timezone"), in: node, path: "\(path).timezone")
        let tz = tzNode.flatMap { string($0, path: "\(path).timezone")?.value }
        if let tz, TimeZone(identifier: tz) == nil {
            error(tzNode, "invalid_value", "\(path).timezone: \"\(tz)\" is not an IANA time zone (e.g. Asia/Qatar, America/New_York)")
            ok = false
        }
        var weekly = Array(repeating: [BusinessCalendar.Interval](), count: 7)
        if let w = required(value("weekly"), in: node, path: "\(path).weekly"), let days = mapping(w, path: "\(path).weekly", allowed: nil) {
            for (spec, keyNode, intervals) in days {
                guard let dayIndexes = Self.days(spec) else {
                    error(keyNode, "invalid_value", "\(path).weekly: \"\(spec)\" is not a day or day range (mon … sun, e.g. mon-fri, sun-thu, sat,sun)")
                    ok = false
                    continue
                }
                guard let list = stringItems(intervals, path: "\(path).weekly.\(spec)") else { ok = false; continue }
                for (text, item) in list {
                    guard let interval = Self.interval(text) else {
                        error(item, "invalid_value", "\(path).weekly.\(spec): \"\(text)\" is not an interval HH:MM-HH:MM with start before end (end may be 24:00)")
                        ok = false
                        continue
                    }
                    for d in dayIndexes { weekly[d].append(interval) }
                }
            }
            if ok, weekly.allSatisfy(\.isEmpty) {
                error(w, "invalid_value", "\(path).weekly: no business hours at all — deadlines would never be reached")
                ok = false
            }
        } else { ok = false }
        var holidays: Set<Int64> = []
        if let h = value("holidays"), !isNull(h), let list = stringItems(h, path: "\(path).holidays") {
            for (d, item) in list {
                if let day = Self.date(d) { holidays.insert(day) } else {
                    error(item, "invalid_value", "\(path).holidays: \"\(d)\" is not a date YYYY-MM-DD")
                    ok = false
                }
            }
        }
        guard ok, let tz else { return nil }
        return BusinessCalendar(name: name, timeZone: tz, weekly: weekly, holidays: holidays)
    }

    static let dayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
    static let fullDayNames = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]

    /// `mon` or `monday` (any case) → weekday index (0 = Sunday); nil for anything else (`mondo`).
    static func day(_ name: Substring) -> Int? {
        let n = name.trimmingCharacters(in: .whitespaces).lowercased()
        return dayNames.firstIndex(of: n) ?? fullDayNames.firstIndex(of: n)
    }

    /// `mon`, `sun-thu`, `fri-mon` (wraps), `sat,sun`, `mon-wed,fri`, `monday-friday` → weekday
    /// indexes (0 = Sunday).
    static func days(_ spec: String) -> [Int]? {
        var out: [Int] = []
        for part in spec.split(separator: ",", omittingEmptySubsequences: false) {
            let ends = part.split(separator: "-", omittingEmptySubsequences: false)
            guard (1...2).contains(ends.count), let a = day(ends[0]), let b = day(ends[ends.count - 1]) else { return nil }
            var d = a
            while true {
                out.append(d)
                if d == b { break }
                d = (d + 1) % 7
            }
        }
        return out.isEmpty ? nil : out
    }

    /// `08:00-13:00` → minutes; end may be `24:00`.
    static func interval(_ text: String) -> BusinessCalendar.Interval? {
        let parts = text.replacingOccurrences(of: " ", with: "").split(separator: "-").map(String.init)
        guard parts.count == 2, let s = minutes(parts[0]), let e = minutes(parts[1]), s < e else { return nil }
        return .init(start: s, end: e)
    }

    static func minutes(_ hhmm: String) -> Int? {
        let p = hhmm.split(separator: ":")
        guard p.count == 2, p[0].count <= 2, p[1].count == 2, let h = Int(p[0]), let m = Int(p[1]), (0...59).contains(m) else { return nil }
        let total = h * 60 + m
        return (0...1440).contains(total) ? total : nil
    }

    /// `YYYY-MM-DD` → days since 1970-01-01.
    static func date(_ text: String) -> Int64? {
        let p = text.split(separator: "-")
        guard p.count == 3, p[0].count == 4, p[1].count == 2, p[2].count == 2, let y = Int64(p[0]), let m = Int64(p[1]), let d = Int64(p[2]),
            (1...12).contains(m), d >= 1
        else { return nil }
        let days = RFC3339.days(year: y, month: m, day: d)
        guard RFC3339.civil(fromDays: days) == (y, m, d) else { return nil }
        return days
    }

    // MARK: Policies

    mutating func policies(_ node: Node?, calendars: [String: BusinessCalendar], parent: Node) -> PolicySet? {
        guard let node, !isNull(node) else {
            error(parent, "missing_key", "policies: missing (at least one policy is needed)")
            return nil
        }
        guard case .sequence(let seq) = node else {
            error(node, "wrong_type", "policies: expected a list of policies")
            return nil
        }
        if seq.isEmpty { error(node, "invalid_value", "policies: at least one policy is needed") }
        var out: [Policy] = []
        var names: [String: Node] = [:]
        var ok = !seq.isEmpty
        for (i, p) in seq.enumerated() {
            guard let policy = self.policy(p, index: i, calendars: calendars) else { ok = false; continue }
            if names[policy.name] != nil {
                error(p, "duplicate_name", "policies[\(i)].name: \"\(policy.name)\" is used by an earlier policy; names must be unique")
                ok = false
            }
            names[policy.name] = p
            out.append(policy)
        }
        return ok ? PolicySet(out) : nil
    }

    mutating func policy(_ node: Node, index i: Int, calendars: [String: BusinessCalendar]) -> Policy? {
        let path = "policies[\(i)]"
        guard let m = mapping(node, path: path, allowed: Self.keys("policies[]")) else { return nil }
        func value(_ k: String) -> Node? { m.first { $0.key == k }?.value }
        let errorsBefore = errors.count
        let name = required(value("name"), in: node, path: "\(path).name").flatMap { nonEmpty($0, path: "\(path).name") } ?? ""
        var policy = Policy(name: name)
        if let n = value("match"), !isNull(n) { policy.match = match(n, path: "\(path).match") }
        if let n = value("calendar"), let c = string(n, path: "\(path).calendar")?.value {
            if let cal = calendars[c] { policy.calendar = cal } else if !declaredCalendars.contains(c) {
                let known = calendars.keys.sorted()
                error(n, "unknown_calendar", "\(path).calendar: no calendar named \"\(c)\"" + (known.isEmpty ? " (none are defined under calendars:)" : " (defined: \(known.joined(separator: ", ")))"))
            }
        }
        if let n = value("first_response") { policy.firstResponse = positiveDuration(n, path: "\(path).first_response") }
        if let n = value("next_response") { policy.nextResponse = positiveDuration(n, path: "\(path).next_response") }
        if value("first_response") == nil, value("next_response") == nil {
            error(node, "missing_key", "\(path): needs first_response and/or next_response (the targets)")
        }
        if let n = value("warn_before") {
            if let w = positiveDuration(n, path: "\(path).warn_before") {
                policy.warnBefore = w
                for (metric, target) in [("first_response", policy.firstResponse), ("next_response", policy.nextResponse)] {
                    if let target, w >= target {
                        error(n, "invalid_value", "\(path).warn_before: \(w) must be less than \(metric) (\(target))")
                    }
                }
            }
        }
        if let n = value("severity"), let s = nonEmpty(n, path: "\(path).severity") { policy.severity = s }
        if let n = value("escalations"), !isNull(n) { policy.escalations = escalations(n, path: "\(path).escalations") }
        if let n = value("count_automated_replies"), let b = bool(n, path: "\(path).count_automated_replies") { policy.countAutomatedReplies = b }
        if let n = value("ignore"), !isNull(n), let im = mapping(n, path: "\(path).ignore", allowed: Self.keys("policies[].ignore")) {
            if let t = im.first(where: { $0.key == "text_matches" })?.value, let items = stringItems(t, path: "\(path).ignore.text_matches") {
                do {
                    policy.ignore = try IgnoreRules(textMatches: items.map(\.value))
                } catch {
                    let bad = items.first { $0.value == error.pattern }?.node ?? t
                    self.error(bad, "invalid_regex", "\(path).ignore.text_matches: \"\(error.pattern)\" is not a valid POSIX extended regular expression: \(error.message)")
                }
            }
        }
        guard errors.count == errorsBefore else { return nil }
        policy.version = Self.version(of: policy)
        return policy
    }

    mutating func match(_ node: Node, path: String) -> PolicyMatch {
        var match = PolicyMatch()
        guard let m = mapping(node, path: path, allowed: Self.keys("policies[].match")) else { return match }
        for (key, _, v) in m {
            switch key {
            case "channel": match.channels = stringList(v, path: "\(path).channel")
            case "tags": match.tags = stringList(v, path: "\(path).tags")
            case "priority":
                if let list = stringItems(v, path: "\(path).priority") {
                    var ps: [InteractionEvent.Priority] = []
                    for (s, item) in list {
                        if let p = InteractionEvent.Priority(name: s) { ps.append(p) } else {
                            error(item, "invalid_value", "\(path).priority: \"\(s)\" is not low, normal, high or urgent")
                        }
                    }
                    match.priorities = ps
                }
            case "attributes":
                if let attrs = mapping(v, path: "\(path).attributes", allowed: nil) {
                    for (k, _, values) in attrs {
                        if let list = stringList(values, path: "\(path).attributes.\(k)") { match.attributes.append((k, list)) }
                    }
                }
            default: break
            }
        }
        return match
    }

    mutating func escalations(_ node: Node, path: String) -> [Escalation] {
        guard case .sequence(let seq) = node else {
            error(node, "wrong_type", "\(path): expected a list of {after, severity}")
            return []
        }
        var out: [Escalation] = []
        for (i, e) in seq.enumerated() {
            let p = "\(path)[\(i)]"
            guard let m = mapping(e, path: p, allowed: Self.keys("policies[].escalations[]")) else { continue }
            let after = required(m.first { $0.key == "after" }?.value, in: e, path: "\(p).after").flatMap { positiveDuration($0, path: "\(p).after") }
            let severity = m.first { $0.key == "severity" }.flatMap { nonEmpty($0.value, path: "\(p).severity") } ?? "critical"
            guard let after else { continue }
            if let last = out.last, after <= last.after {
                error(e, "invalid_value", "\(p).after: \(after) must be later than the previous escalation's \(last.after)")
            }
            out.append(Escalation(after: after, severity: severity))
        }
        if out.count > ConversationState.Mark.maxEscalationLevels {
            error(node, "invalid_value", "\(path): at most \(ConversationState.Mark.maxEscalationLevels) escalation levels")
        }
        return out
    }

    /// `policy_version`: a hash of the policy as loaded (resolved values, calendar definition
    /// included) — formatting, comments, key order and the order of alternatives
    /// (`channel: [a, b]` = `[b, a]`, ignore patterns) don't change it.
    static func version(of p: Policy) -> String {
        func set(_ list: [String]?) -> String { list.map { Set($0).sorted().joined(separator: ",") } ?? "*" }
        var h = StableHash()
        h.combine("name=\(p.name)")
        h.combine("channels=\(set(p.match.channels))")
        h.combine("priorities=\(set(p.match.priorities?.map(\.name)))")
        h.combine("tags=\(set(p.match.tags))")
        for (k, v) in p.match.attributes.sorted(by: { $0.key < $1.key }) { h.combine("attr:\(k)=\(set(v))") }
        h.combine("calendar=\(p.calendar?.canonicalDescription ?? "24x7")")
        h.combine("first=\(p.firstResponse?.millis ?? -1);next=\(p.nextResponse?.millis ?? -1);warn=\(p.warnBefore?.millis ?? -1)")
        h.combine("severity=\(p.severity)")
        for e in p.escalations { h.combine("esc=\(e.after.millis):\(e.severity)") }
        h.combine("automated=\(p.countAutomatedReplies)")
        for t in Set(p.ignore.textMatches).sorted() { h.combine("ignore=\(t)") }
        return StableHash.hex(h.value)
    }

    // MARK: Scalars

    func position(_ node: Node?) -> (Int, Int) {
        guard let mark = node?.mark else { return (1, 1) }
        return (mark.line, mark.column)
    }

    mutating func error(_ node: Node?, _ code: String, _ message: String) {
        let (line, column) = position(node)
        errors.append(ConfigError(file: file, line: line, column: column, code: code, message: redacted(message)))
    }

    /// `message` with every substituted value (from `${file:}` / `${env:}`) replaced: a secret
    /// that fails validation (`first_response: ${file:…}`) must not be echoed. Values shorter
    /// than 3 characters are left alone (they are no secret, and would garble the message).
    func redacted(_ message: String) -> String {
        var m = message
        for v in substitutedValues.sorted(by: { $0.count > $1.count }) where v.count >= 3 && m.contains(v) {
            m = m.replacingOccurrences(of: v, with: "<substituted value>")
        }
        return m
    }

    func isNull(_ node: Node) -> Bool {
        guard case .scalar(let s) = node, s.style == .plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(s.string)
    }

    mutating func required(_ node: Node?, in parent: Node, path: String) -> Node? {
        guard let node, !isNull(node) else {
            error(parent, "missing_key", "\(path): missing")
            return nil
        }
        return node
    }

    /// The keys of a mapping; unknown keys (when `allowed` is given) are reported.
    mutating func mapping(_ node: Node, path: String, allowed: [String]?) -> [(key: String, keyNode: Node, value: Node)]? {
        guard case .mapping(let m) = node else {
            error(node, "wrong_type", "\(path.isEmpty ? "the configuration" : path): expected a mapping of keys to values")
            return nil
        }
        var out: [(String, Node, Node)] = []
        for (k, v) in m {
            guard case .scalar(let ks) = k else {
                error(k, "wrong_type", "\(path): keys must be plain strings")
                continue
            }
            let key = ks.string
            if let allowed, !allowed.contains(key) {
                let full = path.isEmpty ? key : "\(path).\(key)"
                let hint = Self.suggestion(for: key, among: allowed).map { " — did you mean \"\($0)\"?" } ?? " (allowed: \(allowed.joined(separator: ", ")))"
                error(k, "unknown_key", "\(full): unknown key\(hint)")
                continue
            }
            out.append((key, k, v))
        }
        return out
    }

    /// A string scalar, with `${file:…}` / `${env:…}` substituted; `substituted` marks secrets.
    mutating func string(_ node: Node, path: String) -> (value: String, substituted: Bool)? {
        guard case .scalar(let s) = node else {
            error(node, "wrong_type", "\(path): expected a string")
            return nil
        }
        return substitute(s.string, node: node, path: path)
    }

    /// Any scalar as text (numbers and booleans too), substituted.
    mutating func scalarText(_ node: Node, path: String) -> (value: String, substituted: Bool)? {
        string(node, path: path)
    }

    mutating func nonEmpty(_ node: Node, path: String) -> String? {
        guard let s = string(node, path: path)?.value else { return nil }
        if s.isEmpty {
            error(node, "invalid_value", "\(path): must not be empty")
            return nil
        }
        return s
    }

    mutating func stringList(_ node: Node, path: String) -> [String]? {
        stringItems(node, path: path)?.map(\.value)
    }

    /// A string or list of strings, each with its node (so errors point at the bad item).
    mutating func stringItems(_ node: Node, path: String) -> [(value: String, node: Node)]? {
        switch node {
        case .scalar: return string(node, path: path).map { [($0.value, node)] }
        case .sequence(let seq):
            var out: [(String, Node)] = []
            for item in seq {
                guard let s = string(item, path: path) else { return nil }
                out.append((s.value, item))
            }
            return out
        default:
            error(node, "wrong_type", "\(path): expected a string or a list of strings")
            return nil
        }
    }

    mutating func duration(_ node: Node, path: String) -> TimeSpan? {
        guard let s = string(node, path: path)?.value else { return nil }
        guard let d = TimeSpan.parse(s) else {
            error(node, "invalid_duration", "\(path): invalid duration \"\(s)\" (use a number followed by ms, s, m, h or d, e.g. 15m)")
            return nil
        }
        return d
    }

    mutating func positiveDuration(_ node: Node, path: String) -> TimeSpan? {
        guard let d = duration(node, path: path) else { return nil }
        if d.millis <= 0 {
            error(node, "invalid_duration", "\(path): must be greater than 0")
            return nil
        }
        return d
    }

    mutating func int(_ node: Node, path: String) -> Int? {
        guard let s = string(node, path: path)?.value else { return nil }
        guard let n = Int(s) else {
            error(node, "wrong_type", "\(path): \"\(s)\" is not a whole number")
            return nil
        }
        return n
    }

    mutating func bool(_ node: Node, path: String) -> Bool? {
        guard let s = string(node, path: path)?.value else { return nil }
        switch s.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            error(node, "wrong_type", "\(path): \"\(s)\" is not true or false")
            return nil
        }
    }

    /// `${file:PATH}`, `${env:NAME}`, `$${` → `${`. Errors never include substituted values.
    mutating func substitute(_ text: String, node: Node, path: String) -> (value: String, substituted: Bool)? {
        guard text.contains("${") else { return (text, false) }
        var out = ""
        var substituted = false
        var rest = Substring(text)
        while let r = rest.range(of: "${") {
            if r.lowerBound > rest.startIndex, rest[rest.index(before: r.lowerBound)] == "$" {
                out += rest[..<rest.index(before: r.lowerBound)] + "${"
                rest = rest[r.upperBound...]
                continue
            }
            out += rest[..<r.lowerBound]
            guard let close = rest[r.upperBound...].firstIndex(of: "}") else {
                error(node, "invalid_substitution", "\(path): unterminated ${…}")
                return nil
            }
            let reference = String(rest[r.upperBound..<close])
            rest = rest[rest.index(after: close)...]
            if reference.hasPrefix("env:") {
                let name = String(reference.dropFirst(4))
                guard let v = environment[name] else {
                    error(node, "missing_env", "\(path): environment variable \(name) is not set")
                    return nil
                }
                out += v
                if !v.isEmpty { substitutedValues.insert(v) }
            } else if reference.hasPrefix("file:") {
                let file = String(reference.dropFirst(5))
                do {
                    var v = try readFile(file)
                    if v.hasSuffix("\n") { v.removeLast() }
                    out += v
                    if !v.isEmpty { substitutedValues.insert(v) }
                } catch {
                    self.error(node, "missing_file", "\(path): cannot read \(file)")
                    return nil
                }
            } else {
                error(node, "invalid_substitution", "\(path): unknown substitution ${\(reference.prefix(20))}; use ${file:PATH} or ${env:NAME}")
                return nil
            }
            substituted = true
        }
        out += rest
        if substituted, !out.isEmpty { substitutedValues.insert(out) }
        return (out, substituted)
    }

    static func suggestion(for key: String, among candidates: [String]) -> String? {
        let scored = candidates.map { ($0, distance(key, $0)) }.min { $0.1 < $1.1 }
        guard let best = scored, best.1 <= max(2, key.count / 3) else { return nil }
        return best.0
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var prev = row[0]
            row[0] = i
            for j in 1...max(b.count, 1) where !b.isEmpty {
                let cur = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] == b[j - 1] ? 0 : 1))
                prev = cur
            }
        }
        return a.isEmpty ? b.count : row[b.count]
    }
}
