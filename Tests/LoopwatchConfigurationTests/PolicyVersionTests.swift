import Testing

@testable import LoopwatchConfiguration
@testable import LoopwatchCore

/// `data.policy_version`: a hash of the policy as loaded, blind to formatting, not to meaning.
extension ConfigLoaderTests {
    static func vipVersion(_ yaml: String) throws -> String { try load(yaml).policies.policies[0].version }

    /// Rewrites of the SPEC example that keep its meaning: the version stays.
    @Test(arguments: [
        ("a comment", "    warn_before: 5m\n", "    warn_before: 5m   # five minutes\n"),
        ("key order", "first_response: 15m\n    next_response: 30m", "next_response: 30m\n    first_response: 15m"),
        (
            "block instead of flow", "      - { after: 30m, severity: critical }",
            "      - after: 30m\n        severity: critical"
        ),
        ("quoted scalars", "first_response: 15m", "first_response: \"15m\""),
        ("same duration, other unit", "next_response: 30m", "next_response: 1800s"),
        ("order of alternatives", "channel: [twitter, instagram]", "channel: [instagram, twitter]"),
        (
            "match key order", "      channel: [twitter, instagram]\n      priority: [high, urgent]",
            "      priority: [urgent, high]\n      channel: [twitter, instagram]"
        ),
        ("calendar renamed", "doha-care", "qatar-care"),
    ])
    func policyVersionIgnoresFormatting(what: String, from: String, to: String) throws {
        let changed = Self.specExample.replacingOccurrences(of: from, with: to)
        #expect(changed != Self.specExample, "\(what): the rewrite did not apply")
        #expect(try Self.vipVersion(changed) == Self.vipVersion(Self.specExample), "\(what)")
    }

    /// Changes of meaning: the version changes.
    @Test(arguments: [
        ("a target", "first_response: 15m", "first_response: 16m"),
        ("warn_before", "warn_before: 5m", "warn_before: 4m"),
        ("a match channel", "channel: [twitter, instagram]", "channel: [twitter]"),
        ("a match priority", "priority: [high, urgent]", "priority: [urgent]"),
        ("a match attribute", "customer_tier: [gold, platinum]", "customer_tier: [gold]"),
        ("a calendar interval", "14:00-18:00", "14:00-18:30"),
        ("the calendar's zone", "timezone: Asia/Qatar", "timezone: Asia/Riyadh"),
        ("a holiday", "holidays: [2026-12-18]", "holidays: [2026-12-19]"),
        ("an escalation", "{ after: 30m, severity: critical }", "{ after: 45m, severity: critical }"),
        ("automated replies", "count_automated_replies: false", "count_automated_replies: true"),
        ("an ignore pattern", "👍)[.! ]*$", "👍)[.!]*$"),
    ])
    func policyVersionFollowsMeaning(what: String, from: String, to: String) throws {
        let changed = Self.specExample.replacingOccurrences(of: from, with: to)
        #expect(changed != Self.specExample, "\(what): the change did not apply")
        #expect(try Self.vipVersion(changed) != Self.vipVersion(Self.specExample), "\(what)")
    }

    @Test func policyVersionIsSixteenLowercaseHexDigits() throws {
        for policy in try Self.load(Self.specExample).policies.policies {
            #expect(policy.version.count == 16)
            #expect(policy.version.allSatisfy { "0123456789abcdef".contains($0) })
        }
        let versions = try Self.load(Self.specExample).policies.policies.map(\.version)
        #expect(Set(versions).count == versions.count)
    }
}
