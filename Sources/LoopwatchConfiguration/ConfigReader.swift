import LoopwatchCore
import Yams

/// Walks the YAML node tree, collecting every error with its position.
///
/// One extension per section of the file reads it (`ConfigReader+Kafka.swift`, …); this file
/// holds the entry point and the helpers that read mappings and report errors.
struct ConfigReader {
    let file: String
    let purpose: ConfigLoader.Purpose
    var substitution: ConfigSubstitution
    var errors: [ConfigError] = []
    /// Names under `calendars:`, including those with errors (a policy naming one of those is
    /// not told the calendar doesn't exist: the calendar's own error says what is wrong).
    var declaredCalendars: Set<String> = []

    init(
        file: String, purpose: ConfigLoader.Purpose, environment: [String: String],
        readFile: @escaping (String) throws -> String
    ) {
        self.file = file
        self.purpose = purpose
        self.substitution = ConfigSubstitution(environment: environment, readFile: readFile)
    }

    /// A key of a mapping with its nodes (the key node locates errors about the key itself).
    typealias Entry = (key: String, keyNode: Node, value: Node)

    // MARK: The document

    mutating func config(_ root: Node?) -> LoopwatchConfig? {
        guard let root else {
            error(nil, .empty, "the configuration is empty; it needs at least kafka and policies")
            return nil
        }
        guard let top = mapping(root, path: "", allowed: ConfigSection.rootKeys) else { return nil }
        func section(_ k: String) -> Node? { top.first { $0.key == k }?.value }

        let kafka = self.kafka(section("kafka"), parent: root)
        let processing = self.processing(section("processing"))
        let metrics = self.metrics(section("metrics"))
        let calendars = self.calendars(section("calendars"))
        let policies = self.policies(section("policies"), calendars: calendars, parent: root)
        guard let kafka, let policies else { return nil }
        return LoopwatchConfig(
            kafka: kafka, processing: processing, metrics: metrics, calendars: calendars, policies: policies)
    }

    // MARK: Errors

    func position(_ node: Node?) -> (Int, Int) {
        guard let mark = node?.mark else { return (1, 1) }
        return (mark.line, mark.column)
    }

    /// Records an error at `node` (1:1 without one); substituted values are redacted.
    mutating func error(_ node: Node?, _ code: ConfigError.Code, _ message: String) {
        let (line, column) = position(node)
        errors.append(
            ConfigError(file: file, line: line, column: column, code: code, message: substitution.redacted(message)))
    }

    // MARK: Nodes

    func isNull(_ node: Node) -> Bool {
        guard case .scalar(let s) = node, s.style == .plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(s.string)
    }

    /// `node` unless it is absent or null (then `path: missing` is reported at `parent`).
    mutating func required(_ node: Node?, in parent: Node, path: String) -> Node? {
        guard let node, !isNull(node) else {
            error(parent, .missingKey, "\(path): missing")
            return nil
        }
        return node
    }

    /// The keys of a mapping of `section` (unknown keys are reported, with a suggestion).
    mutating func mapping(_ node: Node, path: String, section: ConfigSection) -> [Entry]? {
        mapping(node, path: path, allowed: section.keys)
    }

    /// The keys of a mapping; unknown keys (when `allowed` is given) are reported.
    mutating func mapping(_ node: Node, path: String, allowed: [String]?) -> [Entry]? {
        guard case .mapping(let m) = node else {
            let what = path.isEmpty ? "the configuration" : path
            error(node, .wrongType, "\(what): expected a mapping of keys to values")
            return nil
        }
        var out: [Entry] = []
        for (k, v) in m {
            guard case .scalar(let ks) = k else {
                error(k, .wrongType, "\(path): keys must be plain strings")
                continue
            }
            let key = ks.string
            if let allowed, !allowed.contains(key) {
                let full = path.isEmpty ? key : "\(path).\(key)"
                let hint =
                    Suggestion.closest(to: key, among: allowed).map { " — did you mean \"\($0)\"?" }
                    ?? " (allowed: \(allowed.joined(separator: ", ")))"
                error(k, .unknownKey, "\(full): unknown key\(hint)")
                continue
            }
            out.append((key, k, v))
        }
        return out
    }
}
