import Testing

@testable import LoopwatchConfiguration
@testable import LoopwatchCore

/// `kafka.repartition_topic` (SPEC §1 "Keying"): optional, a topic of its own.
@Suite struct RepartitionTopicConfigTests {
    typealias T = ConfigLoaderTests
    static let policies = "policies: [{name: p, first_response: 1h}]\n"

    @Test func absentByDefaultAndReadWhenGiven() throws {
        #expect(try T.load(T.base + Self.policies).kafka.repartitionTopic == nil)
        let yaml = T.blockBase + "  repartition_topic: lw-repartition\n" + Self.policies
        #expect(try T.load(yaml).kafka.repartitionTopic == "lw-repartition")
        #expect(try T.load(T.blockBase + "  repartition_topic:\n" + Self.policies).kafka.repartitionTopic == nil)
    }

    @Test(arguments: [
        (
            "kafka: {bootstrap_servers: b, input_topics: [x], repartition_topic: x}\n",
            #"lw.yaml:1:69: kafka.repartition_topic: topic "x" is used as kafka.input_topics and as kafka.repartition_topic; the input, state, alert, dead-letter and repartition topics must all be different"#
        ),
        (
            "kafka: {bootstrap_servers: b, input_topics: [x], repartition_topic: loopwatch-state}\n",
            #"lw.yaml:1:69: kafka.repartition_topic: topic "loopwatch-state" is used as kafka.state_topic and as kafka.repartition_topic; the input, state, alert, dead-letter and repartition topics must all be different"#
        ),
        (
            "kafka: {bootstrap_servers: b, input_topics: [x], repartition_topic: \"\"}\n",
            "lw.yaml:1:69: kafka.repartition_topic: must not be empty"
        ),
    ])
    func aRepartitionTopicInAnotherRoleOrEmptyIsAnError(yaml: String, expected: String) {
        #expect(T.errors(yaml + Self.policies) == [expected])
    }
}
