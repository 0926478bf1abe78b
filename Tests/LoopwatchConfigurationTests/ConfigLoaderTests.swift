import Testing

@testable import LoopwatchConfiguration
@testable import LoopwatchCore

/// The loader as an operator meets it: the SPEC example loads, and every mistake is reported
/// as `file:line:column: message` naming the bad value.
@Suite struct ConfigLoaderTests {
    static let specExample = """
        kafka:
          bootstrap_servers: "broker1:9092,broker2:9092"
          group_id: loopwatch
          input_topics: [interactions]
          alert_topic: sla-alerts
          state_topic: loopwatch-state          # compacted changelog
          dead_letter_topic: interactions-dlq
          properties:                           # passed to librdkafka as they are
            security.protocol: SASL_SSL
            sasl.mechanism: SCRAM-SHA-512
            sasl.username: loopwatch
            sasl.password: ${file:/run/credentials/loopwatch.service/kafka-password}
        processing:
          commit_interval: 100ms
          allowed_lateness: 30s                 # wait this long past a deadline for late acknowledgements
          state_ttl: 30d
          max_event_bytes: 65536
          max_future_skew: 5m
        metrics:
          listen: 127.0.0.1:9464                # /metrics (Prometheus), /healthz, /readyz
        calendars:
          doha-care:
            timezone: Asia/Qatar
            weekly:
              sun-thu: ["08:00-13:00", "14:00-18:00"]
            holidays: [2026-12-18]
        policies:
          - name: vip-social
            match:
              channel: [twitter, instagram]
              priority: [high, urgent]
              attributes: { customer_tier: [gold, platinum] }
            calendar: doha-care
            first_response: 15m
            next_response: 30m
            warn_before: 5m
            escalations:
              - { after: 30m, severity: critical }
            count_automated_replies: false
            ignore:
              text_matches: ["^(thanks|thank you|ok|👍)[.! ]*$"]
          - name: default
            first_response: 4h
            next_response: 8h
        """

    static func load(_ yaml: String, env: [String: String] = [:]) throws(ConfigErrors) -> LoopwatchConfig {
        try ConfigLoader.load(yaml: yaml, file: "lw.yaml", environment: env) { path in
            guard path == "/run/credentials/loopwatch.service/kafka-password" else { throw CocoaLikeError() }
            return "hunter2\n"
        }
    }

    struct CocoaLikeError: Error {}

    /// The messages a broken file produces.
    static func errors(_ yaml: String, env: [String: String] = [:]) -> [String] {
        do {
            _ = try load(yaml, env: env)
            return []
        } catch {
            return error.errors.map(\.description)
        }
    }

    @Test func theSpecExampleLoads() throws {
        let c = try Self.load(Self.specExample)
        #expect(c.kafka.bootstrapServers == "broker1:9092,broker2:9092")
        #expect(c.kafka.inputTopics == ["interactions"])
        #expect(c.kafka.properties["sasl.password"] == "hunter2")
        #expect(c.kafka.secretKeys.contains("sasl.password"))
        #expect(c.processing.commitInterval == .init(millis: 100))
        #expect(c.processing.stateTTL == .days(30))
        #expect(c.metrics.listen == "127.0.0.1:9464")
        let vip = c.policies.policies[0]
        #expect(vip.name == "vip-social")
        #expect(vip.match.channels == ["twitter", "instagram"])
        #expect(vip.match.priorities == [.high, .urgent])
        #expect(vip.match.attributes.map(\.key) == ["customer_tier"])
        #expect(vip.calendar?.timeZone == "Asia/Qatar")
        #expect(vip.firstResponse == .minutes(15))
        #expect(vip.warnBefore == .minutes(5))
        #expect(vip.escalations == [Escalation(after: .minutes(30), severity: "critical")])
        #expect(vip.ignore.ignores(text: "Thanks!"))
        #expect(vip.version.count == 16)
        #expect(c.policies.policies[1].calendar == nil)
    }

    @Test func defaultsApplyWhenSectionsAreOmitted() throws {
        let c = try Self.load(
            "kafka: {bootstrap_servers: b:9092, input_topics: in}\npolicies: [{name: p, first_response: 1h}]")
        #expect(c.kafka.groupID == "loopwatch")
        #expect(c.kafka.alertTopic == "sla-alerts")
        #expect(c.kafka.stateTopic == "loopwatch-state")
        #expect(c.kafka.deadLetterTopic == "interactions-dlq")
        #expect(c.processing.allowedLateness == .seconds(30))
        #expect(c.processing.maxEventBytes == 65536)
        #expect(c.processing.maxFutureSkew == .minutes(5))
        #expect(c.processing.guarantee == .exactlyOnce)
        #expect(c.metrics.listen == "127.0.0.1:9464")
        #expect(c.policies.policies[0].severity == "high")
    }

