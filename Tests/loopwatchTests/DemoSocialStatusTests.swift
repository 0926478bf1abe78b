import LoopwatchConfiguration
import LoopwatchCore
import LoopwatchReport
import Testing

@testable import loopwatch

/// The demo ends with its social status: one line per channel, from the report over the events
/// it sent.
@Suite struct DemoSocialStatusTests {
    @Test func theScriptedStreamClosesTheLoopOnInstagramOnly() throws {
        let config = try ConfigLoader.load(
            yaml: DemoScript.configYAML, file: "demo.yaml", environment: [:], readFile: { _ in "" })
        let start = Timestamp(millis: 1_800_000_000_000)
        let lines = DemoScript.steps.enumerated().map { i, step in
            DemoScript.json(step, id: i, occurredAt: start + TimeSpan(millis: Int64(step.at * 1000)))
        }
        let status = try DemoCommand.socialStatus(of: lines, config: config)
        let byChannel = Dictionary(uniqueKeysWithValues: status.channels.map { ($0.name, $0.group.status) })
        #expect(byChannel["instagram"] == .closingTheLoop)
        #expect(byChannel["email"] == .oneWay)
        #expect(byChannel["twitter"] == .partial)
    }
}
