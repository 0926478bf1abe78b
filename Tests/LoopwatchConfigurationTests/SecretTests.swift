import KafkaClient
import LoopwatchConfiguration
import LoopwatchCore
import Testing

/// One rule for secret property names (KafkaClient's), one marker, wherever a value is hidden.
@Suite struct SecretTests {
    static func load(_ properties: String, env: [String: String] = [:]) throws -> LoopwatchConfig {
        let yaml = """
            kafka:
              bootstrap_servers: b:9092
              input_topics: [in]
              properties: {\(properties)}
            policies: [{name: p, first_response: 1h}]
            """
        return try ConfigLoader.load(yaml: yaml, file: "s.yaml", environment: env) { _ in "hunter2\n" }
    }

    /// How the worker hands `kafka.properties` to librdkafka (KafkaSettings), described.
    static func described(_ kafka: LoopwatchConfig.Kafka) -> String {
        var c = KafkaConfiguration(secretKeys: kafka.secretKeys)
        for (k, v) in kafka.properties.sorted(by: { $0.key < $1.key }) { c[k] = v }
        return c.description
    }

    @Test func aSecretFromAFileIsRedactedWhereTheKafkaSettingsAreDescribed() throws {
        let c = try Self.load(
            "sasl.username: loopwatch, sasl.password: \"${file:/run/pw}\", x.y: \"${env:XY}\"",
            env: ["XY": "env-value"])
        let text = Self.described(c.kafka)
        #expect(!text.contains("hunter2"))
        #expect(!text.contains("env-value"))
        #expect(text.contains("sasl.password=\(KafkaConfiguration.redactionMarker)"))
        #expect(text.contains("x.y=[redacted]"))
        #expect(text.contains("sasl.username=loopwatch"))
    }

    @Test(arguments: [
        "sasl.password", "ssl.key.password", "ssl.keystore.password", "ssl.key.pem", "ssl_key", "sasl.jaas.config",
        "sasl.oauthbearer.config", "sasl.oauthbearer.client.secret", "custom.token", "Custom.Secret.Value",
    ])
    func keysNamedLikeASecretAreSecretWithoutSubstitution(key: String) throws {
        #expect(KafkaConfiguration.isSecret(key: key))
        let c = try Self.load("\(key): plain-value")
        #expect(c.kafka.secretKeys.contains(key))
        #expect(!Self.described(c.kafka).contains("plain-value"))
    }

    @Test(arguments: ["sasl.username", "security.protocol", "client.id", "group.id", "ssl.ca.location"])
    func otherKeysAreNot(key: String) throws {
        #expect(!KafkaConfiguration.isSecret(key: key))
        #expect(try Self.load("\(key): plain-value").kafka.secretKeys.isEmpty)
    }

    @Test func theMarker() {
        #expect(KafkaConfiguration.redactionMarker == "[redacted]")
    }
}
