import LoopwatchCore
import LoopwatchTestSupport
import PropertyBased
import Testing

@testable import LoopwatchReport

/// The fast `ReportDriver` (batched decoding, events applied in place, names numbered, policies
/// remembered per channel and priority, its own id set) against the plain loop it replaced: one
/// event at a time, by value, every lookup done again — the same report for every input.
@Suite struct ReportDriverBatchTests {
    /// Policies that match on tags and attributes too, and none that matches everything (some
    /// responses are unmatched).
    static let policies = PolicySet([
        Policy(
            name: "vip", match: PolicyMatch(tags: ["vip"], attributes: [(key: "tier", values: ["gold"])]),
            firstResponse: .minutes(10), nextResponse: .minutes(20), version: "v1"),
        Policy(
            name: "email-care", match: PolicyMatch(channels: ["email"]), firstResponse: .minutes(30),
            nextResponse: .hours(1), countAutomatedReplies: true,
            ignore: try! IgnoreRules(textMatches: ["^(thanks|ok)[.! ]*$"]), version: "e1"),
        Policy(
            name: "urgent", match: PolicyMatch(priorities: [.urgent, .high]), firstResponse: .minutes(20),
            version: "u1"),
        Policy(
            name: "social", match: PolicyMatch(channels: ["twitter", "unknown"]), firstResponse: .minutes(15),
            nextResponse: .minutes(30), version: "s1"),
    ])

    /// The loop `ReportDriver` ran before it batched: decode into a fresh event, apply it by
    /// value, ask the engine for the channel and match the policy for every counted event.
    struct PlainDriver {
        var engine: SLAEngine
        var report: SocialStatusReport
        let decoder: EventDecoder
        let lateness: TimeSpan
        var maxSeen = Timestamp.distantPast
        var countedIDs = Set<UInt64>()

        init(processing: LoopwatchConfig.Processing, options: SocialStatusReport.Options) {
            engine = SLAEngine.reporting(policies: ReportDriverBatchTests.policies, processing: processing)
            var options = options
            options.policyNames = engine.policies.policies.map(\.name)
            report = SocialStatusReport(options: options)
            decoder = EventDecoder(
                maxEventBytes: processing.maxEventBytes, maxFutureSkew: nil,
                projection: EventProjection(for: engine.policies))
            lateness = processing.allowedLateness
        }

        mutating func feed(line: String) {
            var line = line
            line.withUTF8 { feed(line: UnsafeRawBufferPointer($0)) }
        }

