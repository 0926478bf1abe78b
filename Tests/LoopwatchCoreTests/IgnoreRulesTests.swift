import Testing

@testable import LoopwatchCore

/// `ignore.text_matches`: POSIX ERE, case-insensitive, on the trimmed text.
@Suite struct IgnoreRulesTests {
    @Test(
        arguments: [
            ("Thanks!", true), (" ok ", true), ("👍", true), ("thank you.", true), ("THANKS", true), ("\tok!!\n", true),
            ("thanks but the app still crashes", false), ("no thanks", false), ("", false), ("   ", false),
        ] as [(String, Bool)])
    func ignoreRules(text: String, ignored: Bool) throws {
        let rules = try IgnoreRules(textMatches: ["^(thanks|thank you|ok|👍)[.! ]*$"])
        #expect(rules.ignores(text: text) == ignored)
    }

    @Test func noTextOrNoRulesIgnoresNothing() throws {
        #expect(try !IgnoreRules(textMatches: ["^(thanks|thank you|ok|👍)[.! ]*$"]).ignores(text: nil))
        #expect(!IgnoreRules().ignores(text: "thanks"))
    }

    @Test func anInvalidPatternIsRefusedWithRegcompsReason() {
        #expect(throws: IgnoreRules.RegexError.self) { try IgnoreRules(textMatches: ["^ok$", "(unclosed"]) }
    }
}

/// The ignore rules run in the C locale (documented in docs/policies.md): case-insensitive for
/// ASCII letters, and non-ASCII characters are matched as their UTF-8 bytes — fine as literals
/// and in alternations, not inside `[...]` or as one `.`.
@Suite struct IgnoreRulesLocaleTests {
    @Test(arguments: [
        ("^(👍|🙏)$", "🙏", true),
        ("^[👍🙏]$", "👍", false),
        ("^.$", "👍", false),
        ("^merci$", "MERCI", true),
        ("^é$", "É", false),
        ("^(gracias|danke)[.! ]*$", "  Danke!  ", true),
    ])
    func matching(pattern: String, text: String, ignored: Bool) throws {
        #expect(try IgnoreRules(textMatches: [pattern]).ignores(text: text) == ignored)
    }
}