    static let base = "kafka: {bootstrap_servers: b:9092, input_topics: [in]}\n"
    /// Block style, so `properties:` can follow on line 4.
    static let blockBase = "kafka:\n  bootstrap_servers: b:9092\n  input_topics: [in]\n"

    @Test(
        arguments: [
            (
                base + "policies:\n  - name: p\n    first_response: 15x\n",
                #"lw.yaml:4:21: policies[0].first_response: invalid duration "15x" (use a number followed by ms, s, m, h or d, e.g. 15m)"#
            ),

            (
                "policies:\n  - name: p\n    first_response: 1h\n",
                "lw.yaml:1:1: kafka: missing (needs at least bootstrap_servers and input_topics)"
            ),
            (
                base + "policies:\n  - name: p\n    first_response: 1h\n    calendar: nope\n",
                #"lw.yaml:5:15: policies[0].calendar: no calendar named "nope" (none are defined under calendars:)"#
            ),
            (
                base + "policies:\n  - name: p\n    first_response: 1h\n    ignore: {text_matches: [\"(unclosed\"]}\n",
                #"lw.yaml:5:29: policies[0].ignore.text_matches: "(unclosed" is not a valid POSIX extended regular expression: Unmatched ( or \("#
            ),
            (
                base
                    + "calendars:\n  c: {timezone: Mars/Olympus, weekly: {mon: [\"09:00-17:00\"]}}\npolicies: [{name: p, first_response: 1h}]\n",
                #"lw.yaml:3:17: calendars.c.timezone: "Mars/Olympus" is not an IANA time zone (e.g. Asia/Qatar, America/New_York)"#
            ),
            (
                base
                    + "calendars:\n  c: {timezone: UTC, weekly: {mon: [\"17:00-09:00\"]}}\npolicies: [{name: p, first_response: 1h}]\n",
                #"lw.yaml:3:37: calendars.c.weekly.mon: "17:00-09:00" is not an interval HH:MM-HH:MM with start before end (end may be 24:00)"#
            ),
            (
                base
                    + "calendars:\n  c: {timezone: UTC, weekly: {mnd: [\"09:00-17:00\"]}}\npolicies: [{name: p, first_response: 1h}]\n",
                #"lw.yaml:3:31: calendars.c.weekly: "mnd" is not a day or day range (mon … sun, e.g. mon-fri, sun-thu, sat,sun)"#
            ),
            (
                base
                    + "calendars:\n  c: {timezone: UTC, weekly: {mon: [\"09:00-17:00\"]}, holidays: [2026-02-30]}\npolicies: [{name: p, first_response: 1h}]\n",
                #"lw.yaml:3:65: calendars.c.holidays: "2026-02-30" is not a date YYYY-MM-DD"#
            ),
            (
                base + "policies:\n  - {name: p, first_response: 1h}\n  - {name: p, first_response: 2h}\n",
                #"lw.yaml:4:5: policies[1].name: "p" is used by an earlier policy; names must be unique"#
            ),
            (
                base + "policies:\n  - {name: p, first_response: 10m, warn_before: 10m}\n",
                "lw.yaml:3:49: policies[0].warn_before: 10m must be less than first_response (10m)"
            ),
            (
                base + "policies:\n  - {name: p, first_response: 10m, escalations: [{after: 1h}, {after: 30m}]}\n",
                "lw.yaml:3:63: policies[0].escalations[1].after: 30m must be later than the previous escalation's 1h"
            ),
            (
                base + "policies: [\n",
                "lw.yaml:3:1: YAML syntax error: did not find expected node content"
            ),
            (
                blockBase
                    + "  properties: {sasl.password: \"${env:KAFKA_PASSWORD}\"}\npolicies: [{name: p, first_response: 1h}]\n",
                "lw.yaml:4:31: kafka.properties.sasl.password: environment variable KAFKA_PASSWORD is not set"
            ),
            (
                blockBase
                    + "  properties: {sasl.password: \"${file:/nope}\"}\npolicies: [{name: p, first_response: 1h}]\n",
                "lw.yaml:4:31: kafka.properties.sasl.password: cannot read /nope"
            ),
            (
                base + "metrics: {listen: localhost}\npolicies: [{name: p, first_response: 1h}]\n",
                #"lw.yaml:2:19: metrics.listen: "localhost" is not host:port (or off)"#
            ),
            (
                base + "policies:\n  - {name: p}\n",
                "lw.yaml:3:5: policies[0]: needs first_response and/or next_response (the targets)"
            ),
            (
                "kafka: {input_topics: [in]}\npolicies: [{name: p, first_response: 1h}]\n",
                "lw.yaml:1:8: kafka.bootstrap_servers: missing"
            ),
            (
                base
                    + "calendars:\n  c: {weekly: {mon: [\"09:00-17:00\"]}}\npolicies: [{name: p, first_response: 1h}]\n",
                "lw.yaml:3:6: calendars.c.timezone: missing"
            ),
            (
                base + "policies:\n  - {name: p, first_response: 10m, escalations: [{severity: page}]}\n",
                "lw.yaml:3:50: policies[0].escalations[0].after: missing"
            ),
            (
                base
                    + "calendars:\n  c: {timzone: UTC, weekly: {mon: [\"09:00-17:00\"]}}\npolicies: [{name: p, first_response: 1h}]\n",
                "lw.yaml:3:6: calendars.c.timezone: missing\n"
                    + #"lw.yaml:3:7: calendars.c.timzone: unknown key — did you mean "timezone"?"#
            ),
            (
                "kafka: {bootstrap_servers: b, input_topics: [x], alert_topic: x}\npolicies: [{name: p, first_response: 1h}]\n",
                #"lw.yaml:1:63: kafka.alert_topic: topic "x" is used as kafka.input_topics and as kafka.alert_topic; the input, state, alert and dead-letter topics must all be different"#
            ),
            (
                base + "processing: {commit_interval: 0ms}\npolicies: [{name: p, first_response: 1h}]\n",
                "lw.yaml:2:31: processing.commit_interval: must be greater than 0"
            ),
            (
                base + "processing: {state_ttl: forever}\npolicies: [{name: p, first_response: 1h}]\n",
                #"lw.yaml:2:25: processing.state_ttl: invalid duration "forever" (use a number followed by ms, s, m, h or d, e.g. 15m)"#
            ),
            (
                base + "policies:\n  - {name: p, first_response: 1h, match: {priority: [high, hgih]}}\n",
                #"lw.yaml:3:60: policies[0].match.priority: "hgih" is not low, normal, high or urgent"#
            ),
            (
                base + "policies:\n  - {name: p, first_response: 1h, ignore: {text_matches: [\"^ok$\", \"a{2,1}\"]}}\n",
                #"lw.yaml:3:67: policies[0].ignore.text_matches: "a{2,1}" is not a valid POSIX extended regular expression: Invalid content of \{\}"#
            ),
            (
                base
                    + "calendars:\n  c: {timezone: UTC, weekly: {mon: [\"09:00-17:00\", \"18:00-25:00\"]}}\npolicies: [{name: p, first_response: 1h}]\n",
                #"lw.yaml:3:52: calendars.c.weekly.mon: "18:00-25:00" is not an interval HH:MM-HH:MM with start before end (end may be 24:00)"#
            ),
            (
                "kafka: {bootstrap_servers: b, input_topics: [a, b, a]}\npolicies: [{name: p, first_response: 1h}]\n",
                #"lw.yaml:1:45: kafka.input_topics: topic "a" is used twice in kafka.input_topics; the input, state, alert and dead-letter topics must all be different"#
            ),
            (
                "kafka: {bootstrap_servers: b, input_topics: [sla-alerts]}\npolicies: [{name: p, first_response: 1h}]\n",
                #"lw.yaml:1:8: kafka.alert_topic: topic "sla-alerts" is used as kafka.input_topics and as kafka.alert_topic (its default); the input, state, alert and dead-letter topics must all be different"#
            ),
            (
                "kafka: {bootstrap_servers: \"\", input_topics: [in]}\npolicies: [{name: p, first_response: 1h}]\n",
                "lw.yaml:1:28: kafka.bootstrap_servers: must not be empty"
            ),
            (
                blockBase + "  properties:\n    ssl.ca.location:\npolicies: [{name: p, first_response: 1h}]\n",
                "lw.yaml:5:21: kafka.properties.ssl.ca.location: no value (give one, or remove the key to keep librdkafka's default)"
            ),
        ] as [(String, String)])
    func mistakesAreReportedWithTheirPosition(yaml: String, message: String) {
        // One error per case; a case with two lines expects two errors.
        #expect(Self.errors(yaml) == message.split(separator: "\n").map(String.init))
    }

