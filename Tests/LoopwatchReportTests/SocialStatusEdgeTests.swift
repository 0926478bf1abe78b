import Foundation
import LoopwatchCore
import Testing

@testable import LoopwatchReport

/// The corners of SPEC §9, one by one.
@Suite struct SocialStatusEdgeTests {
    static let t0 = ReportGenerator.base  // Monday 2026-11-02 00:00 UTC

    static func at(_ minutes: Int64) -> Timestamp { ReportGenerator.minutes(minutes) }

    static func concern(
        _ id: String, _ outcome: ConcernOutcome.Kind, since: Int64 = 60, took: Int64? = nil, deadline: Int64? = 75,
        channel: String = "twitter", policy: String = "default", metric: SLAMetric = .firstResponse
    ) -> ConcernOutcome {
        let ended: Timestamp? = outcome == .open ? nil : at(since) + TimeSpan.seconds(took ?? 60)
        return ConcernOutcome(
            conversationID: id, channel: channel, policyName: policy, metric: metric, concernSince: at(since),
            deadline: deadline.map(at), endedAt: ended, outcome: outcome, unansweredCount: 1)
    }

    static func status(_ outcomes: [ConcernOutcome], until: Int64 = 600, zone: String = "UTC") throws -> SocialStatus {
        var r = SocialStatusReport(
            options: try .init(since: at(0), until: at(until), timeZone: ReportTimeZone(identifier: zone)))
        for o in outcomes { r.record(o) }
        return r.status()
    }

    @Test func nothingDecidedIsNoDataWithNullRatesAndNullPercentiles() throws {
        let empty = try Self.status([])
        #expect(empty.overall.status == .noData)
        #expect(empty.overall.answeredRate == nil && empty.overall.withinTargetRate == nil)
        #expect(empty.channels.isEmpty && empty.policies.isEmpty)
        let json = String(decoding: empty.json(), as: UTF8.self)
        #expect(
            json.contains(
                #""answered_rate":null,"within_target_rate":null,"first_response_seconds":null,"#
                    + #""next_response_seconds":null"#
            ))

