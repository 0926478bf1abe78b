import LoopwatchCore
import Yams

/// `metrics:` — where the HTTP endpoint listens (or `off`).
extension ConfigReader {
    mutating func metrics(_ node: Node?) -> LoopwatchConfig.Metrics {
        var m = LoopwatchConfig.Metrics()
        guard let node, !isNull(node), let map = mapping(node, path: "metrics", section: .metrics) else { return m }
        guard let v = map.first(where: { $0.key == "listen" })?.value else { return m }
        if isNull(v) {
            m.listen = nil
            return m
        }
        guard let s = string(v, path: "metrics.listen")?.value else { return m }
        if s == "off" || s == "false" || s == "none" {
            m.listen = nil
        } else if Self.isHostPort(s) {
            m.listen = s
        } else {
            error(v, .invalidValue, "metrics.listen: \"\(s)\" is not host:port (or off)")
        }
        return m
    }

    /// `host:port` with a non-empty host and a port in 1…65535.
    static func isHostPort(_ s: String) -> Bool {
        guard let colon = s.lastIndex(of: ":"), colon != s.startIndex,
            let port = Int(s[s.index(after: colon)...])
        else { return false }
        return (1...65535).contains(port)
    }
}
