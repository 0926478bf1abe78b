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
    // Required fields are stored non-optional, with a bit in `present` once read (cheaper than
    // `Optional<String>` copies on the hot path).
    private var present: UInt8 = 0
    private var id = ""
    private var conversationID = ""
    private var kind = InteractionEvent.Kind.broadcast
    private var occurredAt = Timestamp(millis: 0)
    private var occurredAtToken = JSONScanner.StringToken(start: 0, end: 0, hasEscapes: false)
    private var channel = "unknown"
    private var authorID: String?
    private var role: InteractionEvent.Role?
    private var automated = false
    private var priority = InteractionEvent.Priority.normal
    private var tags: [String] = []
    private var attributes: [InteractionEvent.Attribute] = []
    private var text: String?
    private var status: InteractionEvent.AgentStatus?

    init(scanner: JSONScanner) { s = scanner }

    /// Reads the whole message, throwing on a JSON syntax error; then call ``finish(now:maxFutureSkew:)``.
    mutating func parse() throws(JSONSyntaxError) {
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
                        try read(field)
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

    private mutating func read(_ field: EventField) throws(JSONSyntaxError) {
        switch field {
        case .id:
            if let v = try readNonEmptyString(field.name) { id = v; present |= 1 }
        case .conversationID:
            if let v = try readNonEmptyString(field.name) { conversationID = v; present |= 2 }
        case .kind:
            guard let t = try readString(field.name) else { return }
            if s.equals(t, "response") { kind = .response }
            else if s.equals(t, "acknowledgement") { kind = .acknowledgement }
            else if s.equals(t, "broadcast") { kind = .broadcast }
            else if s.equals(t, "status") { kind = .status }
            else {
                report(.unknownKind, "field \"kind\": \(quoted(t)) is not one of broadcast, response, acknowledgement, status")
                return
            }
            present |= 4
        case .occurredAt:
            guard let t = try readString(field.name) else { return }
            let parsed = t.hasEscapes ? RFC3339.parse(s.makeString(t)) : RFC3339.parse(s.rawBytes(t))
            if let parsed {
                occurredAt = parsed
                occurredAtToken = t
                present |= 8
            } else {
                report(.badTimestamp, "field \"occurred_at\": \(quoted(t)) is not an RFC 3339 timestamp with offset")
            }
        case .channel:
            if let t = try readString(field.name), t.rawCount > 0 { channel = s.makeString(t) }
        case .author:
            try readAuthor()
        case .priority:
            guard let t = try readString(field.name) else { return }
            if s.equals(t, "normal") { priority = .normal }
            else if s.equals(t, "high") { priority = .high }
            else if s.equals(t, "urgent") { priority = .urgent }
            else if s.equals(t, "low") { priority = .low }
            else { report(.invalidValue, "field \"priority\": \(quoted(t)) is not one of low, normal, high, urgent") }
        case .tags:
            try readTags()
        case .attributes:
            try readAttributes()
        case .text:
            if let t = try readString(field.name) { text = s.makeString(t) }
        case .status:
            guard let t = try readString(field.name) else { return }
            if s.equals(t, "waiting_on_customer") { status = .waitingOnCustomer }
            else if s.equals(t, "waiting_on_third_party") { status = .waitingOnThirdParty }
            else if s.equals(t, "open") { status = .open }
            else if s.equals(t, "closed") { status = .closed }
            else {
                report(.invalidValue, "field \"status\": \(quoted(t)) is not one of waiting_on_customer, waiting_on_third_party, open, closed")
            }
        }
    }

    /// A string value's token; nil for `null` (absent) or another type (reported, skipped).
    private mutating func readString(_ name: @autoclosure () -> String, depth: Int = 2) throws(JSONSyntaxError) -> JSONScanner.StringToken? {
        let k = try s.kindOfValue()
        if k == .string { return try s.scanString() }
        if k != .null { report(.wrongType, "field \"\(name())\": expected a string, found \(k.phrase)") }
        try s.skipValue(depth: depth)
        return nil
    }

    private mutating func readNonEmptyString(_ name: String) throws(JSONSyntaxError) -> String? {
        guard let t = try readString(name) else { return nil }
        guard t.rawCount > 0 else {
            report(.invalidValue, "field \"\(name)\" must not be empty")
            return nil
        }
        return s.makeString(t)
    }

    /// Whether the value is an object (consumed up to its first key or its end); `null` and other
    /// types are consumed, the latter reported.
    private mutating func enterObject(_ name: String, depth: Int) throws(JSONSyntaxError) -> (isObject: Bool, hasMembers: Bool) {
        let k = try s.kindOfValue()
        guard k == .object else {
            if k != .null { report(.wrongType, "field \"\(name)\": expected an object, found \(k.phrase)") }
            try s.skipValue(depth: depth)
            return (false, false)
        }
        return (true, try s.beginObject())
    }

    private mutating func readAuthor() throws(JSONSyntaxError) {
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
                if let t = try readString("author.id", depth: 3) { authorID = s.makeString(t) }
            case 2:
                guard let t = try readString("author.role", depth: 3) else { break }
                if s.equals(t, "customer") { role = .customer }
                else if s.equals(t, "brand") { role = .brand }
                else { report(.invalidValue, "field \"author.role\": \(quoted(t)) is not one of brand, customer") }
            default:
                let k = try s.kindOfValue()
                if k == .bool {
                    automated = try s.scanBool()
                } else {
                    if k != .null { report(.wrongType, "field \"author.automated\": expected a boolean, found \(k.phrase)") }
                    try s.skipValue(depth: 3)
                }
            }
        } while try s.afterMember()
    }

    private mutating func readTags() throws(JSONSyntaxError) {
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
                if problem == nil {
                    if tags.isEmpty { tags.reserveCapacity(4) }
                    tags.append(s.makeString(t))
                }
            } else {
                report(.wrongType, "field \"tags[\(index)]\": expected a string, found \(e.phrase)")
                try s.skipValue(depth: 3)
            }
            index += 1
        } while try s.afterElement()
    }

    private mutating func readAttributes() throws(JSONSyntaxError) {
        guard case (true, true) = try enterObject("attributes", depth: 2) else { return }
        // Duplicate keys: a linear scan while small, a set beyond that (bounded cost on any input).
        var nullKeys: [String] = []
        var index: Set<String>?
        repeat {
            let keyToken = try s.nextKey()
            if problem != nil {
                try s.skipValue(depth: 3)
                continue
            }
            let key = s.makeString(keyToken)
            let duplicate: Bool
            if index != nil {
                duplicate = !index!.insert(key).inserted
            } else {
                duplicate = attributes.contains { $0.key == key } || nullKeys.contains(key)
                if !duplicate && attributes.count + nullKeys.count >= 16 {
                    index = Set(attributes.map(\.key) + nullKeys + [key])
                }
            }
            if duplicate {
                report(.invalidJSON, "field \"attributes.\(key)\" appears more than once")
                try s.skipValue(depth: 3)
                continue
            }
            guard let t = try readString("attributes.\(key)", depth: 3) else {
                nullKeys.append(key)  // `null` leaves the attribute absent
                continue
            }
            if attributes.isEmpty { attributes.reserveCapacity(4) }
            attributes.append(InteractionEvent.Attribute(key: key, value: s.makeString(t)))
        } while try s.afterMember()
    }

    // MARK: Result

    /// The event, or the first problem found; `now` and `maxFutureSkew` drive the
    /// `future_timestamp` check.
    consuming func finish(now: Timestamp?, maxFutureSkew: TimeSpan?) -> Result<InteractionEvent, BadEvent> {
        if let problem { return .failure(problem) }
        guard present & 1 != 0 else { return .failure(missing("id")) }
        guard present & 2 != 0 else { return .failure(missing("conversation_id")) }
        guard present & 4 != 0 else { return .failure(missing("kind")) }
        guard present & 8 != 0 else { return .failure(missing("occurred_at")) }
        if kind == .status && status == nil {
            return .failure(BadEvent(.missingField, "field \"status\" is missing or null; it is required when kind is \"status\""))
        }
        if let now, let maxFutureSkew, occurredAt > now + maxFutureSkew {
            return .failure(BadEvent(
                .futureTimestamp,
                "field \"occurred_at\": \(quoted(occurredAtToken)) is more than \(maxFutureSkew) ahead of the wall clock (\(now))"
            ))
        }
        return .success(InteractionEvent(
            id: id, conversationID: conversationID, kind: kind, occurredAt: occurredAt,
            channel: channel, authorID: authorID, role: role, automated: automated,
            priority: priority, tags: tags, attributes: attributes, text: text,
            status: kind == .status ? status : nil
        ))
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
