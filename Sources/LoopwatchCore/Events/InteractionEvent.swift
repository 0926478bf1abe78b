/// One brand ↔ customer interaction, decoded from an input message (SPEC §1).
///
/// The model keeps only what the engine uses: enums are one byte, the free-form parts (`tags`,
/// `attributes`, `text`) stay small arrays or nil when absent.
public struct InteractionEvent: Sendable, Equatable {
    /// What happened (SPEC §2).
    public enum Kind: UInt8, Sendable, CaseIterable {
        case broadcast, response, acknowledgement, status

        /// The wire name (`"acknowledgement"`).
        public var name: String {
            switch self {
            case .broadcast: "broadcast"
            case .response: "response"
            case .acknowledgement: "acknowledgement"
            case .status: "status"
            }
        }
    }

    /// Who wrote it.
    public enum Role: UInt8, Sendable, CaseIterable {
        case brand, customer

        /// The wire name.
        public var name: String { self == .brand ? "brand" : "customer" }
    }

    /// Conversation priority.
    public enum Priority: UInt8, Sendable, CaseIterable, Comparable {
        case low, normal, high, urgent

        /// The wire name (`"urgent"`).
        public var name: String {
            switch self {
            case .low: "low"
            case .normal: "normal"
            case .high: "high"
            case .urgent: "urgent"
            }
        }

        /// Parses a wire name.
        public init?(name: String) {
            switch name {
            case "low": self = .low
            case "normal": self = .normal
            case "high": self = .high
            case "urgent": self = .urgent
            default: return nil
            }
        }

        public static func < (lhs: Priority, rhs: Priority) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// Agent-side status carried by `kind: status` events.
    public enum AgentStatus: UInt8, Sendable, CaseIterable {
        case waitingOnCustomer, waitingOnThirdParty, open, closed

        /// The wire name (`"waiting_on_customer"`).
        public var name: String {
            switch self {
            case .waitingOnCustomer: "waiting_on_customer"
            case .waitingOnThirdParty: "waiting_on_third_party"
            case .open: "open"
            case .closed: "closed"
            }
        }
    }

    /// One free attribute (`customer_tier: gold`).
    public struct Attribute: Sendable, Equatable {
        public var key: String
        public var value: String
        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    /// Unique event id; redelivered duplicates carry the same id. Empty when the decoder's
    /// projection keeps only its hash (``EventProjection/eventID``).
    public var id: String {
        get { storedID }
        set {
            storedID = newValue
            idHash = StableHash.of(newValue)
        }
    }
    @usableFromInline var storedID: String
    /// ``StableHash`` of the id's UTF-8 bytes: what the engine keeps to spot redelivered events.
    public private(set) var idHash: UInt64
    /// The conversation (thread, DM, review) this event belongs to.
    public var conversationID: String {
        get { storedConversationID }
        set {
            storedConversationID = newValue
            conversationTag = ConversationIndex.tag(of: newValue)
        }
    }
    @usableFromInline var storedConversationID: String
    /// The engine's index tag of `conversationID`, computed once (the decoder hashes the bytes
    /// it already has).
    var conversationTag: UInt32
    /// What happened.
    public var kind: Kind
    /// When it happened on the platform.
    public var occurredAt: Timestamp
    /// `twitter`, `email`, …; `"unknown"` when absent.
    public var channel: String
    /// The author's platform id, when given.
    public var authorID: String?
    /// The author's role; defaults from `kind` (response → customer, everything else → brand).
    public var role: Role
    /// Bot, auto-reply or campaign.
    public var automated: Bool
    /// Priority; `normal` when absent.
    public var priority: Priority
    /// Free tags.
    public var tags: [String]
    /// Free attributes for policy matching, in message order.
    public var attributes: [Attribute]
    /// Message text, when given (and kept by the decoder's projection).
    public var text: String?
    /// The first 36 bytes of the text, inline, when the decoder's projection keeps only that
    /// (``EventProjection/fullText`` false); none otherwise.
    public var textPreview: InlineText
    /// The agent status, for `kind: status` events.
    public var status: AgentStatus?

    /// Creates an event; defaults follow SPEC §1.
    public init(
        id: String, conversationID: String, kind: Kind, occurredAt: Timestamp,
        channel: String = "unknown", authorID: String? = nil, role: Role? = nil, automated: Bool = false,
        priority: Priority = .normal, tags: [String] = [], attributes: [Attribute] = [],
        text: String? = nil, status: AgentStatus? = nil
    ) {
        self.storedID = id
        self.idHash = StableHash.of(id)
        self.storedConversationID = conversationID
        self.conversationTag = ConversationIndex.tag(of: conversationID)
        self.kind = kind
        self.occurredAt = occurredAt
        self.channel = channel
        self.authorID = authorID
        self.role = role ?? (kind == .response ? .customer : .brand)
        self.automated = automated
        self.priority = priority
        self.tags = tags
        self.attributes = attributes
        self.text = text
        self.textPreview = InlineText()
        self.status = status
    }

    /// Back to an empty event for a decoder to fill, field by field (fields already empty are
    /// left alone): assigning a whole new event measured ≈ 90 ns more per decode.
    mutating func reset() {
        storedID = ""
        idHash = StableHash().value
        storedConversationID = ""
        conversationTag = 0
        kind = .broadcast
        occurredAt = Timestamp(millis: 0)
        channel = "unknown"
        if authorID != nil { authorID = nil }
        role = .brand
        automated = false
        priority = .normal
        if !tags.isEmpty { tags = [] }
        if !attributes.isEmpty { attributes = [] }
        if text != nil { text = nil }
        textPreview = InlineText()
        status = nil
    }

    /// Sets the conversation id and its tag, computed by the caller from the same bytes.
    mutating func setConversationID(_ id: String, tag: UInt32) {
        storedConversationID = id
        conversationTag = tag
    }

    /// Sets the id hash alone (a projection that keeps no id string).
    mutating func setIDHash(_ hash: UInt64) {
        storedID = ""
        idHash = hash
    }

    /// The value of attribute `key`, if present.
    public func attribute(_ key: String) -> String? {
        for a in attributes where a.key == key { return a.value }
        return nil
    }
}
