import Foundation
import KafkaClient
import LoopwatchCore
import Testing

@testable import LoopwatchWorker

@Suite struct ProcessingCoreTests {
    static let topics = ProcessingCore.Topics(
        inputs: ["interactions"], alerts: "sla-alerts", state: "loopwatch-state", deadLetter: "interactions-dlq")
    static let now = Timestamp(millis: 1_793_610_000_000)  // 2026-11-02T09:00:00Z

    static func config() -> LoopwatchConfig {
        var processing = LoopwatchConfig.Processing()
        processing.allowedLateness = .seconds(30)
        return LoopwatchConfig(
            kafka: .init(bootstrapServers: "embedded"), processing: processing,
            policies: PolicySet([Policy(name: "default", firstResponse: .minutes(15), version: "v1")]))
    }

    /// A message keyed by its conversation_id (SPEC §1), or by `key` when given.
    static func message(_ json: String, partition: Int32 = 0, offset: Int64 = 0, key: [UInt8]?? = nil)
        -> KafkaConsumerMessage
    {
        let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let conversation = (object?["conversation_id"] as? String).map { Array($0.utf8) }
        return KafkaConsumerMessage(
            topic: "interactions", partition: partition, offset: offset, key: key ?? conversation ?? Array("c1".utf8),
            value: Array(json.utf8), headers: [("trace", Array("t1".utf8))])
    }

