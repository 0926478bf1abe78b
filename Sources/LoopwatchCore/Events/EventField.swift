/// The top-level members of an input event that the decoder knows (SPEC §1).
enum EventField: UInt8, CaseIterable {
    case id, conversationID, kind, occurredAt, channel, author, priority, tags, attributes, text, status

    /// The wire name, as used in bad-event details.
    var name: String {
        switch self {
        case .id: "id"
        case .conversationID: "conversation_id"
        case .kind: "kind"
        case .occurredAt: "occurred_at"
        case .channel: "channel"
        case .author: "author"
        case .priority: "priority"
        case .tags: "tags"
        case .attributes: "attributes"
        case .text: "text"
        case .status: "status"
        }
    }

    /// This field's bit in a "seen" mask.
    var bit: UInt16 { 1 << rawValue }

    /// The field a member name denotes, or nil for an unknown member. Compares raw bytes.
    static func match(_ key: JSONScanner.StringToken, in s: JSONScanner) -> EventField? {
        switch key.hasEscapes ? -1 : key.rawCount {
        case 2: return s.equals(key, "id") ? .id : nil
        case 4:
            if s.equals(key, "kind") { return .kind }
            if s.equals(key, "text") { return .text }
            if s.equals(key, "tags") { return .tags }
            return nil
        case 6:
            if s.equals(key, "author") { return .author }
            if s.equals(key, "status") { return .status }
            return nil
        case 7: return s.equals(key, "channel") ? .channel : nil
        case 8: return s.equals(key, "priority") ? .priority : nil
        case 10: return s.equals(key, "attributes") ? .attributes : nil
        case 11: return s.equals(key, "occurred_at") ? .occurredAt : nil
        case 15: return s.equals(key, "conversation_id") ? .conversationID : nil
        case -1:
            let name = s.makeString(key)
            return allCases.first { $0.name == name }
        default: return nil
        }
    }
}
