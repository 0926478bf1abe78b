import Foundation
import LoopwatchCore
import Yams

/// Loads and validates the YAML configuration (SPEC §7) into a ``LoopwatchConfig``.
///
/// Every problem is reported — not just the first — as `file:line:column: message` naming the
/// key and the bad value. Unknown keys are errors (with a suggestion when one is close).
/// `${file:PATH}` (content, one trailing newline removed) and `${env:NAME}` are substituted in
/// any string; `$${` is a literal `${`. Substituted values never appear in errors or logs.
public enum ConfigLoader {
    /// What a configuration is loaded for, which decides what must be resolvable.
    public enum Purpose: Sendable, Hashable {
        /// Everything is resolved and verified: `run`, `check-config`, a reload.
        case full
        /// For the Kafka-free commands (`replay`, `report`; SPEC §8): `${file:…}` / `${env:…}`
        /// inside `kafka.properties` are checked for form but not resolved — the broker's
        /// credentials need not be there. Such a value is ``KafkaConfiguration/redactionMarker``
        /// and its key is in `secretKeys`. Everything else is validated as for ``full``.
        case offline
    }

    /// Reads and validates `path`.
    public static func load(
        path: String, environment: [String: String], purpose: Purpose = .full
    ) throws(ConfigErrors) -> LoopwatchConfig {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigErrors([
                ConfigError(
                    file: path, line: 0, column: 0, code: .unreadable,
                    message: "cannot read the configuration: \(error.localizedDescription)")
            ])
        }
        return try load(yaml: text, file: path, environment: environment, purpose: purpose) {
            try String(contentsOfFile: $0, encoding: .utf8)
        }
    }

    /// Validates YAML text; `file` names it in errors, `readFile` serves `${file:…}`.
    public static func load(
        yaml: String, file: String, environment: [String: String], purpose: Purpose = .full,
        readFile: (String) throws -> String
    ) throws(ConfigErrors) -> LoopwatchConfig {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw ConfigErrors([Self.syntaxError(error, file: file)])
        } catch {
            throw ConfigErrors([
                ConfigError(file: file, line: 1, column: 1, code: .yamlSyntax, message: "not valid YAML: \(error)")
            ])
        }
        let (config, errors) = withoutActuallyEscaping(readFile) { readFile in
            var reader = ConfigReader(file: file, purpose: purpose, environment: environment, readFile: readFile)
            let config = reader.config(root)
            return (config, reader.errors)
        }
        guard errors.isEmpty, let config else {
            throw ConfigErrors(errors.sorted { ($0.line, $0.column) < ($1.line, $1.column) })
        }
        return config
    }

    /// Every key path the loader accepts (`policies[].match.channel`), for the documentation test.
    public static let acceptedKeys: [String] = ConfigSection.keyPaths

    static func syntaxError(_ error: YamlError, file: String) -> ConfigError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return ConfigError(
                file: file, line: mark.line, column: mark.column, code: .yamlSyntax,
                message: "YAML syntax error: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "\"\($0)\"" }.joined(separator: ", ")
            return ConfigError(
                file: file, line: context.mark.line, column: context.mark.column, code: .duplicateKey,
                message: "duplicate key \(keys) in this mapping; each key may appear only once")
        case .reader(let problem, _, _, _):
            return ConfigError(
                file: file, line: 1, column: 1, code: .yamlSyntax, message: "cannot read the YAML text: \(problem)")
        default:
            // One line, like every other error (Yams' descriptions quote the document).
            let text = "\(error)".split(separator: "\n").first.map(String.init) ?? "unknown problem"
            return ConfigError(file: file, line: 1, column: 1, code: .yamlSyntax, message: "YAML error: \(text)")
        }
    }
}
