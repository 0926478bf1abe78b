import Testing

@testable import LoopwatchCore

/// Events decoded with a policy projection into an ``EventBatch`` and applied in place, then
/// drained as changelog records: the daemon's path, which the plain `apply(_:)` tests skip.
@Suite struct DecodedBatchChangesTests {
    static let policies = PolicySet([
        Policy(name: "default", firstResponse: .hours(4), nextResponse: .hours(8), warnBefore: .minutes(30))
    ])

    static let lines = [
        ##"{"id":"ev-45-63463","conversation_id":"tw-1860000000","kind":"acknowledgement","occurred_at":"2026-11-02T06:00:00.145Z","channel":"twitter","author":{"id":"acme-care","role":"brand","automated":false},"priority":"low","attributes":{"customer_tier":"gold","language":"en"},"text":"@brand my order #48213 still hasn't shipped, it's been two weeks — what is going on?"}"##,
        ##"{"id":"ev-116-35374","conversation_id":"tw-1860000000","kind":"response","occurred_at":"2026-11-02T05:59:59.950Z","channel":"twitter","author":{"id":"cust-0","role":"customer","automated":false},"priority":"low","attributes":{"customer_tier":"gold","language":"en"},"text":"@brand my order #48213 still hasn't shipped, it's been two weeks — what is going on?"}"##,
        ##"{"id":"ev-166-36919","conversation_id":"tw-1860000000","kind":"response","occurred_at":"2026-11-02T06:00:00.226Z","channel":"twitter","author":{"id":"cust-0","role":"customer","automated":false},"priority":"low","attributes":{"customer_tier":"gold","language":"en"},"text":"Is the store on King Street open this Sunday? Your website says two different things."}"##,
        ##"{"id":"ev-189-38861","conversation_id":"tw-1860000000","kind":"acknowledgement","occurred_at":"2026-11-02T06:00:00.291Z","channel":"twitter","author":{"id":"acme-care","role":"brand","automated":false},"priority":"low","attributes":{"customer_tier":"gold","language":"en"},"text":"Is the store on King Street open this Sunday? Your website says two different things."}"##,
        ##"{"id":"ev-230-6768","conversation_id":"tw-1860000000","kind":"response","occurred_at":"2026-11-02T06:00:00.269Z","channel":"twitter","author":{"id":"cust-0","role":"customer","automated":false},"priority":"low","attributes":{"customer_tier":"gold","language":"en"},"text":"The app crashes every time I try to pay with my card. Tried reinstalling. Please help!"}"##,
        ##"{"id":"ev-364-40603","conversation_id":"tw-1860000000","kind":"response","occurred_at":"2026-11-02T06:00:00.243Z","channel":"twitter","author":{"id":"cust-0","role":"customer","automated":false},"priority":"low","attributes":{"customer_tier":"gold","language":"en"},"text":"@brand my order #48213 still hasn't shipped, it's been two weeks — what is going on?"}"##,
        ##"{"id":"ev-633-71128","conversation_id":"tw-1860000000","kind":"status","occurred_at":"2026-11-02T06:00:00.646Z","channel":"twitter","author":{"id":"acme-care","role":"brand","automated":false},"priority":"low","attributes":{"customer_tier":"gold","language":"en"},"status":"waiting_on_customer"}"##,
        ##"{"id":"ev-655-13458","conversation_id":"tw-1860000000","kind":"response","occurred_at":"2026-11-02T06:00:00.602Z","channel":"twitter","author":{"id":"cust-0","role":"customer","automated":false},"priority":"low","attributes":{"customer_tier":"gold","language":"en"},"text":"The app crashes every time I try to pay with my card. Tried reinstalling. Please help!"}"##,
        ##"{"id":"ev-666-88001","conversation_id":"tw-1860000000","kind":"response","occurred_at":"2026-11-02T06:00:00.543Z","channel":"twitter","author":{"id":"cust-0","role":"customer","automated":false},"priority":"low","attributes":{"customer_tier":"gold","language":"en"},"text":"The app crashes every time I try to pay with my card. Tried reinstalling. Please help!"}"##,
        ##"{"id":"ev-695-75570","conversation_id":"tw-1860000000","kind":"response","occurred_at":"2026-11-02T06:00:00.500Z","channel":"twitter","author":{"id":"cust-0","role":"customer","automated":false},"priority":"low","attributes":{"customer_tier":"gold","language":"en"},"text":"@brand my order #48213 still hasn't shipped, it's been two weeks — what is going on?"}"##,
        ##"{"id":"ev-713-27667","conversation_id":"tw-1860000000","kind":"acknowledgement","occurred_at":"2026-11-02T06:00:00.571Z","channel":"twitter","author":{"id":"acme-care","role":"brand","automated":false},"priority":"low","attributes":{"customer_tier":"gold","language":"en"},"text":"Hi, can I change the delivery address for my booking? Reference QX7K2, thanks in advance"}"##,
        ##"{"id":"ev-769-14364","conversation_id":"tw-1860000000","kind":"response","occurred_at":"2026-11-02T06:00:00.956Z","channel":"twitter","author":{"id":"cust-0","role":"customer","automated":false},"priority":"low","attributes":{"customer_tier":"gold","language":"en"},"text":"Hi, can I change the delivery address for my booking? Reference QX7K2, thanks in advance"}"##,
        ##"{"id":"ev-807-1180","conversation_id":"tw-1860000000","kind":"status","occurred_at":"2026-11-02T06:00:00.991Z","channel":"twitter","author":{"id":"acme-care","role":"brand","automated":false},"priority":"low","attributes":{"customer_tier":"gold","language":"en"},"status":"open"}"##,
    ]

    /// 13 facts of one conversation, as the benchmark workload makes them: a debug build's
    /// drain crashed here (swiftlang/swift#89836, tools/swift-89836: the encoded buffer of 13
    /// facts reuses the freed `_read` frame) until it encoded a local copy of the state.
    @Test func aBusyConversationDecodedInOneBatchDrainsItsState() throws {
        var engine = SLAEngine(policies: Self.policies, settings: .init(allowedLateness: .seconds(30)))
        let decoder = EventDecoder(
            maxEventBytes: 65536, maxFutureSkew: nil, projection: EventProjection(for: Self.policies))
        var batch = EventBatch(capacity: 64)
        for line in Self.lines {
            let bytes = Array(line.utf8)
            #expect(bytes.withUnsafeBytes { batch.decode($0, with: decoder, now: nil) } == nil)
        }
        batch.warm(&engine)
        for k in 0..<batch.count { batch.apply(k, to: &engine) }
        _ = engine.advance(to: Timestamp(millis: 1_793_599_200_000), budget: 10_000)
        var drained: [(String, [UInt8]?)] = []
        engine.drainChanges { id, value in drained.append((id, value)) }
        #expect(drained.map(\.0) == ["tw-1860000000"])
        let value = try #require(drained.first?.1)
        let restored = try ConversationState.decode(value)
        #expect(restored.history.count == 13)
        #expect(restored == engine.state(of: "tw-1860000000"))
        // Drained once: nothing changed since.
        var again = 0
        engine.drainChanges { _, _ in again += 1 }
        #expect(again == 0)
    }
}
