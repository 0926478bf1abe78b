/// One pass over a validated UTF-8 message: walks the top-level JSON object with a
/// ``JSONScanner`` and maps the known members onto an ``InteractionEvent`` (SPEC §1).
///
/// JSON syntax errors are thrown (they win over field problems, whatever their position); the
/// first field problem in message order is kept in ``problem`` while the rest of the message is
/// still checked for syntax.
struct EventParser {
    private var s: JSONScanner
    /// The first field-level problem found.
    private(set) var problem: BadEvent?

    private var seen: UInt16 = 0
    // The event is built in place in the caller's variable (no copies of the whole event on the
    // hot path); `present` has a bit per required field once read.
    private var present: UInt8 = 0
    private var occurredAtToken = JSONScanner.StringToken(start: 0, end: 0, hasEscapes: false)
    private var role: InteractionEvent.Role?
    private var textToken: JSONScanner.StringToken?
    private let projection: EventProjection

    init(scanner: JSONScanner, projection: EventProjection = .all) {
        s = scanner
        self.projection = projection
    }

    /// Reads the whole message into `event` (just reset), throwing on a JSON syntax
    /// error; then call ``finish(_:now:maxFutureSkew:)``.
    mutating func parse(into event: inout InteractionEvent) throws(JSONSyntaxError) {
        s.skipWhitespace()
        let kindOfTop = try s.kindOfValue()
        guard kindOfTop == .object else {
            let at = s.pos
            try s.skipValue(depth: 1)
            try expectEnd()
            report(.invalidJSON, "message is not a JSON object: found \(kindOfTop.phrase) at byte \(at)")
            return
        }
        if try s.beginObject() {
            repeat {
                let key = try s.nextKey()
                if problem == nil, let field = EventField.match(key, in: s) {
                    if seen & field.bit != 0 {
                        report(.invalidJSON, "field \"\(field.name)\" appears more than once")
                        try s.skipValue(depth: 2)
                    } else {
                        seen |= field.bit
                        try read(field, into: &event)
                    }
                } else {
                    try s.skipValue(depth: 2)
                }
            } while try s.afterMember()
        }
        try expectEnd()
    }

    private mutating func expectEnd() throws(JSONSyntaxError) {
        s.skipWhitespace()
        guard s.pos == s.count else {
            throw JSONSyntaxError(offset: s.pos, problem: "unexpected data after the top-level value")
        }
    }

    private mutating func report(_ reason: BadEventReason, _ detail: String) {
        if problem == nil { problem = BadEvent(reason, detail) }
    }

    // MARK: Fields

    private mutating func read(_ field: EventField, into event: inout InteractionEvent) throws(JSONSyntaxError) {
        switch field {
        case .id:
            if projection.eventID {
                if let v = try readNonEmptyString(field.name) {
                    event.id = v
                    present |= 1
                }
            } else if let t = try readString(field.name) {
                if t.rawCount == 0 {
                    report(.invalidValue, "field \"id\" must not be empty")
                } else {
                    // Hash the bytes in place (the same value as hashing the string).
                    var h = StableHash()
                    if t.hasEscapes {
                        var v = s.makeString(t)
                        v.withUTF8 { h.combine(bytes: $0) }
                    } else {
                        h.combine(bytes: s.rawBytes(t))
                    }
                    event.setIDHash(h.value)
                    present |= 1
                }
            }
        case .conversationID:
            if let t = try readString(field.name) {
                if t.rawCount == 0 {
                    report(.invalidValue, "field \"conversation_id\" must not be empty")
                } else if t.hasEscapes {
                    event.conversationID = s.makeString(t)
                    present |= 2
                } else {
                    event.setConversationID(s.makeString(t), tag: ConversationIndex.tag(of: s.rawBytes(t)))
                    present |= 2
                }
            }
        case .kind:
            guard let t = try readString(field.name) else { return }
            if s.equals(t, "response") {
                event.kind = .response
            } else if s.equals(t, "acknowledgement") {
                event.kind = .acknowledgement
            } else if s.equals(t, "broadcast") {
                event.kind = .broadcast
            } else if s.equals(t, "status") {
                event.kind = .status
            } else {
                report(
                    .unknownKind,
                    "field \"kind\": \(quoted(t)) is not one of broadcast, response, acknowledgement, status")
                return
            }
            present |= 4
        case .occurredAt:
            guard let t = try readString(field.name) else { return }
            let parsed = t.hasEscapes ? RFC3339.parse(s.makeString(t)) : RFC3339.parse(s.rawBytes(t))
            if let parsed {
                event.occurredAt = parsed
                occurredAtToken = t
                present |= 8
            } else {
                report(.badTimestamp, "field \"occurred_at\": \(quoted(t)) is not an RFC 3339 timestamp with offset")
            }
        case .channel:
            if let t = try readString(field.name), t.rawCount > 0 { event.channel = s.makeString(t) }
        case .author:
            try readAuthor(into: &event)
        case .priority:
            guard let t = try readString(field.name) else { return }
            if s.equals(t, "normal") {
                event.priority = .normal
            } else if s.equals(t, "high") {
                event.priority = .high
            } else if s.equals(t, "urgent") {
                event.priority = .urgent
            } else if s.equals(t, "low") {
                event.priority = .low
            } else {
                report(.invalidValue, "field \"priority\": \(quoted(t)) is not one of low, normal, high, urgent")
            }
        case .tags:
            try readTags(into: &event)
        case .attributes:
            try readAttributes(into: &event)
        case .text:
            // Kept as a span: whether it is kept depends on `kind`, which may come later.
            textToken = try readString(field.name)
        case .status:
            guard let t = try readString(field.name) else { return }
            if s.equals(t, "waiting_on_customer") {
                event.status = .waitingOnCustomer
            } else if s.equals(t, "waiting_on_third_party") {
                event.status = .waitingOnThirdParty
            } else if s.equals(t, "open") {
                event.status = .open
            } else if s.equals(t, "closed") {
                event.status = .closed
            } else {
                report(
                    .invalidValue,
                    "field \"status\": \(quoted(t)) is not one of waiting_on_customer, waiting_on_third_party, open, closed"
                )
            }
        }
    }

