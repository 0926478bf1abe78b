import LoopwatchCore
import Yams

/// Scalars: strings (substituted), lists of strings, durations, numbers, booleans. Each reports
/// its own errors at the node and returns nil for a bad value.
extension ConfigReader {
    /// A scalar as text (numbers and booleans too), with `${file:…}` / `${env:…}` substituted
    /// (or, unless `resolving`, only checked); `substituted` marks secrets.
    mutating func string(_ node: Node, path: String, resolving: Bool = true) -> (value: String, substituted: Bool)? {
        guard case .scalar(let s) = node else {
            error(node, .wrongType, "\(path): expected a string")
            return nil
        }
        do {
            return try substitution.resolve(s.string, resolving: resolving)
        } catch {
            self.error(node, error.code, "\(path): \(error.message)")
            return nil
        }
    }

    mutating func nonEmpty(_ node: Node, path: String) -> String? {
        guard let s = string(node, path: path)?.value else { return nil }
        if s.isEmpty {
            error(node, .invalidValue, "\(path): must not be empty")
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
            error(node, .wrongType, "\(path): expected a string or a list of strings")
            return nil
        }
    }

    mutating func duration(_ node: Node, path: String) -> TimeSpan? {
        guard let s = string(node, path: path)?.value else { return nil }
        guard let d = TimeSpan.parse(s) else {
            error(
                node, .invalidDuration,
                "\(path): invalid duration \"\(s)\" (use a number followed by ms, s, m, h or d, e.g. 15m)")
            return nil
        }
        return d
    }

    mutating func positiveDuration(_ node: Node, path: String) -> TimeSpan? {
        guard let d = duration(node, path: path) else { return nil }
        if d.millis <= 0 {
            error(node, .invalidDuration, "\(path): must be greater than 0")
            return nil
        }
        return d
    }

    mutating func int(_ node: Node, path: String) -> Int? {
        guard let s = string(node, path: path)?.value else { return nil }
        guard let n = Int(s) else {
            error(node, .wrongType, "\(path): \"\(s)\" is not a whole number")
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
            error(node, .wrongType, "\(path): \"\(s)\" is not true or false")
            return nil
        }
    }
}
