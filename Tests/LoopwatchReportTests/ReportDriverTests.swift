import Foundation
import LoopwatchCore
import LoopwatchTestSupport
import PropertyBased
import Testing

@testable import LoopwatchReport

/// `ReportDriver`: JSONL in, a report out, events run through an engine as `replay` runs them.
@Suite struct ReportDriverTests {
    /// Email counts automated replies and ignores thanks; urgent messages are measured in
    /// business hours (Monday to Friday 02:00–10:00 UTC); the rest around the clock.
    static let policies = PolicySet([
        Policy(
            name: "email-care", match: PolicyMatch(channels: ["email"]), firstResponse: .minutes(30),
            nextResponse: .hours(1), countAutomatedReplies: true,
            ignore: try! IgnoreRules(textMatches: ["^(thanks|ok)[.! ]*$"]), version: "e1"),
        Policy(
            name: "office", match: PolicyMatch(priorities: [.urgent]),
            calendar: BusinessCalendar(
                name: "office", timeZone: "UTC",
                weekly: (0..<7).map { (1...5).contains($0) ? [.init(start: 120, end: 600)] : [] }, holidays: []),
            firstResponse: .minutes(20), nextResponse: .minutes(40), version: "o1"),
        Policy(name: "default", firstResponse: .minutes(15), nextResponse: .minutes(30), version: "d1"),
    ])

    static func processing(lateness: TimeSpan = .zero) -> LoopwatchConfig.Processing {
        var p = LoopwatchConfig.Processing()
        p.allowedLateness = lateness
        return p
    }