    @Test func badEventBecomesADeadLetterWithHeaders() throws {
        var core = ProcessingCore(topics: Self.topics, config: Self.config())
        core.open(partition: 3)
        core.process(
            Self.message(
                #"{"id":"e1","conversation_id":"c1","kind":"shout","occurred_at":"2026-11-02T09:00:00Z"}"#,
                partition: 3, offset: 42), now: Self.now)
        var out: [KafkaProducerRecord] = []
        core.drainOutput(now: Self.now, into: &out)
        let dlq = try #require(out.first { $0.topic == "interactions-dlq" })
        let headers = Dictionary(
            dlq.headers.map { ($0.0, String(decoding: $0.1 ?? [], as: UTF8.self)) }, uniquingKeysWith: { a, _ in a })
        #expect(headers["loopwatch.error"] == "unknown_kind")
        #expect(headers["loopwatch.error.detail"]?.contains("shout") == true)
        #expect(headers["loopwatch.source"] == "interactions/3/42")
        #expect(headers["trace"] == "t1")
        #expect(
            dlq.value
                == Array(
                    #"{"id":"e1","conversation_id":"c1","kind":"shout","occurred_at":"2026-11-02T09:00:00Z"}"#.utf8))
        #expect(dlq.key == Array("c1".utf8))
        #expect(core.drainStats().bad == [.unknownKind: 1])
    }

    @Test func breachFromTheWallClockGoesToTheAlertTopicWithTheStateChange() throws {
        var core = ProcessingCore(topics: Self.topics, config: Self.config())
        core.open(partition: 1)
        core.process(
            Self.message(
                #"{"id":"e1","conversation_id":"c1","kind":"response","occurred_at":"2026-11-02T09:00:00Z"}"#,
                partition: 1), now: Self.now)
        var out: [KafkaProducerRecord] = []
        core.drainOutput(now: Self.now, into: &out)
        #expect(out.map(\.topic) == ["loopwatch-state"])
        #expect(out[0].partition == 1)

        out = []
        let later = Self.now + .minutes(15) + .seconds(31)
        core.tick(now: later, caughtUp: { _ in true })
        core.drainOutput(now: later, into: &out)
        #expect(out.map(\.topic) == ["sla-alerts", "loopwatch-state"])
        #expect(String(decoding: out[0].key ?? [], as: UTF8.self) == "c1")
        #expect(String(decoding: out[0].value ?? [], as: UTF8.self).contains("loopwatch.sla.breached"))
        let stats = core.drainStats()
        #expect(stats.alerts == [.breached: 1])
        #expect(stats.alertDelays.count == 1)
    }

    /// A poll batch (partitions interleaved, a bad event inside a run, runs longer than the
    /// prefetch window) gives exactly the records and counts of the same messages one by one.
    @Test func aBatchGivesWhatTheSameMessagesGiveOneByOne() {
        var messages: [KafkaConsumerMessage] = []
        for i in 0..<150 {
            let kind = ["response", "response", "acknowledgement", "broadcast", "shout"][i % 5]
            let json =
                #"{"id":"e\#(i)","conversation_id":"c\#(i % 13)","kind":"\#(kind)","occurred_at":"2026-11-02T08:\#(String(format: "%02d", i % 60)):00Z","text":"t\#(i)"}"#
            messages.append(Self.message(json, partition: i < 100 ? 0 : Int32(i % 2), offset: Int64(i)))
        }
        func run(_ body: (inout ProcessingCore) -> Void) -> ([String], ProcessingCore.Stats) {
            var core = ProcessingCore(topics: Self.topics, config: Self.config())
            body(&core)
            let later = Self.now + .hours(1)
            core.tick(now: later, caughtUp: { _ in true })
            var out: [KafkaProducerRecord] = []
            core.drainOutput(now: later, into: &out)
            return (
                out.map {
                    "\($0.topic)/\($0.partition.map(String.init) ?? "-")/\(String(decoding: $0.value ?? [], as: UTF8.self))"
                }, core.drainStats()
            )
        }
        let (batched, batchedStats) = run { $0.process(messages, now: Self.now) }
        let (single, singleStats) = run { core in for m in messages { core.process(m, now: Self.now) } }
        #expect(batched == single)
        #expect(batchedStats.events == singleStats.events && batchedStats.bad == singleStats.bad)
        // Over two lanes (partitions applied on two threads at once) and over one: the same.
        for lanes in [1, 2] {
            let (inLanes, laneStats) = run { core in
                core.lanes = Array(repeating: EngineLane(), count: lanes)
                core.process(messages, now: Self.now)
            }
            #expect(inLanes == single)
            #expect(laneStats.events == singleStats.events && laneStats.bad == singleStats.bad)
            #expect(laneStats.changelogRecords == singleStats.changelogRecords)
        }
        #expect(batchedStats.bad == [.unknownKind: 30])
        #expect(batched.contains { $0.hasPrefix("sla-alerts/") })
    }

    @Test func laggingPartitionDoesNotBreachOnTheWallClock() {
        var core = ProcessingCore(topics: Self.topics, config: Self.config())
        core.open(partition: 0)
        core.process(
            Self.message(#"{"id":"e1","conversation_id":"c1","kind":"response","occurred_at":"2026-11-02T09:00:00Z"}"#),
            now: Self.now)
        let muchLater = Self.now + .hours(2)
        core.tick(now: muchLater, caughtUp: { _ in false })  // the acknowledgement may be in the backlog
        var out: [KafkaProducerRecord] = []
        core.drainOutput(now: muchLater, into: &out)
        #expect(!out.contains { $0.topic == "sla-alerts" })
    }

    @Test func restoredStateIsUsedAndCorruptRecordsAreSkipped() {
        var core = ProcessingCore(topics: Self.topics, config: Self.config())
        core.open(partition: 0)
        core.process(
            Self.message(#"{"id":"e1","conversation_id":"c1","kind":"response","occurred_at":"2026-11-02T09:00:00Z"}"#),
            now: Self.now)
        var out: [KafkaProducerRecord] = []
        core.drainOutput(now: Self.now, into: &out)
        let record = out[0]

        var fresh = ProcessingCore(topics: Self.topics, config: Self.config())
        fresh.open(partition: 0)
        let corrupt = fresh.restore(partition: 0, key: Array("junk".utf8), value: [0xff, 0x01])
        let good = fresh.restore(partition: 0, key: record.key, value: record.value)
        #expect(!corrupt)
        #expect(good)
        #expect(fresh.conversations == 1)
        #expect(fresh.openConcerns == 1)
    }

    @Test func hugeBadEventIsTruncatedInTheDeadLetterTopicWithItsSize() throws {
        var core = ProcessingCore(topics: Self.topics, config: Self.config())
        core.open(partition: 0)
        let huge = KafkaConsumerMessage(
            topic: "interactions", partition: 0, offset: 7, key: nil, value: Array(repeating: 0x61, count: 2_000_000))
        core.process(huge, now: Self.now)
        var out: [KafkaProducerRecord] = []
        core.drainOutput(now: Self.now, into: &out)
        let dlq = try #require(out.first)
        #expect(dlq.value?.count == ProcessingCore.maxDeadLetterBytes)
        #expect(dlq.headers.contains { $0.0 == "loopwatch.truncated" && $0.1 == Array("2000000".utf8) })
        #expect(dlq.headers.contains { $0.0 == "loopwatch.error" && $0.1 == Array("too_large".utf8) })
    }
}
