import LoopwatchCore
import Yams

/// `processing:` — commit interval, lateness, state TTL, event limits, the guarantee.
extension ConfigReader {
    mutating func processing(_ node: Node?) -> LoopwatchConfig.Processing {
        var p = LoopwatchConfig.Processing()
        guard let node, !isNull(node), let m = mapping(node, path: "processing", section: .processing) else {
            return p
        }
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
                        error(v, .invalidValue, "\(path): \(n) is out of range (64 … 104857600 bytes)")
                    } else {
                        p.maxEventBytes = n
                    }
                }
            case "guarantee":
                if let s = string(v, path: path)?.value {
                    if let g = LoopwatchConfig.ProcessingGuarantee(rawValue: s) {
                        p.guarantee = g
                    } else {
                        error(v, .invalidValue, "\(path): \"\(s)\" is not exactly_once or at_least_once")
                    }
                }
            default: break
            }
        }
        return p
    }
}
