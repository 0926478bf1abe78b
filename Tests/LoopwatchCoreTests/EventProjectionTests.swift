import Testing

@testable import LoopwatchCore

/// The decoder keeps only what the projection asks for, and judges every message the same way
/// whatever it keeps.
@Suite struct EventProjectionTests {
    static let lean = EventDecoder(
        projection: EventProjection(tags: false, attributeKeys: [], authorID: false, textOnEveryKind: false))

    static let full = #"""
        {"id":"ev-9","conversation_id":"dm-7","kind":"response","occurred_at":"2026-11-02T09:30:00Z",
         "author":{"id":"cust-3"},"tags":["vip"],"attributes":{"customer_tier":"gold","lang\u0075age":"ar"},"text":"help"}
        """#

    @Test func aLeanProjectionKeepsWhatTheEngineNeeds() throws {
        let e = try Self.lean.decode(Self.full, now: nil).get()
        #expect(e.id == "ev-9" && e.conversationID == "dm-7" && e.kind == .response && e.text == "help")
        #expect(e.authorID == nil && e.tags.isEmpty && e.attributes.isEmpty)
    }

    @Test func textIsKeptOnResponsesOnly() throws {
        let ack = Self.full.replacing(#""kind":"response""#, with: #""kind":"acknowledgement""#)
        #expect(try Self.lean.decode(ack, now: nil).get().text == nil)
        #expect(try EventDecoder().decode(ack, now: nil).get().text == "help")
    }

    @Test func policiesDecideWhichTagsAndAttributesAreKept() throws {
        let policies = PolicySet([
            Policy(
                name: "gold", match: PolicyMatch(attributes: [(key: "language", values: ["ar"])]),
                firstResponse: .minutes(5)),
            Policy(name: "vip", match: PolicyMatch(tags: ["vip"]), firstResponse: .minutes(5)),
        ])
        let decoder = EventDecoder(projection: EventProjection(for: policies))
        let e = try decoder.decode(Self.full, now: nil).get()
        #expect(e.tags == ["vip"])
        #expect(e.attributes == [.init(key: "language", value: "ar")])  // its key was escaped in the message
        #expect(e.authorID == nil)
        #expect(
            try EventDecoder(projection: EventProjection(for: PolicySet([]))).decode(Self.full, now: nil).get().tags
                .isEmpty)
    }

    @Test func withoutIgnoreRulesOnlyThePreviewOfTheTextIsKept() throws {
        let long = String(repeating: "ab", count: 40) + "é"
        let text = EventDecoderTests.message(#""text":"\#(long.replacing("é", with: #"\u00e9"#))""#)
        let plain = PolicySet([Policy(name: "p", firstResponse: .minutes(5))])
        let e = try EventDecoder(projection: EventProjection(for: plain)).decode(text, now: nil).get()
        #expect(e.text == nil)
        #expect(e.textPreview.string == String(long.prefix(36)) + "…")
        #expect(SLAEngine.preview(of: e, limit: 36) == InlineText(long, limit: 36))
        #expect(SLAEngine.preview(of: e, limit: 10) == InlineText(long, limit: 10))
        let ignoring = PolicySet([
            Policy(name: "p", firstResponse: .minutes(5), ignore: try IgnoreRules(textMatches: ["^thanks"]))
        ])
        #expect(try EventDecoder(projection: EventProjection(for: ignoring)).decode(text, now: nil).get().text == long)
    }

    @Test(arguments: EventDecoderTests.badEvents)
    func badEventsAreTheSameUnderALeanProjection(text: String, reason: BadEventReason, detail: String) {
        #expect(Self.lean.decode(text, now: nil).badEvent == BadEvent(reason, detail))
        #expect(Self.engine.decode(text, now: nil).badEvent == BadEvent(reason, detail))
    }

    /// What the daemon decodes with: the policies' projection.
    static let engine = EventDecoder(
        projection: EventProjection(for: PolicySet([Policy(name: "p", firstResponse: .minutes(5))])))

    /// The index tag the decoder computes from the bytes is the tag of the id string.
    @Test func theConversationTagIsTheTagOfTheID() throws {
        for message in [
            Self.full, Self.full.replacing(#""conversation_id":"dm-7""#, with: #""conversation_id":"dm-\u0037""#),
        ] {
            let e = try Self.engine.decode(message, now: nil).get()
            #expect(e.conversationID == "dm-7")
            #expect(e.conversationTag == ConversationIndex.tag(of: "dm-7"))
        }
        var built = InteractionEvent(id: "a", conversationID: "x", kind: .response, occurredAt: .distantPast)
        built.conversationID = "dm-7"
        #expect(built.conversationTag == ConversationIndex.tag(of: "dm-7"))
    }

    @Test func theEngineProjectionKeepsTheIDAsItsHashOnly() throws {
        let e = try Self.engine.decode(Self.full, now: nil).get()
        #expect(e.id.isEmpty && e.idHash == StableHash.of("ev-9"))
        let escaped = try Self.engine.decode(Self.full.replacing(#""id":"ev-9""#, with: #""id":"ev-\u0039""#), now: nil)
            .get()
        #expect(escaped.idHash == StableHash.of("ev-9"))
        #expect(try EventDecoder().decode(Self.full, now: nil).get().idHash == StableHash.of("ev-9"))
        var built = InteractionEvent(id: "a", conversationID: "c", kind: .response, occurredAt: .distantPast)
        built.id = "ev-9"
        #expect(built.idHash == StableHash.of("ev-9"))
    }

    static let duplicateKeys: [String] = [
        #"{"a":"1","b":"2","a":"3"}"#,
        #"{"a":"1","\u0061":"2"}"#,
        #"{"k0":"","k1":"","k2":"","k3":"","k4":"","k5":"","k6":"","k7":"","k8":"","k0":""}"#,
        #"{"a":null,"a":null}"#,
    ]

    @Test(arguments: duplicateKeys)
    func duplicateAttributeKeysAreFoundWithoutBuildingStrings(attributes: String) {
        let text = EventDecoderTests.message(#""attributes":\#(attributes)"#)
        #expect(Self.lean.decode(text, now: nil).badEvent?.reason == .invalidJSON)
        #expect(EventDecoder().decode(text, now: nil).badEvent?.reason == .invalidJSON)
    }
}
