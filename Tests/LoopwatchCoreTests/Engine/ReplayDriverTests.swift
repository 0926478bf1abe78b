import Testing

@testable import LoopwatchCore

/// `replay` applies events in batches; what it emits must be what applying them one by one on
/// the same event-time clock emits, in the same order.
@Suite struct ReplayDriverTests {
    @Test func batchedReplayEmitsWhatOneByOneEmits() {
        let policies = PolicySet([
            Policy(
                name: "care", firstResponse: .minutes(2), nextResponse: .minutes(3), warnBefore: .minutes(1),
                version: "v1")
        ])
        var processing = LoopwatchConfig.Processing()
        processing.allowedLateness = .seconds(20)
        var lines: [String] = []
        for i in 0..<230 {
            let kind = ["response", "response", "acknowledgement", "status", "broadcast"][(i * 7) % 5]
            let status = kind == "status" ? #","status":"\#(["waiting_on_customer", "open", "closed"][i % 3])""# : ""
            let at = RFC3339.format(
                Timestamp(millis: 1_793_610_000_000 + Int64(i) * 9_000 + Int64((i * 37) % 11) * 1_000))
            lines.append(
                #"{"id":"e\#(i % 200)","conversation_id":"c\#(i % 7)","kind":"\#(kind)","occurred_at":"\#(at)","text":"t\#(i)"\#(status)}"#
            )
            if i % 50 == 0 { lines.append("   ") }
            if i % 60 == 0 { lines.append(#"{"id":"x"}"#) }
        }
        var driver = ReplayDriver(policies: policies, processing: processing)
        var batched: [Alert] = []
        for line in lines { driver.feed(line: line) { batched.append($0) } }
        driver.finish(until: nil) { batched.append($0) }

        var engine = SLAEngine(
            policies: policies,
            settings: .init(allowedLateness: processing.allowedLateness, stateTTL: processing.stateTTL))
        let decoder = EventDecoder(maxFutureSkew: nil)
        var maxSeen = Timestamp.distantPast
        var single: [Alert] = []
        for line in lines {
            guard case .success(let e) = decoder.decode(line, now: nil) else { continue }
            maxSeen = max(maxSeen, e.occurredAt)
            engine.advance(to: maxSeen - processing.allowedLateness)
            engine.apply(e)
            single += engine.drainAlerts()
        }
        engine.advance(to: maxSeen)
        single += engine.drainAlerts()

        #expect(batched.map(\.id) == single.map(\.id))
        #expect(!batched.isEmpty)
        #expect(
            driver.summary.events == 230 && driver.summary.blankLines == 5
                && driver.summary.badEvents == [.missingField: 4])
    }
}
