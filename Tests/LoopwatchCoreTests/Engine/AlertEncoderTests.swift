import Foundation
import Testing

@testable import LoopwatchCore

@Suite struct AlertEncoderTests {
    @Test func breachIsAStructuredCloudEvent() throws {
        var h = EngineHarness(policies: [Policy(name: "vip-social", firstResponse: .minutes(15), version: "abc")])
        h.customer(0, conv: "tw-1", text: "where is my \"refund\"?", priority: .high)
        h.advance(to: 20)
        let json = AlertEncoder(groupID: "loopwatch").encode(h.alerts[0])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any])
        #expect(object["specversion"] as? String == "1.0")
        #expect(object["source"] as? String == "loopwatch/loopwatch")
        #expect(object["type"] as? String == "loopwatch.sla.breached")
        #expect(object["subject"] as? String == "tw-1")
        #expect(object["time"] as? String == "2026-11-02T09:15:00.000Z")
        #expect(object["datacontenttype"] as? String == "application/json")
        #expect(object["id"] as? String == h.alerts[0].id)
        let data = try #require(object["data"] as? [String: Any])
        #expect(data["conversation_id"] as? String == "tw-1")
        #expect(data["metric"] as? String == "first_response")
        #expect(data["policy"] as? String == "vip-social")
        #expect(data["policy_version"] as? String == "abc")
        #expect(data["level"] as? Int == 0)
        #expect(data["severity"] as? String == "high")
        #expect(data["channel"] as? String == "twitter")
        #expect(data["priority"] as? String == "high")
        #expect(data["concern_since"] as? String == "2026-11-02T09:00:00.000Z")
        #expect(data["deadline"] as? String == "2026-11-02T09:15:00.000Z")
        #expect(data["target_seconds"] as? Int == 900)
        #expect(data["elapsed_seconds"] as? Int == 900)
        #expect(data["unanswered_count"] as? Int == 1)
        #expect(data["last_customer_text"] as? String == "where is my \"refund\"?")
        #expect(data["detected_late"] as? Bool == false)
        #expect(data["resolved_at"] == nil)
    }

    @Test func resolvedCarriesResolvedAtAndWithinTarget() throws {
        var h = EngineHarness(policies: [Policy(name: "p", firstResponse: .minutes(15))])
        h.customer(0)
        h.advance(to: 20)
        h.ack(30)
        h.advance(to: 31)
        let json = AlertEncoder(groupID: "g").encode(h.alerts[1])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any])
        let data = try #require(object["data"] as? [String: Any])
        #expect(object["type"] as? String == "loopwatch.sla.resolved")
        #expect(data["resolved_at"] as? String == "2026-11-02T09:30:00.000Z")
        #expect(data["within_target"] as? Bool == false)
    }
}