    static func line(
        _ id: String, _ conv: String, _ kind: String, _ minute: Int, channel: String? = nil, text: String? = nil,
        extra: String = ""
    ) -> String {
        let at = RFC3339.format(ReportGenerator.minutes(Int64(minute)))
        var s = #"{"id":"\#(id)","conversation_id":"\#(conv)","kind":"\#(kind)","occurred_at":"\#(at)""#
        if let channel { s += #","channel":"\#(channel)""# }
        if let text { s += #","text":"\#(text)""# }
        return s + extra + "}"
    }

    static func report<E: ReportEngine>(
        _ engine: E, _ lines: [String], since: Int? = nil, until: Int? = nil, lateness: TimeSpan = .zero
    ) throws -> (SocialStatus, ReportDriver<E>) {
        let options = try SocialStatusReport.Options(
            since: since.map { ReportGenerator.minutes(Int64($0)) },
            until: until.map { ReportGenerator.minutes(Int64($0)) })
        var d = ReportDriver(engine: engine, processing: processing(lateness: lateness), options: options)
        for l in lines { d.feed(line: l) }
        let status = d.finish()
        return (status, d)
    }

    @Test func eachEventCountsOnceAndBadOrLateLinesAreHandled() throws {
        let lines = [
            Self.line("b1", "c1", "broadcast", 0, channel: "twitter"),
            Self.line("b1", "c1", "broadcast", 0, channel: "twitter"),  // duplicate broadcast
            Self.line("r1", "c2", "response", 10, channel: "email", text: "thanks!"),  // ignored
            Self.line("r1", "c2", "response", 10, channel: "email", text: "thanks!"),  // duplicate ignored one
            Self.line("r2", "c2", "response", 11, text: "where is my refund?"),  // channel from the conversation
            Self.line("r2", "c2", "response", 11, text: "where is my refund?"),  // the engine's duplicate
            Self.line("a1", "c2", "acknowledgement", 20),
            "{not json",
            "   ",
            Self.line("r3", "c3", "response", 30, channel: "twitter"),
            Self.line("late", "c3", "response", 500, channel: "twitter"),  // after --until: not read
        ]
        let (rs, rd) = try Self.report(ReferenceEngine(policies: Self.policies), lines, until: 100)
        let (es, ed) = try Self.report(
            SLAEngine.reporting(policies: Self.policies, processing: Self.processing()), lines, until: 100)
        let runs: [(engine: AnyEngine, s: SocialStatus, counts: [Int])] = [
            (.reference, rs, [rd.lines, rd.events, rd.afterUntil]), (.real, es, [ed.lines, ed.events, ed.afterUntil]),
        ]
        for (engine, s, counts) in runs {
            #expect(counts == [11, 8, 1])
            #expect(s.badEvents == 1)
            #expect(s.overall.broadcasts == 1 && s.overall.customerMessages == 3, "\(engine)")
            let email = s.channels.first { $0.name == "email" }?.group
            #expect(email?.customerMessages == 2)
            #expect(s.policies.first { $0.name == "email-care" }?.group.customerMessages == 2)
            #expect(s.policies.map(\.name) == ["email-care", "default"])
            #expect(s.overall.concerns == 2 && s.overall.answeredWithinTarget == 1 && s.overall.openOverdue == 1)
            #expect(s.overall.firstResponse?.p50 == 540)
            #expect(s.longestOpen.map(\.conversationID) == ["c3"], "\(engine)")
            #expect(s.since == ReportGenerator.minutes(0) && s.until == ReportGenerator.minutes(100))
            #expect(s.breachesByHourOfWeek.joined().reduce(0, +) == 1)  // c3 at 00:45
        }
    }

    enum AnyEngine { case reference, real }

    /// Random in-order conversation logs (with redeliveries and bad lines) as JSONL.
    static func log(seed: UInt64, size: Int) -> [String] {
        var rng = SplitMix(seed: seed)
        var lines: [String] = []
        var minute = 0
        for i in 0..<size {
            minute += Int.random(in: 0...12, using: &rng)  // ties too: a status and a message at one instant
            let conv = "c\(Int.random(in: 0..<4, using: &rng))"
            let channel = ["twitter", "email", nil][Int.random(in: 0..<3, using: &rng)]
            let roll = Int.random(in: 0..<20, using: &rng)
            let l: String
            switch roll {
            case 0..<8:
                let urgent = roll < 3 ? #","priority":"urgent""# : ""
                let text = roll == 0 ? "ok" : "help"
                l = line("e\(i)", conv, "response", minute, channel: channel, text: text, extra: urgent)
            case 8..<12: l = line("e\(i)", conv, "acknowledgement", minute, channel: channel)
            case 12: l = line("e\(i)", conv, "acknowledgement", minute, extra: #","author":{"automated":true}"#)
            case 13..<15: l = line("e\(i)", conv, "broadcast", minute, channel: channel)
            case 15:
                let status = ["waiting_on_customer", "open", "closed", "waiting_on_third_party"].randomElement(
                    using: &rng)!
                l = line("e\(i)", conv, "status", minute, extra: #","status":"\#(status)""#)
            case 16: l = "{\"id\": 1}"
            default: l = lines.last ?? line("e\(i)", conv, "broadcast", minute)  // a redelivery
            }
            lines.append(l)
        }
        return lines
    }

    @Test func theEngineTheReferenceAndReplayAgreeOnTheWholeReport() async {
        await propertyCheck(count: 200, input: Gen.int(in: 0...Int(Int32.max)), Gen.int(in: 1...80)) { seed, size in
            let lines = Self.log(seed: UInt64(seed), size: size)
            let real = try! Self.report(
                SLAEngine.reporting(policies: Self.policies, processing: Self.processing()), lines)
            let reference = try! Self.report(ReferenceEngine(policies: Self.policies), lines)
            var replay = ReplayDriver(policies: Self.policies, processing: Self.processing())
            var breached = Array(repeating: Array(repeating: 0, count: 24), count: 7)
            let zone = ReportTimeZone.utc
            let count: (Alert) -> Void = { a in
                guard a.kind == .breached else { return }
                let (d, h) = zone.hourOfWeek(a.time)
                breached[d][h] += 1
            }
            for l in lines { replay.feed(line: l, emit: count) }
            replay.finish(until: nil, emit: count)
            #expect(real.0.breachesByHourOfWeek == breached, "seed \(seed): report vs replay")
            #expect(reference.0.breachesByHourOfWeek == breached, "seed \(seed): reference vs replay")
            #expect(real.0.badEvents == replay.summary.badEvents.values.reduce(0, +))
            // The whole report: the engine's outcomes are the reference's.
            let (a, b) = (JSON.parse(real.0.json()), JSON.parse(reference.0.json()))
            #expect(a == b, "seed \(seed) size \(size)\nengine    \(a)\nreference \(b)")
        }
    }
}
