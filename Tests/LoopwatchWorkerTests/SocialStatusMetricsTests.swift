import Foundation
import KafkaClient
import LoopwatchCore
import LoopwatchReport
import LoopwatchTestSupport
import Testing

@testable import LoopwatchWorker

/// The live social-status counters agree with `loopwatch report --format json` on the same
/// events (SPEC §9): one engine, one model.
@Suite(.serialized) struct SocialStatusMetricsTests {
    static let policy = Policy(name: "fast", firstResponse: .seconds(2), nextResponse: .seconds(2), version: "v1")

    @Test func countersThroughKafkaAgreeWithTheReport() async throws {
        let h = try WorkerHarness(policies: [Self.policy])
        defer { h.destroy() }
        let worker = h.startWorker()
        try await waitUntil(timeout: .seconds(30)) { worker.pipeline.status.isReady }
        let t0 = Timestamp.wallClock()
        let closed = #","status":"closed""#
        let lines = [
            eventJSON("a1", "c-answered", "response", at: t0),
            eventJSON("a2", "c-answered", "acknowledgement", at: t0 + TimeSpan(millis: 500)),
            eventJSON("b1", "c-closed", "response", at: t0),
            eventJSON("b2", "c-closed", "status", at: t0 + TimeSpan(millis: 300), extra: closed),
            eventJSON("d1", "c-late", "response", at: t0),
            eventJSON("d2", "c-late", "acknowledgement", at: t0 + .seconds(3)),
        ]
        try await h.produce(Array(lines.prefix(5)))
        // The late acknowledgement is written once its deadline has passed on the wall clock.
        try await waitUntil(timeout: .seconds(30)) { try await h.alerts().count >= 1 }
        try await h.produce([lines[5]])

        @Sendable func live(_ outcome: String) -> Int {
            worker.pipeline.metrics.value(
                of: "loopwatch_concerns_total{channel=\"twitter\",policy=\"fast\",metric=\"first_response\","
                    + "outcome=\"\(outcome)\"}")
        }
        try await waitUntil(timeout: .seconds(30)) {
            live("answered_within_target") + live("answered_late") + live("closed_unanswered") >= 3
        }
        try await worker.stop()

        let engine = SLAEngine.reporting(policies: h.config.policies, processing: h.config.processing)
        var driver = ReportDriver(
            engine: engine, processing: h.config.processing, options: try SocialStatusReport.Options())
        for line in lines { driver.feed(line: line) }
        let report = driver.finish().overall
        #expect(live("answered_within_target") == report.answeredWithinTarget)
        #expect(live("answered_late") == report.answeredLate)
        #expect(live("closed_unanswered") == report.closedUnanswered)
        #expect(report.answeredWithinTarget == 1 && report.answeredLate == 1 && report.closedUnanswered == 1)
    }
}
