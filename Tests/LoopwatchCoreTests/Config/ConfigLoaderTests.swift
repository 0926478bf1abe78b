import Testing
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
        let c = try Self.load("kafka: {bootstrap_servers: b:9092, input_topics: in}\npolicies: [{name: p, first_response: 1h}]")
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

    @Test(arguments: [
        (base + "policies:\n  - name: p\n    first_response: 15x\n",
         #"lw.yaml:4:21: policies[0].first_response: invalid duration "15x" (use a number followed by ms, s, m, h or d, e.g. 15m)"#),

        ("policies:\n  - name: p\n    first_response: 1h\n",
         "lw.yaml:1:1: kafka: missing (needs at least bootstrap_servers and input_topics)"),
        (base + "policies:\n  - name: p\n    first_response: 1h\n    calendar: nope\n",
         #"lw.yaml:5:15: policies[0].calendar: no calendar named "nope" (none are defined under calendars:)"#),
        (base + "policies:\n  - name: p\n    first_response: 1h\n    ignore: {text_matches: [\"(unclosed\"]}\n",
         #"lw.yaml:5:28: policies[0].ignore.text_matches: "(unclosed" is not a valid POSIX extended regular expression: Unmatched ( or \("#),
        (base + "calendars:\n  c: {timezone: Mars/Olympus, weekly: {mon: [\"09:00-17:00\"]}}\npolicies: [{name: p, first_response: 1h}]\n",
         #"lw.yaml:3:17: calendars.c.timezone: "Mars/Olympus" is not an IANA time zone (e.g. Asia/Qatar, America/New_York)"#),
        (base + "calendars:\n  c: {timezone: UTC, weekly: {mon: [\"17:00-09:00\"]}}\npolicies: [{name: p, first_response: 1h}]\n",
         #"lw.yaml:3:36: calendars.c.weekly.mon: "17:00-09:00" is not an interval HH:MM-HH:MM with start before end (end may be 24:00)"#),
        (base + "calendars:\n  c: {timezone: UTC, weekly: {mnd: [\"09:00-17:00\"]}}\npolicies: [{name: p, first_response: 1h}]\n",
         #"lw.yaml:3:31: calendars.c.weekly: "mnd" is not a day or day range (mon … sun, e.g. mon-fri, sun-thu, sat,sun)"#),
        (base + "calendars:\n  c: {timezone: UTC, weekly: {mon: [\"09:00-17:00\"]}, holidays: [2026-02-30]}\npolicies: [{name: p, first_response: 1h}]\n",
         #"lw.yaml:3:64: calendars.c.holidays: "2026-02-30" is not a date YYYY-MM-DD"#),
        (base + "policies:\n  - {name: p, first_response: 1h}\n  - {name: p, first_response: 2h}\n",
         #"lw.yaml:4:5: policies[1].name: "p" is used by an earlier policy; names must be unique"#),
        (base + "policies:\n  - {name: p, first_response: 10m, warn_before: 10m}\n",
         "lw.yaml:3:49: policies[0].warn_before: 10m must be less than first_response (10m)"),
        (base + "policies:\n  - {name: p, first_response: 10m, escalations: [{after: 1h}, {after: 30m}]}\n",
         "lw.yaml:3:63: policies[0].escalations[1].after: 30m must be later than the previous escalation's 1h"),
        (base + "policies: [\n",
         "lw.yaml:3:1: YAML syntax error: did not find expected node content"),
        (blockBase + "  properties: {sasl.password: \"${env:KAFKA_PASSWORD}\"}\npolicies: [{name: p, first_response: 1h}]\n",
         "lw.yaml:4:31: kafka.properties.sasl.password: environment variable KAFKA_PASSWORD is not set"),
        (blockBase + "  properties: {sasl.password: \"${file:/nope}\"}\npolicies: [{name: p, first_response: 1h}]\n",
         "lw.yaml:4:31: kafka.properties.sasl.password: cannot read /nope"),
        (base + "metrics: {listen: localhost}\npolicies: [{name: p, first_response: 1h}]\n",
         #"lw.yaml:2:19: metrics.listen: "localhost" is not host:port (or off)"#),
        (base + "policies:\n  - {name: p}\n",
         "lw.yaml:3:5: policies[0]: needs first_response and/or next_response (the targets)"),
    ] as [(String, String)])
    func mistakesAreReportedWithTheirPosition(yaml: String, message: String) {
        #expect(Self.errors(yaml) == [message])
    }

    @Test func aTypoIsNamedWithASuggestion() {
        // The misspelt key is reported, and so is what its absence means.
        #expect(Self.errors(Self.base + "policies:\n  - name: p\n    first_respons: 15m\n") == [
            "lw.yaml:3:5: policies[0]: needs first_response and/or next_response (the targets)",
            #"lw.yaml:4:5: policies[0].first_respons: unknown key — did you mean "first_response"?"#,
        ])
    }

    @Test func topicsMustDiffer() {
        let errors = Self.errors("kafka: {bootstrap_servers: b, input_topics: [x], alert_topic: x}\npolicies: [{name: p, first_response: 1h}]\n")
        #expect(errors.count == 1)
        #expect(errors.first?.contains("must all be different") == true)
    }

    @Test func everyMistakeIsReportedAtOnceInFileOrder() {
        let yaml = Self.base + "processing: {commit_interval: soon}\npolicies:\n  - {name: a, first_response: 1x}\n  - {name: b, bogus: 1}\n"
        let errors = Self.errors(yaml)
        #expect(errors.count == 4)
        #expect(errors == errors.sorted { a, b in
            let la = a.split(separator: ":")[1...2].map { Int($0)! }, lb = b.split(separator: ":")[1...2].map { Int($0)! }
            return (la[0], la[1]) < (lb[0], lb[1])
        })
    }

    @Test func secretsNeverAppearInErrors() {
        let yaml = Self.blockBase + "  properties: {sasl.password: \"${file:/run/credentials/loopwatch.service/kafka-password}\", bogus: [1]}\npolicies: [{name: p, first_response: 1h}]\n"
        let errors = Self.errors(yaml).joined(separator: "\n")
        #expect(!errors.isEmpty)
        #expect(!errors.contains("hunter2"))
    }

    @Test func substitutionEscapesAndEnvironment() throws {
        let c = try Self.load(Self.blockBase + "  properties: {a: \"$${literal}\", b: \"x-${env:B}-y\"}\npolicies: [{name: p, first_response: 1h}]\n", env: ["B": "bee"])
        #expect(c.kafka.properties["a"] == "${literal}")
        #expect(c.kafka.properties["b"] == "x-bee-y")
        #expect(c.kafka.secretKeys.contains("b"))
        #expect(!c.kafka.secretKeys.contains("a"))
    }

    @Test func policyVersionIgnoresFormattingButNotMeaning() throws {
        let a = try Self.load(Self.specExample).policies.policies[0].version
        let reformatted = Self.specExample.replacingOccurrences(of: "            warn_before: 5m\n", with: "            warn_before: 5m   # five minutes\n")
            .replacingOccurrences(of: "first_response: 15m\n            next_response: 30m", with: "next_response: 30m\n            first_response: 15m")
        #expect(try Self.load(reformatted).policies.policies[0].version == a)
        for change in [("first_response: 15m", "first_response: 16m"), ("14:00-18:00", "14:00-18:30"),
                       ("holidays: [2026-12-18]", "holidays: [2026-12-19]"), ("priority: [high, urgent]", "priority: [urgent]"),
                       ("👍)[.! ]*$", "👍)[.!]*$")] {
            let changed = Self.specExample.replacingOccurrences(of: change.0, with: change.1)
            #expect(try Self.load(changed).policies.policies[0].version != a, "\(change)")
        }
        #expect(a.allSatisfy { "0123456789abcdef".contains($0) })
    }

    @Test(arguments: [("Thanks!", true), (" ok ", true), ("👍", true), ("thank you.", true), ("THANKS", true),
                      ("thanks but the app still crashes", false), ("", false)] as [(String, Bool)])
    func ignoreRules(text: String, ignored: Bool) throws {
        let rules = try IgnoreRules(textMatches: ["^(thanks|thank you|ok|👍)[.! ]*$"])
        #expect(rules.ignores(text: text) == ignored)
        #expect(!rules.ignores(text: nil))
    }
}