        mutating func feed(line: UnsafeRawBufferPointer) {
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0d }) { return }
            var e = InteractionEvent(id: "", conversationID: "", kind: .broadcast, occurredAt: .distantPast)
            if decoder.decode(line, now: nil, into: &e) != nil { return report.recordBadEvent() }
            let at = e.occurredAt
            if let until = report.options.until, at > until { return }
            if at > maxSeen { maxSeen = at }
            engine.advance(to: maxSeen - lateness)
            let result = engine.apply(e)
            drain()
            guard e.kind == .broadcast || e.kind == .response else {
                return report.recordEvent(occurredAt: at, kind: e.kind, channel: e.channel, policy: nil)
            }
            let duplicate =
                result == .duplicate || (report.inPeriod(at) && !countedIDs.insert(e.idHash).inserted)
            let channel = engine.channel(of: e.conversationID) ?? e.channel
            let policies = engine.policies
            let policy = policies.firstMatch(
                channel: channel, priority: e.priority, tags: e.tags, attributes: e.attributes
            ).map { policies.policies[$0].name }
            report.recordEvent(occurredAt: at, kind: e.kind, channel: channel, policy: policy, duplicate: duplicate)
        }

        mutating func finish() -> SocialStatus {
            if let end = report.options.until ?? (maxSeen == .distantPast ? nil : maxSeen) { engine.advance(to: end) }
            drain()
            for o in engine.remainingConcernOutcomes() { report.record(o) }
            return report.status()
        }

        mutating func drain() {
            for a in engine.drainAlerts() { report.record(alert: a) }
            for o in engine.drainConcernOutcomes() { report.record(o) }
        }
    }

    /// Random logs over many conversations, out of order within a window, with redeliveries, ids
    /// reused in other conversations, events without a channel, tags and attributes.
    static func log(seed: UInt64, size: Int) -> [String] {
        var rng = SplitMix(seed: seed)
        var lines: [String] = []
        var minute = 0
        for i in 0..<size {
            minute += Int.random(in: 0...15, using: &rng)
            let at = max(0, minute - Int.random(in: 0...25, using: &rng))
            let conv = "c\(Int.random(in: 0..<12, using: &rng))"
            let channel = ["twitter", "email", "review", "unknown", nil, nil][Int.random(in: 0..<6, using: &rng)]
            var extra = ""
            if Bool.random(using: &rng) {
                extra += #","priority":"\#(["low", "normal", "high", "urgent"].randomElement(using: &rng)!)""#
            }
            if Int.random(in: 0..<4, using: &rng) == 0 { extra += #","tags":["vip","x"]"# }
            if Int.random(in: 0..<4, using: &rng) == 0 {
                extra += #","attributes":{"tier":"\#(Bool.random(using: &rng) ? "gold" : "silver")"}"#
            }
            let id = Int.random(in: 0..<10, using: &rng) == 0 ? "e\(Int.random(in: 0...i, using: &rng))" : "e\(i)"
            let roll = Int.random(in: 0..<20, using: &rng)
            let l: String
            switch roll {
            case 0..<8:
                let text = roll == 0 ? "ok" : "help"
                l = ReportDriverTests.line(id, conv, "response", at, channel: channel, text: text, extra: extra)
            case 8..<11: l = ReportDriverTests.line(id, conv, "acknowledgement", at, channel: channel)
            case 11:
                l = ReportDriverTests.line(id, conv, "acknowledgement", at, extra: #","author":{"automated":true}"#)
            case 12..<15: l = ReportDriverTests.line(id, conv, "broadcast", at, channel: channel, extra: extra)
            case 15:
                let status = ["waiting_on_customer", "open", "closed"].randomElement(using: &rng)!
                l = ReportDriverTests.line(id, conv, "status", at, extra: #","status":"\#(status)""#)
            case 16: l = Bool.random(using: &rng) ? "{\"id\": 1}" : "  "
            default: l = lines.randomElement(using: &rng) ?? "{}"  // a redelivery
            }
            lines.append(l)
        }
        return lines
    }

    @Test func theBatchedDriverGivesThePlainLoopsReport() async {
        await propertyCheck(
            count: 150, input: Gen.int(in: 0...Int(Int32.max)), Gen.int(in: 0...260), Gen.int(in: 0...3)
        ) { seed, size, shape in
            var processing = LoopwatchConfig.Processing()
            processing.allowedLateness = shape & 1 == 0 ? .zero : .minutes(5)
            processing.stateTTL = shape & 2 == 0 ? .days(30) : .hours(2)  // forgotten conversations too
            let lines = Self.log(seed: UInt64(seed), size: size)
            let bounded = seed % 3 == 0
            let options = try! SocialStatusReport.Options(
                since: bounded ? ReportGenerator.minutes(Int64(size)) : nil,
                until: bounded ? ReportGenerator.minutes(Int64(size * 5)) : nil, longestOpenLimit: 3)
            var plain = PlainDriver(processing: processing, options: options)
            var fast = ReportDriver(
                engine: SLAEngine.reporting(policies: Self.policies, processing: processing), processing: processing,
                options: options)
            for l in lines {
                plain.feed(line: l)
                fast.feed(line: l)
            }
            let (a, b) = (fast.finish(), plain.finish())
            #expect(a == b, "seed \(seed) size \(size) shape \(shape)")
            #expect(a.json() == b.json(), "seed \(seed) size \(size) shape \(shape)")
        }
    }

    @Test func theIDSetIsASet() {
        var rng = SplitMix(seed: 11)
        var fast = EventIDSet()
        var slow = Set<UInt64>()
        for _ in 0..<20_000 {
            // Small keys collide often; 0 is a key too.
            let key = Bool.random(using: &rng) ? UInt64.random(in: 0..<3000, using: &rng) : rng.next()
            #expect(fast.insert(key) == slow.insert(key).inserted)
        }
        #expect(fast.count == slow.count)
        #expect(slow.allSatisfy { fast.contains($0) } && !fast.contains(3001) == !slow.contains(3001))
    }

    @Test func namesKeepTheirNumbersPastTheFewComparedOnes() {
        var index = NameIndex()
        let names = (0..<20).map { "channel-\($0)" }
        for (n, name) in names.enumerated() { #expect(index.number(of: name) == n) }
        for (n, name) in names.enumerated().reversed() {
            #expect(index.number(of: name) == n && index.existingNumber(of: name) == n)
        }
        #expect(index.count == 20 && index.names == names && index.existingNumber(of: "x") == nil)
    }

    @Test func theOldestOpenAreAStableSortsFirst() {
        var rng = SplitMix(seed: 5)
        let outcomes = (0..<400).map { i in
            ConcernOutcome(
                conversationID: "c\(Int.random(in: 0..<5, using: &rng))", channel: "twitter", policyName: "p",
                metric: Bool.random(using: &rng) ? .firstResponse : .nextResponse,
                concernSince: Timestamp(millis: Int64.random(in: 0..<40, using: &rng)), deadline: nil, endedAt: nil,
                outcome: .open, unansweredCount: i)  // ties everywhere; the count tells them apart
        }
        let sorted = outcomes.sorted(by: SocialStatusReport.olderFirst)
        for limit in [0, 1, 3, 20, 399, 400, 500] {
            #expect(SocialStatusReport.oldest(outcomes, limit: limit) == Array(sorted.prefix(limit)), "limit \(limit)")
        }
    }
}
