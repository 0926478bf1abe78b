import Foundation
import LoopwatchTestSupport
import Testing

@testable import LoopwatchCore

/// The alert encoder writes straight into memory (``JSONCursor``): its bytes must be exactly
/// those of the member-by-member ``JSONWriter`` rendering it replaced, for any alert — every
/// optional member present or not, strings that need escaping, numbers at their limits.
@Suite struct AlertEncoderBytesTests {
    /// The rendering through ``JSONWriter``'s public calls, member by member (the encoder as it
    /// was until 2026-12-07): the oracle.
    static func reference(_ a: Alert, source: String) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.key(ascii: "specversion")
        w.string("1.0")
        w.key(ascii: "id")
        w.string(a.id)
        w.key(ascii: "source")
        w.string(source)
        w.key(ascii: "type")
        w.string(a.kind.eventType)
        w.key(ascii: "subject")
        w.string(a.conversationID)
        w.key(ascii: "time")
        w.timestamp(a.time)
        w.key(ascii: "datacontenttype")
        w.string("application/json")
        w.key(ascii: "data")
        w.beginObject()
        w.key(ascii: "conversation_id")
        w.string(a.conversationID)
        w.key(ascii: "metric")
        w.string(a.metric.name)
        w.key(ascii: "policy")
        w.string(a.policyName)
        w.key(ascii: "policy_version")
        w.string(a.policyVersion)
        w.key(ascii: "level")
        w.int(a.level)
        w.key(ascii: "severity")
        w.string(a.severity)
        w.key(ascii: "channel")
        w.string(a.channel)
        w.key(ascii: "priority")
        w.string(a.priority.name)
        w.key(ascii: "concern_since")
        w.timestamp(a.concernSince)
        w.key(ascii: "deadline")
        if let d = a.deadline { w.timestamp(d) } else { w.null() }
        w.key(ascii: "target_seconds")
        w.int(a.targetSeconds)
        w.key(ascii: "elapsed_seconds")
        w.int(a.elapsedSeconds)
        w.key(ascii: "unanswered_count")
        w.int(a.unansweredCount)
        if let text = a.lastCustomerText {
            w.key(ascii: "last_customer_text")
            w.string(text)
        }
        w.key(ascii: "detected_late")
        w.bool(a.detectedLate)
        if let r = a.resolvedAt {
            w.key(ascii: "resolved_at")
            w.timestamp(r)
        }
        if let within = a.withinTarget {
            w.key(ascii: "within_target")
            w.bool(within)
        }
        w.endObject()
        w.endObject()
        return w.bytes
    }

    /// Strings that need every kind of escape, and long runs that need none.
    static let pieces = [
        "", "a", "plain-ascii-0123456789", "\"", "\\", "\n", "\r", "\t", "\u{08}", "\u{0C}", "\u{00}", "\u{01}",
        "\u{1F}", "\u{7F}", "é", "日本", "😀", "\u{2028}", "\u{2029}", "\u{2027}", "\u{202A}",
        "where is my \"refund\"?", String(repeating: "x", count: 40), "€\u{2028}€",
    ]

    static func string(_ rng: inout SplitMix) -> String {
        (0..<Int(rng.next() % 6)).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }.joined()
    }

    static func instant(_ rng: inout SplitMix) -> Timestamp {
        let choices: [Int64] = [
            0, -1, 1_793_610_000_000, -62_167_219_200_000, 253_402_300_799_999, Int64.max, Int64.min,
        ]
        return Timestamp(
            millis: rng.next() % 2 == 0
                ? choices[Int(rng.next() % UInt64(choices.count))] : Int64(rng.next() % (1 << 45)))
    }

    static func number(_ rng: inout SplitMix) -> Int64 {
        let choices: [Int64] = [0, 1, -1, 9, 10, 99, 100, Int64.max, Int64.min, -1_000_000]
        return rng.next() % 2 == 0 ? choices[Int(rng.next() % UInt64(choices.count))] : Int64(bitPattern: rng.next())
    }

    static func alert(_ rng: inout SplitMix) -> Alert {
        Alert(
            id: string(&rng), kind: Alert.Kind.allCases[Int(rng.next() % 4)], conversationID: string(&rng),
            metric: rng.next() % 2 == 0 ? .firstResponse : .nextResponse, policyName: string(&rng),
            policyVersion: string(&rng), level: Int(number(&rng)), severity: string(&rng), channel: string(&rng),
            priority: InteractionEvent.Priority.allCases[
                Int(rng.next() % UInt64(InteractionEvent.Priority.allCases.count))],
            concernSince: instant(&rng), deadline: rng.next() % 3 == 0 ? nil : instant(&rng), time: instant(&rng),
            targetSeconds: number(&rng), elapsedSeconds: number(&rng), unansweredCount: Int(number(&rng)),
            lastCustomerText: rng.next() % 3 == 0 ? nil : string(&rng), detectedLate: rng.next() % 2 == 0,
            resolvedAt: rng.next() % 2 == 0 ? nil : instant(&rng),
            withinTarget: [nil, true, false][Int(rng.next() % 3)])
    }

    @Test func theBytesAreThoseOfTheMemberByMemberRendering() {
        var rng = SplitMix(seed: 7)
        for _ in 0..<3_000 {
            let a = Self.alert(&rng)
            let source = "loopwatch/" + Self.string(&rng)
            var encoder = AlertEncoder(groupID: "g")
            encoder.source = source
            let expected = Self.reference(a, source: source)
            let direct = encoder.encode(a)
            #expect(direct == expected, "\(String(decoding: direct, as: UTF8.self))")
            var w = JSONWriter()
            encoder.encode(a, into: &w)
            #expect(w.bytes == expected)
            #expect(direct.count <= encoder.bound(of: a), "the bound holds")
        }
    }

    @Test func alertsFollowEachOtherInAWriterAsJSONLines() throws {
        var rng = SplitMix(seed: 11)
        let alerts = (0..<3).map { _ in Self.alert(&rng) }
        let encoder = AlertEncoder(groupID: "g")
        var w = JSONWriter()
        for a in alerts {
            encoder.encode(a, into: &w)
            w.newline()
        }
        let lines = w.bytes.split(separator: 0x0A).map(Array.init)
        #expect(lines == alerts.map { Self.reference($0, source: encoder.source) })
        for line in lines { _ = try JSONSerialization.jsonObject(with: Data(line)) }
    }

    /// Every string comes back from a JSON parser as it went in.
    @Test func stringsRoundTripThroughAParser() throws {
        var rng = SplitMix(seed: 3)
        for _ in 0..<500 {
            let s = Self.string(&rng)
            var w = JSONWriter()
            w.beginArray()
            w.string(s)
            w.endArray()
            let parsed = try #require(try JSONSerialization.jsonObject(with: Data(w.bytes)) as? [String])
            #expect(parsed == [s])
        }
    }
}
