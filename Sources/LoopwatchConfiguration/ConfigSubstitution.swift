import KafkaClient

/// `${file:PATH}` (the file's content, one trailing newline removed) and `${env:NAME}` in
/// configuration strings; `$${` is a literal `${`.
///
/// Remembers every value it substituted, so that ``redacted(_:)`` can keep them out of error
/// messages: a substituted value is treated as a secret.
///
/// A string can also be checked without resolving it (``resolve(_:resolving:)``): its references
/// must be well formed, but no variable or file is read and the value is
/// ``KafkaConfiguration/redactionMarker``.
struct ConfigSubstitution {
    /// Why a string could not be substituted; `message` follows the key path in the error.
    struct Failure: Error {
        var code: ConfigError.Code
        var message: String
    }

    /// What stands for a substituted value in an error message (``ConfigLoaderTests`` pin this
    /// text; ``KafkaConfiguration/redactionMarker`` is what stands for a secret value elsewhere).
    static let placeholder = "<substituted value>"

    /// A well-formed reference: `env:NAME` or `file:PATH`.
    enum Reference {
        case env(String)
        case file(String)
    }

    let environment: [String: String]
    let readFile: (String) throws -> String
    /// Every non-empty value substituted so far, and every string that contains one.
    private(set) var substitutedValues: Set<String> = []

    init(environment: [String: String], readFile: @escaping (String) throws -> String) {
        self.environment = environment
        self.readFile = readFile
    }

    /// `text` with every reference replaced; `substituted` is true when there was one. When
    /// `resolving` is false, a text with a reference is only checked, and its value is
    /// ``KafkaConfiguration/redactionMarker``.
    mutating func resolve(
        _ text: String, resolving: Bool = true
    ) throws(Failure) -> (value: String, substituted: Bool) {
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
                throw Failure(code: .invalidSubstitution, message: "unterminated ${…}")
            }
            let reference = try Self.reference(String(rest[r.upperBound..<close]))
            rest = rest[rest.index(after: close)...]
            substituted = true
            guard resolving else { continue }
            let value = try self.value(of: reference)
            out += value
            if !value.isEmpty { substitutedValues.insert(value) }
        }
        if substituted, !resolving { return (KafkaConfiguration.redactionMarker, true) }
        out += rest
        if substituted, !out.isEmpty { substitutedValues.insert(out) }
        return (out, substituted)
    }

    /// What is between `${` and `}`.
    private static func reference(_ text: String) throws(Failure) -> Reference {
        if text.hasPrefix("env:") { return .env(String(text.dropFirst(4))) }
        if text.hasPrefix("file:") { return .file(String(text.dropFirst(5))) }
        throw Failure(
            code: .invalidSubstitution,
            message: "unknown substitution ${\(text.prefix(20))}; use ${file:PATH} or ${env:NAME}")
    }

    /// The value a reference stands for.
    private func value(of reference: Reference) throws(Failure) -> String {
        switch reference {
        case .env(let name):
            guard let value = environment[name] else {
                throw Failure(code: .missingEnv, message: "environment variable \(name) is not set")
            }
            return value
        case .file(let file):
            do {
                var value = try readFile(file)
                if value.hasSuffix("\n") { value.removeLast() }
                return value
            } catch {
                throw Failure(code: .missingFile, message: "cannot read \(file)")
            }
        }
    }

    /// `message` with every substituted value replaced by ``placeholder``: a secret that fails
    /// validation (`first_response: ${file:…}`) must not be echoed. Values shorter than 3
    /// characters are left alone (they are no secret, and would garble the message).
    func redacted(_ message: String) -> String {
        var m = message
        for v in substitutedValues.sorted(by: { $0.count > $1.count }) where v.count >= 3 && m.contains(v) {
            m = m.replacingOccurrences(of: v, with: Self.placeholder)
        }
        return m
    }
}