    /// A string value's token; nil for `null` (absent) or another type (reported, skipped).
    private mutating func readString(_ name: @autoclosure () -> String, depth: Int = 2) throws(JSONSyntaxError)
        -> JSONScanner.StringToken?
    {
        try readString(nameFor: { _ in name() }, depth: depth)
    }

    /// ``readString(_:depth:)`` for a name built from the buffer (only when reporting).
    private mutating func readString(nameFor name: (JSONScanner) -> String, depth: Int) throws(JSONSyntaxError)
        -> JSONScanner.StringToken?
    {
        let k = try s.kindOfValue()
        if k == .string { return try s.scanString() }
        if k != .null { report(.wrongType, "field \"\(name(s))\": expected a string, found \(k.phrase)") }
        try s.skipValue(depth: depth)
        return nil
    }

    private mutating func readNonEmptyString(_ name: @autoclosure () -> String) throws(JSONSyntaxError) -> String? {
        guard let t = try readString(name()) else { return nil }
        guard t.rawCount > 0 else {
            report(.invalidValue, "field \"\(name())\" must not be empty")
            return nil
        }
        return s.makeString(t)
    }

    /// Whether the value is an object (consumed up to its first key or its end); `null` and other
    /// types are consumed, the latter reported.
    private mutating func enterObject(_ name: String, depth: Int) throws(JSONSyntaxError) -> (
        isObject: Bool, hasMembers: Bool
    ) {
        let k = try s.kindOfValue()
        guard k == .object else {
            if k != .null { report(.wrongType, "field \"\(name)\": expected an object, found \(k.phrase)") }
            try s.skipValue(depth: depth)
            return (false, false)
        }
        return (true, try s.beginObject())
    }

    private mutating func readAuthor(into event: inout InteractionEvent) throws(JSONSyntaxError) {
        guard case (true, true) = try enterObject("author", depth: 2) else { return }
        var seenAuthor: UInt8 = 0
        repeat {
            let key = try s.nextKey()
            let bit: UInt8 = s.equals(key, "id") ? 1 : s.equals(key, "role") ? 2 : s.equals(key, "automated") ? 4 : 0
            if bit == 0 || problem != nil {
                try s.skipValue(depth: 3)
                continue
            }
            if seenAuthor & bit != 0 {
                report(.invalidJSON, "field \"author.\(s.makeString(key))\" appears more than once")
                try s.skipValue(depth: 3)
                continue
            }
            seenAuthor |= bit
            switch bit {
            case 1:
                if let t = try readString("author.id", depth: 3), projection.authorID {
                    event.authorID = s.makeString(t)
                }
            case 2:
                guard let t = try readString("author.role", depth: 3) else { break }
                if s.equals(t, "customer") {
                    role = .customer
                } else if s.equals(t, "brand") {
                    role = .brand
                } else {
                    report(.invalidValue, "field \"author.role\": \(quoted(t)) is not one of brand, customer")
                }
            default:
                let k = try s.kindOfValue()
                if k == .bool {
                    event.automated = try s.scanBool()
                } else {
                    if k != .null {
                        report(.wrongType, "field \"author.automated\": expected a boolean, found \(k.phrase)")
                    }
                    try s.skipValue(depth: 3)
                }
            }
        } while try s.afterMember()
    }