    @Test func aTypoIsNamedWithASuggestion() {
        // The misspelt key is reported, and so is what its absence means.
        #expect(
            Self.errors(Self.base + "policies:\n  - name: p\n    first_respons: 15m\n") == [
                "lw.yaml:3:5: policies[0]: needs first_response and/or next_response (the targets)",
                #"lw.yaml:4:5: policies[0].first_respons: unknown key — did you mean "first_response"?"#,
            ])
    }

    @Test func everyMistakeIsReportedAtOnceInFileOrder() {
        let yaml =
            Self.base
            + "processing: {commit_interval: soon}\npolicies:\n  - {name: a, first_response: 1x}\n  - {name: b, bogus: 1}\n"
        #expect(
            Self.errors(yaml) == [
                #"lw.yaml:2:31: processing.commit_interval: invalid duration "soon" (use a number followed by ms, s, m, h or d, e.g. 15m)"#,
                #"lw.yaml:4:31: policies[0].first_response: invalid duration "1x" (use a number followed by ms, s, m, h or d, e.g. 15m)"#,
                "lw.yaml:5:5: policies[1]: needs first_response and/or next_response (the targets)",
                "lw.yaml:5:15: policies[1].bogus: unknown key (allowed: name, match, calendar, first_response, next_response, warn_before, severity, escalations, count_automated_replies, ignore)",
            ])
    }

    @Test func secretsNeverAppearInErrors() {
        let yaml =
            Self.blockBase
            + "  properties: {sasl.password: \"${file:/run/credentials/loopwatch.service/kafka-password}\", bogus: [1]}\npolicies: [{name: p, first_response: 1h}]\n"
        let errors = Self.errors(yaml).joined(separator: "\n")
        #expect(!errors.isEmpty)
        #expect(!errors.contains("hunter2"))
    }

    @Test func aSubstitutedValueThatFailsValidationIsNotEchoed() {
        let secret = "${file:/run/credentials/loopwatch.service/kafka-password}"
        let yaml =
            Self.base
            + "metrics: {listen: \"\(secret)\"}\npolicies:\n  - {name: p, first_response: \"\(secret)\", severity: \"x-${env:SEV}\"}\n"
        let errors = Self.errors(yaml, env: ["SEV": "sev-token"])
        #expect(
            errors == [
                #"lw.yaml:2:19: metrics.listen: "<substituted value>" is not host:port (or off)"#,
                #"lw.yaml:4:31: policies[0].first_response: invalid duration "<substituted value>" (use a number followed by ms, s, m, h or d, e.g. 15m)"#,
            ])
        #expect(!errors.joined().contains("hunter2"))
    }

    @Test func aSecretFromAFileIsRedactedInTheDescription() throws {
        let c = try Self.load(Self.specExample)
        #expect(c.kafka.properties["sasl.password"] == "hunter2")
        #expect(c.kafka.secretKeys == ["sasl.password"])
    }

    @Test func substitutionEscapesAndEnvironment() throws {
        let c = try Self.load(
            Self.blockBase
                + "  properties: {a: \"$${literal}\", b: \"x-${env:B}-y\"}\npolicies: [{name: p, first_response: 1h}]\n",
            env: ["B": "bee"])
        #expect(c.kafka.properties["a"] == "${literal}")
        #expect(c.kafka.properties["b"] == "x-bee-y")
        #expect(c.kafka.secretKeys.contains("b"))
        #expect(!c.kafka.secretKeys.contains("a"))
    }

}

