import LoopwatchCore

/// `data.policy_version`: a hash of a policy as loaded (resolved values, calendar definition
/// included) — formatting, comments, key order and the order of alternatives
/// (`channel: [a, b]` = `[b, a]`, ignore patterns) don't change it.
enum PolicyVersion {
    /// 16 lowercase hex digits.
    static func of(_ p: Policy) -> String {
        func set(_ list: [String]?) -> String { list.map { Set($0).sorted().joined(separator: ",") } ?? "*" }
        var h = StableHash()
        h.combine("name=\(p.name)")
        h.combine("channels=\(set(p.match.channels))")
        h.combine("priorities=\(set(p.match.priorities?.map(\.name)))")
        h.combine("tags=\(set(p.match.tags))")
        for (k, v) in p.match.attributes.sorted(by: { $0.key < $1.key }) { h.combine("attr:\(k)=\(set(v))") }
        h.combine("calendar=\(p.calendar?.canonicalDescription ?? "24x7")")
        let first = p.firstResponse?.millis ?? -1
        let next = p.nextResponse?.millis ?? -1
        h.combine("first=\(first);next=\(next);warn=\(p.warnBefore?.millis ?? -1)")
        h.combine("severity=\(p.severity)")
        for e in p.escalations { h.combine("esc=\(e.after.millis):\(e.severity)") }
        h.combine("automated=\(p.countAutomatedReplies)")
        for t in Set(p.ignore.textMatches).sorted() { h.combine("ignore=\(t)") }
        return StableHash.hex(h.value)
    }
}
