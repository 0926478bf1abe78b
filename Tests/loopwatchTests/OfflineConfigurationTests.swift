import Foundation
import Testing

/// Kafka-free commands need no Kafka secrets (SPEC §8); `check-config` still verifies them.
@Suite struct OfflineConfigurationTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let example = root.appendingPathComponent("config/loopwatch.example.yaml").path
    static let events = root.appendingPathComponent("config/samples/events.jsonl").path

    @Test func replayRunsTheExampleWithoutTheBrokerPassword() async throws {
        let (status, out, err) = try await LoopwatchProcess.run(
            ["replay", "--config", Self.example, "--events", Self.events])
        #expect(status == 0, "\(err)")
        #expect(!out.isEmpty)
        #expect(err.contains("replay: "), "\(err)")
        #expect(!err.contains("/run/credentials"), "\(err)")
    }

    @Test func checkConfigStillNeedsIt() async throws {
        let (status, _, err) = try await LoopwatchProcess.run(["check-config", Self.example])
        #expect(status == 78)
        #expect(err.contains("kafka.properties.sasl.password: cannot read /run/credentials/"), "\(err)")
    }
}
