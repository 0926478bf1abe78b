import Testing

/// The suite trait for tests against a real (isolating) broker: `@Suite(.serialized, .noida)`.
///
/// Starts one ``NoidaBroker`` for the whole suite (reach it with ``NoidaBroker/current``),
/// always stops it at the end, and skips the suite, naming the reason, when noida-db is not
/// installed — unless `LOOPWATCH_REQUIRE_NOIDA=1` (CI), where a missing broker fails the suite.
public struct NoidaSuite: SuiteTrait, TestScoping {
    public var isRecursive: Bool { false }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        guard let binary = NoidaBroker.binary else {
            throw NoidaError(message: NoidaBroker.unavailableReason ?? "noida-db unavailable")
        }
        let started = ContinuousClock.now
        let broker = try NoidaBroker(binary: binary)
        print(
            "noida-db broker for \(test.name) on \(broker.bootstrapServers), up after \(ContinuousClock.now - started)")
        defer {
            let stopping = ContinuousClock.now
            broker.stop()
            print("noida-db broker for \(test.name) stopped in \(ContinuousClock.now - stopping)")
        }
        try await NoidaBroker.$current.withValue(broker) { try await function() }
    }
}

extension Trait where Self == NoidaSuite {
    /// One noida broker for the suite; see ``NoidaSuite``.
    public static var noida: NoidaSuite { NoidaSuite() }
}

extension Trait where Self == ConditionTrait {
    /// Skips a noida suite, with the reason, when the broker is not installed (and not required).
    public static var noidaAvailable: ConditionTrait {
        .enabled(
            if: NoidaBroker.binary != nil || NoidaBroker.isRequired,
            Comment(rawValue: NoidaBroker.unavailableReason ?? ""))
    }
}