extension ConfigLoaderTests {
    @Test func aBrokenCalendarIsReportedOnceNotAsMissing() {
        let yaml =
            Self.base
            + "calendars:\n  c: {timezone: Mars/Olympus, weekly: {mon: [\"09:00-17:00\"]}}\npolicies: [{name: p, first_response: 1h, calendar: c}]\n"
        #expect(
            Self.errors(yaml) == [
                #"lw.yaml:3:17: calendars.c.timezone: "Mars/Olympus" is not an IANA time zone (e.g. Asia/Qatar, America/New_York)"#
            ])
    }

    @Test(
        arguments: [
            (
                ConfigLoaderTests.base + "policies:\n  - name: p\n    first_response: 1h\n    first_response: 2h\n",
                #"lw.yaml:4:5: duplicate key "first_response" in this mapping; each key may appear only once"#
            ),
            ("", "lw.yaml:1:1: the configuration is empty; it needs at least kafka and policies"),
            ("- a\n- b\n", "lw.yaml:1:1: the configuration: expected a mapping of keys to values"),
            (
                ConfigLoaderTests.base + "policies:\n  - {name: p, next_response: 1h, warn_before: 2h}\n",
                "lw.yaml:3:47: policies[0].warn_before: 2h must be less than next_response (1h)"
            ),
        ] as [(String, String)])
    func documentLevelMistakes(yaml: String, message: String) {
        #expect(Self.errors(yaml) == [message])
    }
}
