import Testing

@testable import LoopwatchCore

@Suite struct EventDecoderTests {
    typealias Event = InteractionEvent

    static let decoder = EventDecoder()
    static let at = RFC3339.parse("2026-11-02T09:30:00Z")!
    static let required =
        #""id":"ev-1","conversation_id":"tw-100","kind":"response","occurred_at":"2026-11-02T09:30:00Z""#

    /// A message with the required fields (kind `response`) plus `members`.
    static func message(_ members: String = "") -> String {
        members.isEmpty ? "{\(required)}" : "{\(required),\(members)}"
    }

    static func decode(_ text: String, now: Timestamp? = nil) -> Result<Event, BadEvent> {
        decoder.decode(text, now: now)
    }

    // MARK: Fields and defaults

    @Test func decodesEveryField() throws {
        let text = #"""
            {"id":"ev-9","conversation_id":"dm-7","kind":"acknowledgement","occurred_at":"2026-11-02T12:30:00.250+03:00",
             "channel":"instagram","author":{"id":"agent-3","role":"brand","automated":true},"priority":"urgent",
             "tags":["vip","refund"],"attributes":{"customer_tier":"gold","language":"ar"},"text":"On it!"}
            """#
        let event = try Self.decode(text).get()
        #expect(
            event
                == Event(
                    id: "ev-9", conversationID: "dm-7", kind: .acknowledgement,
                    occurredAt: Timestamp(millis: Self.at.millis + 250),
                    channel: "instagram", authorID: "agent-3", role: .brand, automated: true, priority: .urgent,
                    tags: ["vip", "refund"],
                    attributes: [.init(key: "customer_tier", value: "gold"), .init(key: "language", value: "ar")],
                    text: "On it!"
                ))
    }

    @Test func appliesDefaults() throws {
        let event = try Self.decode(Self.message()).get()
        #expect(event == Event(id: "ev-1", conversationID: "tw-100", kind: .response, occurredAt: Self.at))
        #expect(event.channel == "unknown")
        #expect(event.role == .customer)
        #expect(!event.automated)
        #expect(event.priority == .normal)
        #expect(event.tags.isEmpty && event.attributes.isEmpty)
        #expect(event.text == nil && event.authorID == nil && event.status == nil)
    }

    static let roleDefaults: [(String, Event.Kind, Event.Role)] = [
        (#""kind":"broadcast""#, .broadcast, .brand),
        (#""kind":"response""#, .response, .customer),
        (#""kind":"acknowledgement""#, .acknowledgement, .brand),
        (#""kind":"status","status":"open""#, .status, .brand),
    ]

    @Test(arguments: roleDefaults)
    func roleDefaultsFromKind(members: String, kind: Event.Kind, role: Event.Role) throws {
        let text = #"{"id":"a","conversation_id":"b","occurred_at":"2026-11-02T09:30:00Z",\#(members)}"#
        let event = try Self.decode(text).get()
        #expect(event.kind == kind)
        #expect(event.role == role)
        let explicit = try Self.decode(
            #"{"id":"a","conversation_id":"b","occurred_at":"2026-11-02T09:30:00Z",\#(members),"author":{"role":"customer"}}"#
        ).get()
        #expect(explicit.role == .customer)
    }

    static let statuses: [(String, Event.AgentStatus)] = [
        ("waiting_on_customer", .waitingOnCustomer), ("waiting_on_third_party", .waitingOnThirdParty),
        ("open", .open), ("closed", .closed),
    ]

    @Test(arguments: statuses)
    func decodesStatus(name: String, status: Event.AgentStatus) throws {
        let text =
            #"{"id":"a","conversation_id":"b","kind":"status","occurred_at":"2026-11-02T09:30:00Z","status":"\#(name)"}"#
        #expect(try Self.decode(text).get().status == status)
    }

    @Test func keepsStatusOnlyForStatusEvents() throws {
        #expect(try Self.decode(Self.message(#""status":"closed""#)).get().status == nil)
    }

    @Test(arguments: Event.Priority.allCases)
    func decodesPriority(priority: Event.Priority) throws {
        #expect(try Self.decode(Self.message(#""priority":"\#(priority.name)""#)).get().priority == priority)
    }

    static let nullsAreAbsent: [String] = [
        #""channel":null"#, #""author":null"#, #""priority":null"#, #""tags":null"#, #""attributes":null"#,
        #""text":null"#, #""status":null"#, #""author":{"id":null,"role":null,"automated":null}"#,
        #""channel":"""#, #""author":{}"#, #""tags":[]"#, #""attributes":{}"#,
    ]

