import Foundation
import KafkaClient
import LoopwatchConfiguration
import LoopwatchCore
import Synchronization
import Testing

/// `ConfigLoader.Purpose.offline`: the Kafka-free commands (SPEC §8) need no Kafka secrets, and
/// everything else is validated as for `.full`.
@Suite struct OfflinePurposeTests {
    static let yaml = """
        kafka:
          bootstrap_servers: "${env:BROKERS}"
          input_topics: [interactions]
          properties:
            security.protocol: SASL_SSL
            sasl.username: loopwatch
            sasl.password: ${file:/run/credentials/loopwatch.service/kafka-password}
            sasl.oauthbearer.client.id: "id-${env:OAUTH_ID}"
            client.rack: "$${literal}"
        policies:
          - {name: p, first_response: 1h, severity: "${env:SEVERITY}"}
        """
    static let environment = ["BROKERS": "b:9092", "SEVERITY": "page"]

    /// The files the loader asked for.
    final class Reads: Sendable {
        let paths = Mutex<[String]>([])
        func read(_ path: String) throws -> String {
            paths.withLock { $0.append(path) }
            throw CocoaError(.fileNoSuchFile)
        }
    }

    static func messages(_ body: () throws(ConfigErrors) -> LoopwatchConfig) -> [String] {
        do {
            _ = try body()
            return []
        } catch {
            return error.errors.map(\.description)
        }
    }

    @Test func kafkaPropertiesAreNotResolvedOffline() throws {
        let reads = Reads()
        let c = try ConfigLoader.load(
            yaml: Self.yaml, file: "o.yaml", environment: Self.environment, purpose: .offline, readFile: reads.read)
        #expect(reads.paths.withLock { $0 }.isEmpty)
        #expect(c.kafka.properties["sasl.password"] == KafkaConfiguration.redactionMarker)
        #expect(c.kafka.properties["sasl.oauthbearer.client.id"] == "[redacted]")
        #expect(c.kafka.secretKeys == ["sasl.password", "sasl.oauthbearer.client.id"])
        // What has no reference, or lies outside kafka.properties, is read as for `.full`.
        #expect(c.kafka.properties["security.protocol"] == "SASL_SSL")
        #expect(c.kafka.properties["client.rack"] == "${literal}")
        #expect(c.kafka.bootstrapServers == "b:9092")
        #expect(c.policies.policies[0].severity == "page")
    }

    @Test func theSameFileLoadedInFullNeedsTheSecrets() {
        let errors = Self.messages { () throws(ConfigErrors) in
            try ConfigLoader.load(
                yaml: Self.yaml, file: "o.yaml", environment: Self.environment, readFile: Reads().read)
        }
        #expect(
            errors == [
                "o.yaml:7:20: kafka.properties.sasl.password: cannot read "
                    + "/run/credentials/loopwatch.service/kafka-password",
                "o.yaml:8:33: kafka.properties.sasl.oauthbearer.client.id: environment variable OAUTH_ID is not set",
            ])
        #expect(throws: ConfigErrors.self) {
            try ConfigLoader.load(
                yaml: Self.yaml, file: "o.yaml", environment: Self.environment, purpose: .full, readFile: Reads().read)
        }
    }

    @Test func offlineStillValidatesEverythingElse() {
        let yaml = Self.yaml
            .replacingOccurrences(of: "client.rack: \"$${literal}\"", with: "client.rack: \"${rack}\"")
            .replacingOccurrences(of: "first_response: 1h", with: "first_response: 1x")
        let errors = Self.messages { () throws(ConfigErrors) in
            try ConfigLoader.load(yaml: yaml, file: "o.yaml", environment: [:], purpose: .offline) { _ in "" }
        }
        #expect(
            errors == [
                "o.yaml:2:22: kafka.bootstrap_servers: environment variable BROKERS is not set",
                "o.yaml:9:18: kafka.properties.client.rack: unknown substitution ${rack}; use ${file:PATH} or ${env:NAME}",
                #"o.yaml:11:31: policies[0].first_response: invalid duration "1x" "#
                    + "(use a number followed by ms, s, m, h or d, e.g. 15m)",
                "o.yaml:11:45: policies[0].severity: environment variable SEVERITY is not set",
            ])
    }

    @Test func theShippedExampleLoadsOfflineWithoutItsCredentials() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let path = root.appendingPathComponent("config/loopwatch.example.yaml").path
        let c = try ConfigLoader.load(path: path, environment: [:], purpose: .offline)
        #expect(c.kafka.properties["sasl.password"] == "[redacted]")
        #expect(c.kafka.secretKeys.contains("sasl.password"))
        #expect(c.policies.policies.count == 5)
        #expect(throws: ConfigErrors.self) { try ConfigLoader.load(path: path, environment: [:]) }
    }
}
