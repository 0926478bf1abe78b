import Foundation
import KafkaClient
import LoopwatchCore
import Testing

@testable import LoopwatchWorker

/// SPEC §1 "Keying" without `kafka.repartition_topic`: a good event not keyed by its
/// `conversation_id` is a `wrong_key` dead letter; nothing else changes.
@Suite struct WrongKeyTests {
    typealias T = ProcessingCoreTests

    static func response(_ id: String, _ conversation: String, minute: Int = 0) -> String {
        #"{"id":"\#(id)","conversation_id":"\#(conversation)","kind":"response","occurred_at":"2026-11-02T08:\#(String(format: "%02d", minute)):00Z"}"#
    }

    static func headers(_ r: KafkaProducerRecord) -> [String: String] {
        Dictionary(
            r.headers.map { ($0.0, String(decoding: $0.1 ?? [], as: UTF8.self)) }, uniquingKeysWith: { a, _ in a })
    }

    @Test(arguments: [nil, Array("account-7".utf8), Array("c1 ".utf8), []] as [[UInt8]?])
    func aGoodEventKeyedOtherwiseIsAWrongKeyDeadLetter(key: [UInt8]?) throws {
        var core = ProcessingCore(topics: T.topics, config: T.config())
        let json = Self.response("e1", "c1")
        core.process(T.message(json, partition: 1, offset: 9, key: .some(key)), now: T.now)
        var out: [KafkaProducerRecord] = []
        core.drainOutput(now: T.now, into: &out)
        #expect(out.map(\.topic) == ["interactions-dlq"])
        let dlq = try #require(out.first)
        #expect(dlq.key == key)
        #expect(dlq.value == Array(json.utf8))
        let h = Self.headers(dlq)
        #expect(h["loopwatch.error"] == "wrong_key")
        #expect(h["loopwatch.source"] == "interactions/1/9")
        #expect(h["loopwatch.error.detail"]?.contains("\"c1\"") == true)
        #expect(h["loopwatch.error.detail"]?.contains("kafka.repartition_topic") == true)
        let stats = core.drainStats()
        #expect(stats.bad == [.wrongKey: 1])
        #expect(stats.events.isEmpty)
        #expect(stats.wrongKeySample?.hasPrefix("interactions/1/9: ") == true)
        #expect(core.conversations == 0)
    }

    @Test func theKeyIsComparedWithTheDecodedIdNotItsJSONSpelling() {
        var core = ProcessingCore(topics: T.topics, config: T.config())
        let json = #"{"id":"e1","conversation_id":"caf\u00e9","kind":"response","occurred_at":"2026-11-02T08:00:00Z"}"#
        core.process(T.message(json, key: .some(Array("café".utf8))), now: T.now)
        #expect(core.drainStats().bad.isEmpty)
        #expect(core.conversations == 1)
    }

    @Test func anEventBadInItselfKeepsItsOwnReason() {
        var core = ProcessingCore(topics: T.topics, config: T.config())
        core.process(
            T.message(
                #"{"id":"e1","conversation_id":"c1","kind":"shout","occurred_at":"2026-11-02T08:00:00Z"}"#,
                key: .some(nil)), now: T.now)
        #expect(core.drainStats().bad == [.unknownKind: 1])
    }

    /// Mis-keyed events inside a batch leave the rest exactly as if they had never been there.
    @Test func misKeyedEventsChangeNothingElse() {
        var all: [KafkaConsumerMessage] = []
        var wellKeyed: [KafkaConsumerMessage] = []
        for i in 0..<120 {
            let kind = ["response", "acknowledgement", "response", "broadcast"][i % 4]
            let json =
                #"{"id":"e\#(i)","conversation_id":"c\#(i % 7)","kind":"\#(kind)","occurred_at":"2026-11-02T08:\#(String(format: "%02d", i % 60)):00Z"}"#
            let misKeyed = i % 5 == 3
            let m = T.message(
                json, partition: Int32(i % 2), offset: Int64(i), key: misKeyed ? .some(Array("acct".utf8)) : nil)
            all.append(m)
            if !misKeyed { wellKeyed.append(m) }
        }
        func run(_ messages: [KafkaConsumerMessage]) -> ([String], ProcessingCore.Stats) {
            var core = ProcessingCore(topics: T.topics, config: T.config())
            core.process(messages, now: T.now)
            let later = T.now + .hours(1)
            core.tick(now: later, caughtUp: { _ in true })
            var out: [KafkaProducerRecord] = []
            core.drainOutput(now: later, into: &out)
            let lines = out.filter { $0.topic != "interactions-dlq" }.map {
                "\($0.topic)/\($0.partition.map(String.init) ?? "-")/\(String(decoding: $0.value ?? [], as: UTF8.self))"
            }
            return (lines, core.drainStats())
        }
        let (mixed, mixedStats) = run(all)
        let (clean, cleanStats) = run(wellKeyed)
        #expect(mixed == clean)
        #expect(mixedStats.events == cleanStats.events)
        #expect(mixedStats.bad == [.wrongKey: 24])
        #expect(cleanStats.bad.isEmpty)
    }

    @Test func theWarningIsRateLimitedAndCounts() throws {
        var w = WrongKeyWarning()
        let t0 = ContinuousClock.now
        #expect(w.note(count: 0, sample: nil, now: t0) == nil)
        let noted = w.note(count: 2, sample: "interactions/0/1: the message has no key", now: t0)
        let first = try #require(noted)
        #expect(first.description.hasPrefix("2 input message(s)"))
        #expect(first.description.contains("interactions/0/1"))
        #expect(first.description.contains("kafka.repartition_topic"))
        #expect(w.note(count: 5, sample: "later", now: t0 + .seconds(30)) == nil)
        #expect(w.note(count: 1, sample: "later still", now: t0 + .seconds(59)) == nil)
        let notedAgain = w.note(count: 0, sample: nil, now: t0 + .seconds(61))
        let second = try #require(notedAgain)
        #expect(second.description.hasPrefix("6 input message(s)"))
        #expect(second.description.contains("(e.g. later)"))
        #expect(w.note(count: 0, sample: nil, now: t0 + .seconds(200)) == nil)
    }

    @Test func everyReasonIsCountedInMetrics() {
        #expect(BadEventReason.everyReason.contains(.wrongKey))
        #expect(!BadEventReason.allCases.contains(.wrongKey))
        let text = String(decoding: WorkerMetrics().render(), as: UTF8.self)
        #expect(text.contains(#"reason="wrong_key""#))
    }
}