    @Test(arguments: nullsAreAbsent)
    func treatsNullAsAbsent(members: String) throws {
        #expect(try Self.decode(Self.message(members)).get() == Self.decode(Self.message()).get())
    }

    @Test func leavesNullAttributesOut() throws {
        let event = try Self.decode(Self.message(#""attributes":{"a":"1","b":null,"c":"3"}"#)).get()
        #expect(event.attributes == [.init(key: "a", value: "1"), .init(key: "c", value: "3")])
        #expect(event.attribute("c") == "3" && event.attribute("b") == nil)
    }

    @Test func acceptsManyAttributes() throws {
        let members = (0..<40).map { #""k\#($0)":"v\#($0)""# }.joined(separator: ",")
        let event = try Self.decode(Self.message(#""attributes":{\#(members)}"#)).get()
        #expect(event.attributes.count == 40)
        #expect(event.attribute("k39") == "v39")
    }

    // MARK: Strings

    static let escapes: [(String, String)] = [
        (#"plain"#, "plain"),
        (#"say \"hi\""#, "say \"hi\""),
        (#"back\\slash"#, "back\\slash"),
        (#"\/path"#, "/path"),
        (#"a\nb\rc\td\be\ff"#, "a\nb\rc\td\u{08}e\u{0C}f"),
        (#"caf\u00e9"#, "café"),
        (#"caf\u00E9"#, "café"),
        (#"\u0000nul"#, "\u{0}nul"),
        (#"\u20ac"#, "€"),
        (#"\ud83d\ude00 smile"#, "😀 smile"),
        (#"raw café 😀 ✓"#, "raw café 😀 ✓"),
        (
            #"long text without escapes that spans several eight-byte words!"#,
            "long text without escapes that spans several eight-byte words!"
        ),
        (
            #"long text with an escape at the very end of several words\n"#,
            "long text with an escape at the very end of several words\n"
        ),
        ("", ""),
    ]

    @Test(arguments: escapes)
    func unescapesStrings(literal: String, value: String) throws {
        #expect(try Self.decode(Self.message(#""text":"\#(literal)""#)).get().text == value)
    }

    @Test func unescapesKeysAndEnumValues() throws {
        let text =
            #"{"\u0069d":"a","conversation_id":"b","kind":"respons\u0065","occurred_at":"2026-11-02T09:30:00\u005a","pri\u006frity":"hig\u0068"}"#
        let event = try Self.decode(text).get()
        #expect(event.id == "a" && event.kind == .response && event.occurredAt == Self.at && event.priority == .high)
    }

    // MARK: Syntax variations

    static let whitespace: [String] = [
        "{\(required)}",
        " \t\r\n{ \(required.replacing(",", with: " ,\n\t")) } \n",
        "{\n  \"id\" : \"ev-1\" ,\n  \"conversation_id\":\"tw-100\",\"kind\"\t:\t\"response\",\r\n\"occurred_at\": \"2026-11-02T09:30:00Z\"\n}\n",
        "\u{FEFF}{\(required)}",
    ]

    @Test(arguments: whitespace)
    func acceptsWhitespaceAndBOM(text: String) throws {
        #expect(try Self.decode(text).get() == Self.decode(Self.message()).get())
    }

    static let unknownFields: [String] = [
        #""extra":1"#, #""extra":-0"#, #""extra":0.5"#, #""extra":-12.5e+10"#, #""extra":1E-7"#, #""extra":3e0"#,
        #""extra":true"#, #""extra":false"#, #""extra":null"#, #""extra":"s\"t\u00e9""#,
        #""extra":[]"#, #""extra":{}"#, #""extra":[1,[2,[3,{"a":{"b":[null]}}]]]"#,
        #""extra":{"id":"not-this-one","kind":"bogus"}"#, #""author":{"id":"u","nested":{"x":[1,2]}}"#,
        #""extra":1,"extra":2"#,
    ]

    @Test(arguments: unknownFields)
    func ignoresUnknownFields(members: String) throws {
        let event = try Self.decode(Self.message(members)).get()
        #expect(event.id == "ev-1" && event.kind == .response)
    }

    @Test func decodesEveryInputForm() throws {
        let text = Self.message(#""text":"é""#)
        let expected = try Self.decode(text).get()
        #expect(try Self.decoder.decode(Array(text.utf8), now: nil).get() == expected)
        #expect(
            try Self.decoder.decode(Substring("xx" + text + "yy").dropFirst(2).dropLast(2), now: nil).get() == expected)
        let viaPointer = Array(text.utf8).withUnsafeBytes { Self.decoder.decode($0, now: nil) }
        #expect(try viaPointer.get() == expected)
    }

    // MARK: Bad events

    static let badEvents: [(String, BadEventReason, String)] = [
        // empty_message
        ("", .emptyMessage, "message is empty"),
        (" \n\t ", .emptyMessage, "message contains only whitespace"),
        ("\u{FEFF}", .emptyMessage, "message contains only whitespace"),
        // invalid_json
        ("[1,2]", .invalidJSON, "message is not a JSON object: found an array at byte 0"),
        (" \"text\"", .invalidJSON, "message is not a JSON object: found a string at byte 1"),
        ("42", .invalidJSON, "message is not a JSON object: found a number at byte 0"),
        ("null", .invalidJSON, "message is not a JSON object: found null at byte 0"),
        ("hello", .invalidJSON, "message is not valid JSON: expected a value at byte 0"),
        ("{", .invalidJSON, "message is not valid JSON: unexpected end of input in an object at byte 1"),
        (#"{"id""#, .invalidJSON, "message is not valid JSON: expected ':' after an object key at byte 5"),
        (#"{"id":}"#, .invalidJSON, "message is not valid JSON: expected a value at byte 6"),
        (#"{"id":"a",}"#, .invalidJSON, "message is not valid JSON: expected a quoted object key at byte 10"),
        (
            #"{"id":"a" "x":1}"#, .invalidJSON,
            "message is not valid JSON: expected ',' or '}' after an object member at byte 10"
        ),
        (#"{id:"a"}"#, .invalidJSON, "message is not valid JSON: expected a quoted object key at byte 1"),
        (#"{"id":'a'}"#, .invalidJSON, "message is not valid JSON: expected a value at byte 6"),
        (#"{"id":"a}"#, .invalidJSON, "message is not valid JSON: unterminated string at byte 6"),
        ("{\"id\":\"a\tb\"}", .invalidJSON, "message is not valid JSON: control character in a string at byte 8"),
        (#"{"id":"a\x"}"#, .invalidJSON, "message is not valid JSON: invalid escape sequence at byte 8"),
        (#"{"id":"a\u12G4"}"#, .invalidJSON, #"message is not valid JSON: invalid \u escape at byte 8"#),
        (
            #"{"id":"\ud83d"}"#, .invalidJSON,
            #"message is not valid JSON: unpaired UTF-16 surrogate in a \u escape at byte 7"#
        ),
        (
            #"{"id":"\ud83d\u0041"}"#, .invalidJSON,
            #"message is not valid JSON: unpaired UTF-16 surrogate in a \u escape at byte 7"#
        ),
        (
            #"{"id":"\ude00"}"#, .invalidJSON,
            #"message is not valid JSON: unpaired UTF-16 surrogate in a \u escape at byte 7"#
        ),
        (#"{"x":01}"#, .invalidJSON, "message is not valid JSON: expected ',' or '}' after an object member at byte 6"),
        (#"{"x":1.}"#, .invalidJSON, "message is not valid JSON: invalid number: expected a digit after '.' at byte 7"),
        (
            #"{"x":1e}"#, .invalidJSON,
            "message is not valid JSON: invalid number: expected a digit in the exponent at byte 7"
        ),
        (#"{"x":-}"#, .invalidJSON, "message is not valid JSON: invalid number: expected a digit at byte 6"),
        (#"{"x":+1}"#, .invalidJSON, "message is not valid JSON: expected a value at byte 5"),
        (#"{"x":.5}"#, .invalidJSON, "message is not valid JSON: expected a value at byte 5"),
        (#"{"x":NaN}"#, .invalidJSON, "message is not valid JSON: expected a value at byte 5"),
        (#"{"x":tru}"#, .invalidJSON, "message is not valid JSON: invalid literal at byte 5"),
        (#"{"x":[1,]}"#, .invalidJSON, "message is not valid JSON: expected a value at byte 8"),
        (
            #"{"x":[1 2]}"#, .invalidJSON,
            "message is not valid JSON: expected ',' or ']' after an array element at byte 8"
        ),
        (
            #"{"x":1} {"y":2}"#, .invalidJSON,
            "message is not valid JSON: unexpected data after the top-level value at byte 8"
        ),
        (
            #"{"x":1}garbage"#, .invalidJSON,
            "message is not valid JSON: unexpected data after the top-level value at byte 7"
        ),
        (
            #"{"x":1}\u0000"#, .invalidJSON,
            "message is not valid JSON: unexpected data after the top-level value at byte 7"
        ),
        // syntax errors win over field problems found earlier
        (#"{"kind":"bogus","x":[}"#, .invalidJSON, "message is not valid JSON: expected a value at byte 21"),
        // invalid_utf8 (\u{...} in Swift source is valid UTF-8; invalid bytes are in the byte table below)
        // missing_field
        ("{}", .missingField, #"field "id" is missing or null"#),
        (
            #"{"id":null,"conversation_id":"b","kind":"response","occurred_at":"2026-11-02T09:30:00Z"}"#, .missingField,
            #"field "id" is missing or null"#
        ),
        (
            #"{"id":"a","kind":"response","occurred_at":"2026-11-02T09:30:00Z"}"#, .missingField,
            #"field "conversation_id" is missing or null"#
        ),
        (
            #"{"id":"a","conversation_id":"b","occurred_at":"2026-11-02T09:30:00Z"}"#, .missingField,
            #"field "kind" is missing or null"#
        ),
        (
            #"{"id":"a","conversation_id":"b","kind":"response"}"#, .missingField,
            #"field "occurred_at" is missing or null"#
        ),
        (
            #"{"id":"a","conversation_id":"b","kind":"status","occurred_at":"2026-11-02T09:30:00Z"}"#, .missingField,
            #"field "status" is missing or null; it is required when kind is "status""#
        ),
        // wrong_type
        (
            message(#""x":1"#).replacing(#""id":"ev-1""#, with: #""id":17"#), .wrongType,
            #"field "id": expected a string, found a number"#
        ),
        (
            #"{"id":"a","conversation_id":{"v":1}}"#, .wrongType,
            #"field "conversation_id": expected a string, found an object"#
        ),
        (#"{"kind":["response"]}"#, .wrongType, #"field "kind": expected a string, found an array"#),
        (#"{"occurred_at":1793611800000}"#, .wrongType, #"field "occurred_at": expected a string, found a number"#),
        (message(#""channel":true"#), .wrongType, #"field "channel": expected a string, found a boolean"#),
        (message(#""author":"u-1""#), .wrongType, #"field "author": expected an object, found a string"#),
        (message(#""author":{"id":5}"#), .wrongType, #"field "author.id": expected a string, found a number"#),
        (message(#""author":{"role":true}"#), .wrongType, #"field "author.role": expected a string, found a boolean"#),
        (
            message(#""author":{"automated":"yes"}"#), .wrongType,
            #"field "author.automated": expected a boolean, found a string"#
        ),
        (message(#""priority":3"#), .wrongType, #"field "priority": expected a string, found a number"#),
        (message(#""tags":"vip""#), .wrongType, #"field "tags": expected an array of strings, found a string"#),
        (message(#""tags":["vip",7]"#), .wrongType, #"field "tags[1]": expected a string, found a number"#),
        (message(#""tags":["vip",null]"#), .wrongType, #"field "tags[1]": expected a string, found null"#),
        (message(#""attributes":["a"]"#), .wrongType, #"field "attributes": expected an object, found an array"#),
        (
            message(#""attributes":{"tier":1}"#), .wrongType,
            #"field "attributes.tier": expected a string, found a number"#
        ),
        (message(#""text":{"en":"hi"}"#), .wrongType, #"field "text": expected a string, found an object"#),
        (message(#""status":false"#), .wrongType, #"field "status": expected a string, found a boolean"#),
        // invalid_value
        (#"{"id":"","conversation_id":"b"}"#, .invalidValue, #"field "id" must not be empty"#),
        (#"{"id":"a","conversation_id":""}"#, .invalidValue, #"field "conversation_id" must not be empty"#),
        (
            message(#""priority":"asap""#), .invalidValue,
            #"field "priority": "asap" is not one of low, normal, high, urgent"#
        ),
        (
            message(#""priority":"High""#), .invalidValue,
            #"field "priority": "High" is not one of low, normal, high, urgent"#
        ),
        (
            message(#""author":{"role":"agent"}"#), .invalidValue,
            #"field "author.role": "agent" is not one of brand, customer"#
        ),
        (
            message(#""status":"pending""#), .invalidValue,
            #"field "status": "pending" is not one of waiting_on_customer, waiting_on_third_party, open, closed"#
        ),
        // unknown_kind
        (
            #"{"id":"a","kind":"reply"}"#, .unknownKind,
            #"field "kind": "reply" is not one of broadcast, response, acknowledgement, status"#
        ),
        (
            #"{"kind":""}"#, .unknownKind,
            #"field "kind": "" is not one of broadcast, response, acknowledgement, status"#
        ),
        (
            #"{"kind":"say \"hi\"\n"}"#, .unknownKind,
            #"field "kind": "say \"hi\"\n" is not one of broadcast, response, acknowledgement, status"#
        ),
        // bad_timestamp
        (
            #"{"occurred_at":"2026-13-01T00:00:00Z"}"#, .badTimestamp,
            #"field "occurred_at": "2026-13-01T00:00:00Z" is not an RFC 3339 timestamp with offset"#
        ),
        (
            #"{"occurred_at":"2026-11-02T09:30:00"}"#, .badTimestamp,
            #"field "occurred_at": "2026-11-02T09:30:00" is not an RFC 3339 timestamp with offset"#
        ),
        (
            #"{"occurred_at":"yesterday"}"#, .badTimestamp,
            #"field "occurred_at": "yesterday" is not an RFC 3339 timestamp with offset"#
        ),
        (#"{"occurred_at":""}"#, .badTimestamp, #"field "occurred_at": "" is not an RFC 3339 timestamp with offset"#),
        // duplicate keys
        (message(#""id":"ev-2""#), .invalidJSON, #"field "id" appears more than once"#),
        (message(#""author":{"id":"a","id":"b"}"#), .invalidJSON, #"field "author.id" appears more than once"#),
        (message(#""attributes":{"k":"a","k":"b"}"#), .invalidJSON, #"field "attributes.k" appears more than once"#),
        (message(#""attributes":{"k":null,"k":"b"}"#), .invalidJSON, #"field "attributes.k" appears more than once"#),
        // the first field problem in message order wins
        (
            #"{"kind":"bogus","occurred_at":"bad","id":7}"#, .unknownKind,
            #"field "kind": "bogus" is not one of broadcast, response, acknowledgement, status"#
        ),
        (#"{"id":7,"kind":"bogus"}"#, .wrongType, #"field "id": expected a string, found a number"#),
    ]

    @Test(arguments: badEvents)
    func rejectsBadEvents(text: String, reason: BadEventReason, detail: String) {
        let bad = Self.decode(text).badEvent
        #expect(bad == BadEvent(reason, detail))
    }

    static let badBytes: [([UInt8], BadEventReason, String)] = [
        (
            Array(#"{"text":"caf"#.utf8) + [0xE9] + Array(#""}"#.utf8), .invalidUTF8,
            "message is not valid UTF-8: invalid byte 0xE9 at byte 12"
        ),
        ([0xFF, 0x7B, 0x7D], .invalidUTF8, "message is not valid UTF-8: invalid byte 0xFF at byte 0"),
        (
            Array(#"{"id":""#.utf8) + [0xC0, 0xAF] + [0x22, 0x7D], .invalidUTF8,
            "message is not valid UTF-8: invalid byte 0xC0 at byte 7"
        ),
        (
            Array(#"{"id":""#.utf8) + [0xED, 0xA0, 0x80] + [0x22, 0x7D], .invalidUTF8,
            "message is not valid UTF-8: invalid byte 0xED at byte 7"
        ),
        (
            Array(#"{"id":""#.utf8) + [0xF4, 0x90, 0x80, 0x80] + [0x22, 0x7D], .invalidUTF8,
            "message is not valid UTF-8: invalid byte 0xF4 at byte 7"
        ),
        (
            Array(#"{"id":"abcdefghijklmnopqrstuvwxyz"#.utf8) + [0xE2, 0x82], .invalidUTF8,
            "message is not valid UTF-8: invalid byte 0xE2 at byte 33"
        ),
        (
            Array(#"{"id":"a"}"#.utf8) + [0x00], .invalidJSON,
            "message is not valid JSON: unexpected data after the top-level value at byte 10"
        ),
        (
            [0xEF, 0xBB, 0xBF] + Array("[]".utf8), .invalidJSON,
            "message is not a JSON object: found an array at byte 3"
        ),
    ]

    @Test(arguments: badBytes)
    func rejectsBadBytes(bytes: [UInt8], reason: BadEventReason, detail: String) {
        #expect(Self.decoder.decode(bytes, now: nil).badEvent == BadEvent(reason, detail))
    }

    @Test func rejectsTooLargeBeforeAnythingElse() {
        let small = EventDecoder(maxEventBytes: 16)
        let text = Self.message()
        #expect(
            small.decode(text, now: nil).badEvent
                == BadEvent(.tooLarge, "message is \(text.utf8.count) bytes, over the limit of 16 bytes"))
        #expect(small.decode([UInt8](repeating: 0xFF, count: 17), now: nil).failureReason == .tooLarge)
        #expect(EventDecoder(maxEventBytes: text.utf8.count).decode(text, now: nil).failureReason == nil)
    }

    static let skew: [(String, BadEventReason?)] = [
        ("2026-11-02T09:30:00Z", nil),  // now
        ("2026-11-02T09:35:00Z", nil),  // exactly the allowed skew
        ("2026-11-02T09:35:00.001Z", .futureTimestamp),
        ("2026-11-02T10:35:00+01:00", nil),
        ("2025-01-01T00:00:00Z", nil),  // the past is fine
    ]

    @Test(arguments: skew)
    func checksFutureSkew(occurredAt: String, reason: BadEventReason?) {
        let text = #"{"id":"a","conversation_id":"b","kind":"broadcast","occurred_at":"\#(occurredAt)"}"#
        #expect(Self.decode(text, now: Self.at).failureReason == reason)
        #expect(Self.decode(text, now: nil).failureReason == nil)
        #expect(EventDecoder(maxFutureSkew: nil).decode(text, now: Self.at).failureReason == nil)
    }

    @Test func explainsFutureSkew() {
        let text = #"{"id":"a","conversation_id":"b","kind":"broadcast","occurred_at":"2026-11-02T10:00:00+00:00"}"#
        #expect(
            Self.decode(text, now: Self.at).badEvent
                == BadEvent(
                    .futureTimestamp,
                    #"field "occurred_at": "2026-11-02T10:00:00+00:00" is more than 5m ahead of the wall clock (2026-11-02T09:30:00.000Z)"#
                ))
    }

    @Test func shortensLongValuesInDetails() {
        let long = String(repeating: "x", count: 1000)
        let detail = Self.decode(#"{"kind":"\#(long)"}"#).badEvent?.detail ?? ""
        #expect(
            detail == #"field "kind": ""# + String(repeating: "x", count: 61)
                + #"…" is not one of broadcast, response, acknowledgement, status"#)
    }
}
