/// An ordered bag of librdkafka configuration properties.
///
/// Every entry is passed verbatim to `rd_kafka_conf_set`, in insertion order, so
/// any property librdkafka understands (including `security.protocol`, `sasl.*`
/// and `ssl.*`) can be set. Values of secret properties are never logged nor
/// included in ``description`` or in errors (``redactionMarker`` stands in for them): a key
/// is secret when it is listed in ``secretKeys`` or named like a secret
/// (``isSecret(key:)``).
public struct KafkaConfiguration: Sendable, Hashable, CustomStringConvertible {
    /// Property names whose values must never appear in logs or descriptions
    /// (in addition to the keys named like a secret, ``isSecret(key:)``).
    public var secretKeys: Set<String>

    private var keys: [String] = []
    private var values: [String: String] = [:]

    /// Creates a configuration from `properties`, applied in order.
    /// - Parameters:
    ///   - properties: librdkafka properties; a repeated key overrides the earlier value but keeps its position.
    ///   - secretKeys: additional property names to treat as secret.
    public init(_ properties: KeyValuePairs<String, String> = [:], secretKeys: Set<String> = []) {
        self.secretKeys = secretKeys
        for (key, value) in properties {
            self[key] = value
        }
    }

    /// The value of a property, or `nil` if unset. Setting `nil` removes the property.
    public subscript(key: String) -> String? {
        get { values[key] }
        set {
            if let newValue {
                if values.updateValue(newValue, forKey: key) == nil {
                    keys.append(key)
                }
            } else if values.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }

    /// The properties in the order they will be applied.
    public var entries: [(key: String, value: String)] {
        keys.map { ($0, values[$0]!) }
    }

    /// Returns a copy with `key` set to `value` (convenience for building configurations fluently).
    public func with(_ key: String, _ value: String) -> KafkaConfiguration {
        var copy = self
        copy[key] = value
        return copy
    }

    /// Returns a copy with `key` set to `value` only if `key` is not set yet.
    public func withDefault(_ key: String, _ value: String) -> KafkaConfiguration {
        self[key] == nil ? with(key, value) : self
    }

    /// What stands for a secret value wherever one would be shown: descriptions, log lines,
    /// errors, and configuration values deliberately left unresolved.
    public static let redactionMarker = "[redacted]"

    /// Fragments that make a property name secret (case-insensitive, anywhere in the name).
    private static let secretNameFragments = [
        "password", "secret", "token", "sasl.jaas.config", "sasl.oauthbearer.config", "ssl.key", "ssl_key",
    ]

    /// Whether a property named `key` holds a secret by its name alone: it contains `password`,
    /// `secret`, `token`, `sasl.jaas.config`, `sasl.oauthbearer.config`, `ssl.key` (private
    /// keys and their passwords, key stores) or `ssl_key` (any case). The one rule for secret
    /// names in loopwatch; values substituted from `${file:}` / `${env:}` are secret too, which
    /// the configuration marks in ``secretKeys``.
    public static func isSecret(key: String) -> Bool {
        let lowered = key.lowercased()
        return secretNameFragments.contains { lowered.contains($0) }
    }

    /// Whether the value of `key` must be redacted: listed in ``secretKeys`` or named like a
    /// secret (``isSecret(key:)``).
    public func isSecret(_ key: String) -> Bool {
        secretKeys.contains(key) || Self.isSecret(key: key)
    }

    /// The non-empty values of all secret properties (used to scrub log lines).
    var secretValues: [String] {
        keys.filter(isSecret).compactMap { values[$0] }.filter { !$0.isEmpty }
    }

    /// A human readable rendering with secret values replaced by ``redactionMarker``.
    public var description: String {
        let rendered = keys.map { key in
            "\(key)=\(isSecret(key) ? Self.redactionMarker : values[key]!)"
        }
        return "KafkaConfiguration(\(rendered.joined(separator: ", ")))"
    }
}
