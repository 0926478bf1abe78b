/// Which optional parts of an event the decoder materializes. Every part is still validated
/// (types, duplicates, syntax) whatever the projection: it only decides what is *kept*, so the
/// same message is a bad event, or not, under every projection.
///
/// The engine needs little of an event: `tags` and `attributes` only to match policies, `text`
/// only on customer responses, `author.id` never. Building those strings and arrays was about
/// 40 % of decoding, so the daemon and `replay` decode with ``init(for:)`` — just what the
/// configured policies read — while ``all`` keeps everything.
public struct EventProjection: Sendable, Equatable {
    /// Keep `tags`.
    public var tags: Bool
    /// Keep attributes with these keys (UTF-8); nil keeps every attribute.
    public var attributeKeys: [[UInt8]]?
    /// Keep `author.id`.
    public var authorID: Bool
    /// Keep `id` as a string; false keeps only ``InteractionEvent/idHash`` (all the engine reads).
    public var eventID: Bool
    /// Keep `text` on events of every kind; false keeps it on `response` events only.
    public var textOnEveryKind: Bool
    /// Keep the whole `text`; false keeps only its preview (``InteractionEvent/textPreview``:
    /// the first 36 bytes, inline, no allocation) — enough unless a policy has ignore rules.
    public var fullText: Bool

    /// Keeps everything.
    public static let all = EventProjection(
        tags: true, attributeKeys: nil, authorID: true, textOnEveryKind: true, fullText: true, eventID: true)

    public init(
        tags: Bool, attributeKeys: [[UInt8]]?, authorID: Bool, textOnEveryKind: Bool, fullText: Bool = true,
        eventID: Bool = true
    ) {
        self.tags = tags
        self.attributeKeys = attributeKeys
        self.authorID = authorID
        self.eventID = eventID
        self.textOnEveryKind = textOnEveryKind
        self.fullText = fullText
    }

    /// What `policies` read: tags if any policy matches on tags, the attribute keys policies
    /// match on, the text of customer responses — whole if a policy has ignore rules, else just
    /// the preview `last_customer_text` shows.
    public init(for policies: PolicySet) {
        var keys: [[UInt8]] = []
        for p in policies.policies {
            for (key, _) in p.match.attributes where !keys.contains(Array(key.utf8)) { keys.append(Array(key.utf8)) }
        }
        self.init(
            tags: policies.policies.contains { $0.match.tags != nil }, attributeKeys: keys, authorID: false,
            textOnEveryKind: false, fullText: policies.policies.contains { !$0.ignore.textMatches.isEmpty },
            eventID: false)
    }

    /// Whether the attribute with this raw (unescaped) key is kept.
    @inline(__always) func keeps(attributeKey key: UnsafeRawBufferPointer) -> Bool {
        guard let attributeKeys else { return true }
        for k in attributeKeys where k.count == key.count {
            if k.withUnsafeBytes({ $0.elementsEqual(key) }) { return true }
        }
        return false
    }
}
