import Testing

@testable import LoopwatchConfiguration

/// `ConfigError.code`: typed constants whose descriptions are the stable snake_case codes.
@Suite struct ConfigErrorCodeTests {
    static func codes(_ yaml: String, env: [String: String] = [:]) -> [ConfigError.Code] {
        do {
            _ = try ConfigLoader.load(yaml: yaml, file: "c.yaml", environment: env) { _ in throw Unreadable() }
            return []
        } catch {
            #expect(error.isConfigurationError)
            #expect(error.errors.allSatisfy { $0.isConfigurationError })
            return error.errors.map(\.code)
        }
    }

    struct Unreadable: Error {}

    static let base = "kafka: {bootstrap_servers: b:9092, input_topics: [in]}\n"

    @Test(
        arguments: [
            ("", ConfigError.Code.empty),
            ("kafka: [unclosed", .yamlSyntax),
            (base + "policies: [{name: p, first_response: 1h, first_response: 2h}]", .duplicateKey),
            (base + "policies: [{name: p, first_respons: 1h, next_response: 1h}]", .unknownKey),
            ("policies: [{name: p, first_response: 1h}]", .missingKey),
            (base + "policies: {name: p}", .wrongType),
            (base + "metrics: {listen: nowhere}\npolicies: [{name: p, first_response: 1h}]", .invalidValue),
            (base + "policies: [{name: p, first_response: soon}]", .invalidDuration),
            (base + "policies: [{name: p, first_response: 1h, ignore: {text_matches: [\"(\"]}}]", .invalidRegex),
            (base + "policies: [{name: p, first_response: 1h, severity: \"${oops}\"}]", .invalidSubstitution),
            (base + "policies: [{name: p, first_response: 1h, severity: \"${env:NOPE}\"}]", .missingEnv),
            (base + "policies: [{name: p, first_response: 1h, severity: \"${file:/nope}\"}]", .missingFile),
            (base + "policies: [{name: p, first_response: 1h, calendar: c}]", .unknownCalendar),
            (base + "policies: [{name: p, first_response: 1h}, {name: p, first_response: 2h}]", .duplicateName),
        ] as [(String, ConfigError.Code)])
    func eachMistakeHasItsCode(yaml: String, code: ConfigError.Code) {
        #expect(Self.codes(yaml) == [code])
    }

    @Test func descriptionsAreTheStableNames() {
        let all: [ConfigError.Code] = [
            .unreadable, .empty, .yamlSyntax, .duplicateKey, .unknownKey, .missingKey, .wrongType, .invalidValue,
            .invalidDuration, .invalidRegex, .invalidSubstitution, .missingEnv, .missingFile, .unknownCalendar,
            .duplicateName,
        ]
        #expect(
            all.map(\.description) == [
                "unreadable", "empty", "yaml_syntax", "duplicate_key", "unknown_key", "missing_key", "wrong_type",
                "invalid_value", "invalid_duration", "invalid_regex", "invalid_substitution", "missing_env",
                "missing_file", "unknown_calendar", "duplicate_name",
            ])
        #expect(Set(all).count == all.count)
    }

    @Test func anUnreadableFileIsAConfigurationError() {
        #expect {
            _ = try ConfigLoader.load(path: "/nonexistent/loopwatch.yaml", environment: [:])
        } throws: { error in
            let errors = (error as? ConfigErrors)?.errors ?? []
            return errors.map(\.code) == [.unreadable] && (error as? ConfigErrors)?.isConfigurationError == true
        }
    }
}