    private mutating func readTags(into event: inout InteractionEvent) throws(JSONSyntaxError) {
        let k = try s.kindOfValue()
        guard k == .array else {
            if k != .null { report(.wrongType, "field \"tags\": expected an array of strings, found \(k.phrase)") }
            try s.skipValue(depth: 2)
            return
        }
        guard try s.beginArray() else { return }
        var index = 0
        repeat {
            let e = try s.kindOfValue()
            if e == .string {
                let t = try s.scanString()
                if problem == nil, projection.tags {
                    if event.tags.isEmpty { event.tags.reserveCapacity(4) }
                    event.tags.append(s.makeString(t))
                }
            } else {
                report(.wrongType, "field \"tags[\(index)]\": expected a string, found \(e.phrase)")
                try s.skipValue(depth: 3)
            }
            index += 1
        } while try s.afterElement()
    }

    private mutating func readAttributes(into event: inout InteractionEvent) throws(JSONSyntaxError) {
        guard case (true, true) = try enterObject("attributes", depth: 2) else { return }
        var seen = SeenKeys()
        repeat {
            let keyToken = try s.nextKey()
            if problem != nil {
                try s.skipValue(depth: 3)
                continue
            }
            if !seen.insert(keyToken, in: s) {
                report(.invalidJSON, "field \"attributes.\(s.makeString(keyToken))\" appears more than once")
                try s.skipValue(depth: 3)
                continue
            }
            // `null` leaves the attribute absent.
            guard let t = try readString(nameFor: { "attributes.\($0.makeString(keyToken))" }, depth: 3) else {
                continue
            }
            let kept: Bool
            if keyToken.hasEscapes {
                var key = s.makeString(keyToken)
                kept = key.withUTF8 { projection.keeps(attributeKey: UnsafeRawBufferPointer($0)) }
            } else {
                kept = projection.keeps(attributeKey: s.rawBytes(keyToken))
            }
            guard kept else { continue }
            if event.attributes.isEmpty { event.attributes.reserveCapacity(4) }
            event.attributes.append(InteractionEvent.Attribute(key: s.makeString(keyToken), value: s.makeString(t)))
        } while try s.afterMember()
    }

    // MARK: Result

    /// Completes `event` (role default, status only for `kind: status`), or returns the first
    /// problem found; `now` and `maxFutureSkew` drive the `future_timestamp` check.
    func finish(_ event: inout InteractionEvent, now: Timestamp?, maxFutureSkew: TimeSpan?) -> BadEvent? {
        if let problem { return problem }
        guard present & 1 != 0 else { return missing("id") }
        guard present & 2 != 0 else { return missing("conversation_id") }
        guard present & 4 != 0 else { return missing("kind") }
        guard present & 8 != 0 else { return missing("occurred_at") }
        if event.kind == .status && event.status == nil {
            return BadEvent(
                .missingField, "field \"status\" is missing or null; it is required when kind is \"status\"")
        }
        if let now, let maxFutureSkew, event.occurredAt > now + maxFutureSkew {
            return BadEvent(
                .futureTimestamp,
                "field \"occurred_at\": \(quoted(occurredAtToken)) is more than \(maxFutureSkew) ahead of the wall clock (\(now))"
            )
        }
        event.role = role ?? (event.kind == .response ? .customer : .brand)
        if let textToken, event.kind == .response || projection.textOnEveryKind {
            if projection.fullText {
                event.text = s.makeString(textToken)
            } else if textToken.hasEscapes {
                event.textPreview = InlineText(s.makeString(textToken), limit: InlineText.previewBytes)
            } else {
                event.textPreview = InlineText(utf8: s.rawBytes(textToken), limit: InlineText.previewBytes)
            }
        }
        if event.kind != .status { event.status = nil }
        return nil
    }

    private func missing(_ name: String) -> BadEvent {
        BadEvent(.missingField, "field \"\(name)\" is missing or null")
    }

    /// The token's value as a JSON string literal, shortened for a header (at most ~64 bytes).
    private func quoted(_ t: JSONScanner.StringToken) -> String {
        var w = JSONWriter()
        w.string(JSONWriter.truncated(s.makeString(t), maxUTF8Bytes: 64))
        return w.string
    }
}
