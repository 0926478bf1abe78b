import LoopwatchConfiguration
import LoopwatchCore
import Testing

@Suite struct PolicySetVersionTests {
    static func config(firstResponse: String) throws -> LoopwatchConfig {
        let yaml = """
            kafka:
              bootstrap_servers: broker:9092
              input_topics: [interactions]
              properties:
                sasl.username: loopwatch
                sasl.password: ${file:/run/pw}
            policies:
              - name: default
                first_response: \(firstResponse)
            """
        return try ConfigLoader.load(yaml: yaml, file: "t.yaml", environment: [:]) { _ in "hunter2-secret\n" }
    }

    @Test func policySetVersionChangesWithAPolicy() throws {
        let a = try Self.config(firstResponse: "4h")
        let b = try Self.config(firstResponse: "4h")
        let c = try Self.config(firstResponse: "5h")
        #expect(a.policies.version == b.policies.version)
        #expect(a.policies.version != c.policies.version)
        #expect(a.policies.version.count == 16)
    }
}