        // Open, deadline still ahead (or none): not decided.
        let open = try Self.status([Self.concern("a", .open, deadline: 900), Self.concern("b", .open, deadline: nil)])
        #expect(open.overall.concerns == 2 && open.overall.open == 2 && open.overall.decided == 0)
        #expect(open.overall.status == .noData)
        #expect(open.channels.map(\.group.status) == [.noData])
    }

    @Test func anOverdueOpenConcernIsOpenAndDecided() throws {
        let s = try Self.status([Self.concern("a", .open, deadline: 600), Self.concern("b", .answeredWithinTarget)])
        #expect(s.overall.open == 1 && s.overall.openOverdue == 1)
        #expect(s.overall.decided == 2)
        #expect(s.overall.answeredRate == 0.5 && s.overall.withinTargetRate == 0.5)
        #expect(s.overall.status == .partial)
        // A deadline one minute after the end of the period is not overdue.
        let later = try Self.status([Self.concern("a", .open, deadline: 601)])
        #expect(later.overall.openOverdue == 0 && later.overall.decided == 0)
    }

    @Test func percentilesAreNearestRank() throws {
        let ten = (1...10).map { Self.concern("c\($0)", .answeredWithinTarget, took: Int64($0), deadline: nil) }
        let s = try #require(try Self.status(ten).overall.firstResponse)
        #expect(s == ResponseTimeSummary(count: 10, p50: 5, p90: 9, p99: 10, max: 10))
        let three = (1...3).map { Self.concern("c\($0)", .answeredLate, took: Int64($0) * 100, deadline: 60) }
        #expect(
            try Self.status(three).overall.firstResponse
                == ResponseTimeSummary(count: 3, p50: 200, p90: 300, p99: 300, max: 300))
        let one = [Self.concern("x", .answeredWithinTarget, took: 7, deadline: nil)]
        #expect(
            try Self.status(one).overall.firstResponse == ResponseTimeSummary(count: 1, p50: 7, p90: 7, p99: 7, max: 7))
        #expect(try Self.status(one).overall.nextResponse == nil)
        for (p, n, rank) in [
            (50, 1, 1), (50, 2, 1), (50, 3, 2), (90, 10, 9), (90, 11, 10), (99, 100, 99), (99, 101, 100),
        ] {
            #expect(ResponseTimeSummary.nearestRank(p, of: n) == rank, "p\(p) of \(n)")
        }
        // Millisecond response times, written as seconds.
        let ms = ConcernOutcome(
            conversationID: "m", channel: "email", policyName: "default", metric: .nextResponse,
            concernSince: Self.at(1),
            deadline: nil, endedAt: Self.at(1) + TimeSpan(millis: 912_318), outcome: .answeredWithinTarget,
            unansweredCount: 2)
        let json = String(decoding: try Self.status([ms]).json(), as: UTF8.self)
        #expect(
            json.contains(
                #""next_response_seconds":{"count":1,"p50":912.318,"p90":912.318,"p99":912.318,"max":912.318}"#))
    }

    @Test func statusThresholdsAreExactAtNinetyAndFiftyPercent() throws {
        func group(within: Int, late: Int, closed: Int) throws -> GroupStatus {
            var all: [ConcernOutcome] = []
            for i in 0..<within { all.append(Self.concern("w\(i)", .answeredWithinTarget)) }
            for i in 0..<late { all.append(Self.concern("l\(i)", .answeredLate, took: 3600)) }
            for i in 0..<closed { all.append(Self.concern("c\(i)", .closedUnanswered)) }
            return try Self.status(all).overall
        }
        #expect(try group(within: 9, late: 1, closed: 0).status == .closingTheLoop)  // exactly 0.9
        #expect(try group(within: 27, late: 0, closed: 3).status == .closingTheLoop)
        #expect(try group(within: 89, late: 11, closed: 0).status == .partial)  // 0.89
        #expect(try group(within: 0, late: 5, closed: 5).status == .partial)  // answered exactly 0.5
        #expect(try group(within: 2, late: 2, closed: 5).status == .oneWay)  // 4/9 < 0.5
        #expect(try group(within: 0, late: 0, closed: 1).status == .oneWay)
        let g = try group(within: 9, late: 1, closed: 0)
        #expect(g.withinTargetRate == 0.9 && g.answeredRate == 1.0)
    }

    @Test func longestOpenIsOldestFirstTiesByConversationIDAndAtMostTwenty() throws {
        var open = ["b", "a", "c"].map { Self.concern($0, .open, since: 100) }
        open.append(Self.concern("z", .open, since: 50))
        for i in 0..<30 { open.append(Self.concern("n\(i)", .open, since: 200 + Int64(i))) }
        let s = try Self.status(open.shuffled())
        #expect(s.longestOpen.count == 20)
        #expect(s.longestOpen.prefix(5).map(\.conversationID) == ["z", "a", "b", "c", "n0"])
        #expect(s.overall.open == 34)
        let json = JSON.parse(s.json())
        guard case .array(let items) = json["longest_open"] else {
            Issue.record("no longest_open")
            return
        }
        #expect(items.count == 20)
        #expect(
            items[0]
                == .object([
                    "conversation_id": .string("z"), "channel": .string("twitter"), "policy": .string("default"),
                    "metric": .string("first_response"), "concern_since": .string("2026-11-02T00:50:00.000Z"),
                    "deadline": .string("2026-11-02T01:15:00.000Z"), "unanswered_count": .number(1),
                ]))
    }

    @Test func theHeatMapFollowsTheTimeZone() throws {
        // Monday 22:30 UTC is Tuesday 01:30 in Qatar (UTC+3); Sunday 23:10 UTC is Monday 02:10 there.
        let monday = Timestamp(millis: Self.t0.millis + (22 * 60 + 30) * 60_000)
        let sunday = Timestamp(millis: Self.t0.millis + (6 * 24 * 60 + 23 * 60 + 10) * 60_000)
        func heat(_ zone: String) throws -> [[Int]] {
            var r = SocialStatusReport(options: try .init(timeZone: ReportTimeZone(identifier: zone)))
            r.recordEvent(occurredAt: Self.t0, kind: .broadcast, channel: "twitter", policy: nil)
            for t in [monday, sunday] { r.record(alert: .bare(.breached, at: t)) }
            r.record(alert: .bare(.warning, at: monday))  // not a breach
            r.record(alert: .bare(.escalated, at: monday))
            return r.status().breachesByHourOfWeek
        }
        let utc = try heat("UTC")
        #expect(utc.count == 7 && utc.allSatisfy { $0.count == 24 })
        #expect(utc[0][22] == 1 && utc[6][23] == 1 && utc.joined().reduce(0, +) == 2)
        let qatar = try heat("Asia/Qatar")
        #expect(qatar[1][1] == 1 && qatar[0][2] == 1 && qatar.joined().reduce(0, +) == 2)
    }

    @Test func breachesAndConcernsOutsideThePeriodAreLeftOut() throws {
        var r = SocialStatusReport(options: try .init(since: Self.at(100), until: Self.at(200)))
        r.record(alert: .bare(.breached, at: Self.at(99)))
        r.record(alert: .bare(.breached, at: Self.at(100)))
        r.record(alert: .bare(.breached, at: Self.at(200)))
        r.record(alert: .bare(.breached, at: Self.at(201)))
        r.record(Self.concern("early", .answeredLate, since: 99))
        r.record(Self.concern("edge", .answeredLate, since: 100, took: 3600))
        r.recordEvent(occurredAt: Self.at(99), kind: .response, channel: "email", policy: "default")
        r.recordEvent(occurredAt: Self.at(200), kind: .response, channel: "email", policy: "default")
        r.recordEvent(occurredAt: Self.at(200), kind: .response, channel: "email", policy: "default", duplicate: true)
        r.recordEvent(occurredAt: Self.at(250), kind: .broadcast, channel: "review", policy: "default")
        let s = r.status()
        #expect(s.breachesByHourOfWeek.joined().reduce(0, +) == 2)
        #expect(s.overall.concerns == 1 && s.overall.customerMessages == 1 && s.overall.broadcasts == 0)
        #expect(s.channels.map(\.name) == ["email", "twitter"])
    }

    @Test func aReversedPeriodAndAnUnknownZoneAreRefused() {
        #expect(throws: ReportError.self) { try SocialStatusReport.Options(since: Self.at(2), until: Self.at(1)) }
        #expect((try? SocialStatusReport.Options(since: Self.at(1), until: Self.at(1))) != nil)
        #expect(throws: ReportError.self) { try ReportTimeZone(identifier: "Mars/Olympus_Mons") }
        #expect(throws: ReportError.self) { try ReportTimeZone(identifier: "") }
        #expect((try? ReportTimeZone(identifier: "America/New_York"))?.identifier == "America/New_York")
    }

    @Test func theJSONKeepsTheSpecsKeyOrder() throws {
        var r = SocialStatusReport(options: try .init())
        r.recordEvent(occurredAt: Self.at(0), kind: .response, channel: "twitter", policy: "default")
        r.record(Self.concern("a", .answeredWithinTarget, since: 0))
        let json = String(decoding: r.status().json(), as: UTF8.self)
        let keys = [
            "period", "since", "until", "bad_events", "overall", "status", "broadcasts", "customer_messages",
            "concerns",
            "answered_within_target", "answered_late", "closed_unanswered", "open", "open_overdue", "answered_rate",
            "within_target_rate", "first_response_seconds", "count", "p50", "p90", "p99", "max",
            "next_response_seconds", "channels", "policies", "breaches_by_hour_of_week", "longest_open",
        ]
        var from = json.startIndex
        for key in keys {
            let r = try #require(json.range(of: "\"\(key)\":", range: from..<json.endIndex), "\(key) out of order")
            from = r.upperBound
        }
        let start =
            #"{"period":{"since":"2026-11-02T00:00:00.000Z","until":"2026-11-02T00:00:00.000Z"},"bad_events":0,"#
            + #""overall":{"status":"closing_the_loop","broadcasts":0,"customer_messages":1,"concerns":1,"#
        #expect(json.hasPrefix(start))
        #expect(json.contains(#""answered_rate":1.0,"within_target_rate":1.0,"#))
    }
}
