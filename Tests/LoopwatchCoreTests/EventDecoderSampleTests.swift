import Foundation
import Testing

@testable import LoopwatchCore

/// The bundled sample files (`config/samples/*.jsonl`) decode as documented.
@Suite struct EventDecoderSampleTests {
    static let samples = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("config/samples")

    /// After every sample event; none is in the future.
    static let now = RFC3339.parse("2026-12-01T00:00:00Z")!
    /// A small limit so that the `too_large` sample line stays readable (every good event is smaller).
    static let decoder = EventDecoder(maxEventBytes: 2048)

    /// The lines of a file as raw bytes (invalid UTF-8 must reach the decoder unrepaired).
    static func lines(_ name: String) throws -> [[UInt8]] {
        let data = try Data(contentsOf: samples.appendingPathComponent(name))
        var lines = [UInt8](data).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
        if lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }

    @Test func everySampleEventDecodes() throws {
        let lines = try Self.lines("events.jsonl")
        #expect(lines.count >= 30)
        var kinds = Set<InteractionEvent.Kind>()
        for (n, line) in lines.enumerated() {
            switch Self.decoder.decode(line, now: Self.now) {
            case .success(let event): kinds.insert(event.kind)
            case .failure(let bad): Issue.record("events.jsonl:\(n + 1): \(bad)")
            }
        }
        #expect(kinds == Set(InteractionEvent.Kind.allCases))
    }

    /// The expected reason of each line of `bad-events.jsonl`, in order.
    static let badReasons: [BadEventReason] = [
        .tooLarge, .invalidUTF8, .invalidJSON, .missingField, .wrongType,
        .unknownKind, .badTimestamp, .futureTimestamp, .invalidValue, .emptyMessage,
    ]

    @Test func everyBadSampleFailsWithItsReason() throws {
        let lines = try Self.lines("bad-events.jsonl")
        #expect(lines.count == Self.badReasons.count)
        for (n, (line, reason)) in zip(lines, Self.badReasons).enumerated() {
            let bad = Self.decoder.decode(line, now: Self.now).badEvent
            #expect(
                bad?.reason == reason, "bad-events.jsonl:\(n + 1): \(bad.map(String.init(describing:)) ?? "decoded")")
        }
        #expect(Set(Self.badReasons) == Set(BadEventReason.allCases))
    }
}
