import Foundation
import Testing

@testable import LoopwatchConfiguration
@testable import LoopwatchCore

/// docs/policies.md documents every key the loader accepts, and the shipped example loads.
@Suite struct PoliciesDocumentationTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func everyAcceptedKeyIsDocumented() throws {
        let doc = try String(contentsOf: Self.root.appendingPathComponent("docs/policies.md"), encoding: .utf8)
        let undocumented = ConfigLoader.acceptedKeys.filter { !doc.contains("`\($0)`") }
        #expect(undocumented.isEmpty, "not in docs/policies.md: \(undocumented)")
        #expect(ConfigLoader.acceptedKeys.count > 30)
    }

    /// The other way round: every key a table documents (a row starting with a backticked key
    /// path) is one the loader accepts, so the page never describes a key that was removed.
    @Test func everyDocumentedKeyIsAccepted() throws {
        let doc = try String(contentsOf: Self.root.appendingPathComponent("docs/policies.md"), encoding: .utf8)
        let rows = doc.split(separator: "\n").filter { $0.hasPrefix("| `") }
        let documented = rows.compactMap { $0.dropFirst(3).split(separator: "`").first.map(String.init) }
        #expect(documented.count == rows.count)
        let accepted = Set(ConfigLoader.acceptedKeys)
        #expect(documented.filter { !accepted.contains($0) } == [])
    }

    @Test func theExampleConfigurationLoads() throws {
        let path = Self.root.appendingPathComponent("config/loopwatch.example.yaml").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let config = try ConfigLoader.load(yaml: text, file: path, environment: [:]) { _ in "s3cret\n" }
        #expect(
            config.policies.policies.map(\.name) == ["vip-social", "urgent", "safety-and-legal", "reviews", "default"])
        #expect(config.kafka.properties["sasl.password"] == "s3cret")
        #expect(config.kafka.secretKeys.contains("sasl.password"))
        #expect(config.calendars.keys.sorted() == ["doha-care", "us-support"])
        // The last policy is the catch-all: a response on any channel finds a policy.
        #expect(config.policies.firstMatch(channel: "carrier-pigeon", priority: .low, tags: [], attributes: []) == 4)
        #expect(config.policies.policies.allSatisfy { $0.firstResponse != nil && $0.nextResponse != nil })
    }
}
