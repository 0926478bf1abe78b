/// The compact, versioned state of one conversation: what the engine needs to decide every SLA
/// outcome by `occurred_at`, whatever the arrival order (SPEC §2).
///
/// Facts that can still change an outcome stay in `history` (customer messages, acknowledgements,
/// status changes), sorted by `occurred_at`; facts old enough that no outcome can change any more
/// are folded into a few flags and dropped. Emitted alerts are remembered per concern cycle in
/// `marks`, so an alert is never emitted twice, even after a restore from the changelog.
public struct ConversationState: Sendable, Equatable {
    /// One remembered fact, 16 bytes.
    public struct Entry: Sendable, Equatable, Comparable {
        /// What the fact is; the raw value orders facts at the same instant.
        public enum Kind: UInt8, Sendable {
            /// A customer response that opens or joins a concern.
            case message = 0
            /// A brand acknowledgement by a person.
            case ack = 1
            /// An automated brand acknowledgement (counts only where the policy says so).
            case automatedAck = 2
            /// `waiting_on_customer` / `waiting_on_third_party`: the clock pauses.
            case pause = 3
            /// `open`: the clock resumes.
            case resume = 4
            /// `closed`: any open concern is cleared without alerting.
            case close = 5
        }

        /// `occurred_at` in ms.
        public var at: Int64
        /// id hash (40 bits) << 24 | policy index (16 bits) << 8 | kind (8 bits).
        public var word: UInt64

        @inlinable public init(at: Int64, idHash: UInt64, policy: UInt16, kind: Kind) {
            self.at = at
            self.word = (idHash & 0xff_ffff_ffff) << 24 | UInt64(policy) << 8 | UInt64(kind.rawValue)
        }

        @inlinable public var kind: Kind { Kind(rawValue: UInt8(truncatingIfNeeded: word)) ?? .message }
        @inlinable public var policy: UInt16 { UInt16(truncatingIfNeeded: word >> 8) }
        @inlinable public var idHash: UInt64 { word >> 24 }

        /// Sort by time, then kind (a message before an acknowledgement at the same instant: the
        /// acknowledgement answers it), then id.
        @inlinable public static func < (l: Entry, r: Entry) -> Bool {
            if l.at != r.at { return l.at < r.at }
            let lk = l.word & 0xff
            let rk = r.word & 0xff
            if lk != rk { return lk < rk }
            return l.word < r.word
        }

        /// The same policy index rewritten.
        @inlinable public func with(policy: UInt16) -> Entry {
            var e = self
            e.word = (word & ~0xff_ff00) | UInt64(policy) << 8
            return e
        }
    }

    /// Which alerts of one concern cycle were emitted.
    public struct Mark: Sendable, Equatable {
        /// `concern_since` of the cycle when the first alert was emitted.
        public var since: Int64
        /// bit 0 warning, bit 1 breached, bit 2 resolved, bit 3+n escalation level n+1.
        public var mask: UInt16

        public init(since: Int64, mask: UInt16) {
            self.since = since
            self.mask = mask
        }

        public static let warningBit: UInt16 = 1 << 0
        public static let breachedBit: UInt16 = 1 << 1
        public static let resolvedBit: UInt16 = 1 << 2
        /// Escalation levels that can be remembered (bits 3…15).
        public static let maxEscalationLevels = 13
        @inlinable public static func escalationBit(level: Int) -> UInt16 { 1 << UInt16(2 + level) }
    }

    /// Flag bits.
    public struct Flags: OptionSet, Sendable, Equatable {
        public var rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// The brand acknowledged before the history window (→ `next_response`).
        public static let acknowledged = Flags(rawValue: 1 << 0)
        /// The conversation was closed before the history window (→ `next_response`).
        public static let closed = Flags(rawValue: 1 << 1)
    }

    /// Channel of the conversation (latest event that named one).
    public var channel: String
    /// Priority of the conversation (latest customer response).
    public var priority: InteractionEvent.Priority
    public var flags: Flags
    /// Latest `occurred_at` of any event (for `state_ttl`).
    public var lastEventAt: Int64
    /// Latest acknowledgement / close folded out of `history`: customer messages at or before it
    /// were answered and are no-ops.
    public var answeredThrough: Int64
    /// Facts still able to change an outcome, sorted.
    public var history: EntryList
    /// Alerts emitted per concern cycle still open.
    public var marks: [Mark]
    /// Latest customer text (truncated) and when it was written.
    public var customerText: InlineText
    public var lastCustomerTextAt: Int64

    /// ``customerText`` as a string; set stores it verbatim when it fits (``InlineText/capacity``).
    public var lastCustomerText: String? {
        get { customerText.string }
        set { customerText = newValue.map { InlineText($0, limit: InlineText.capacity) } ?? InlineText() }
    }

    public init(channel: String = "unknown", priority: InteractionEvent.Priority = .normal) {
        self.channel = channel
        self.priority = priority
        self.flags = []
        self.lastEventAt = Int64.min / 4
        self.answeredThrough = Int64.min / 4
        self.history = EntryList()
        self.marks = []
        self.customerText = InlineText()
        self.lastCustomerTextAt = Int64.min / 4
    }

    /// Inserts a fact in order; returns false when a fact with the same event id hash is already
    /// there — a redelivered duplicate.
    @inlinable public mutating func insert(_ e: Entry) -> Bool {
        // Histories are short and facts mostly arrive in order: scan from the end.
        let id = e.idHash
        for h in history where h.idHash == id { return false }
        var i = history.count
        while i > 0, e < history[i - 1] { i -= 1 }
        history.insert(e, at: i)
        return true
    }
}

// MARK: - Binary encoding (the changelog value)

extension ConversationState {
    /// Current encoding version; `decode` accepts every version up to this one.
    public static let encodingVersion: UInt8 = 1

    /// Encodes to the compact changelog format: version byte, then fields (varints and raw).
    public func encoded() -> [UInt8] {
        var w = ByteWriter()
        w.bytes.reserveCapacity(48 + history.count * 16 + marks.count * 10 + (lastCustomerText?.utf8.count ?? 0))
        w.u8(Self.encodingVersion)
        w.string(channel)
        w.u8(priority.rawValue)
        w.u8(flags.rawValue)
        w.zigzag(lastEventAt)
        w.zigzag(answeredThrough)
        w.varint(UInt64(history.count))
        for e in history {
            w.zigzag(e.at)
            w.varint(e.word)
        }
        w.varint(UInt64(marks.count))
        for m in marks {
            w.zigzag(m.since)
            w.varint(UInt64(m.mask))
        }
        if let text = lastCustomerText {
            w.u8(1)
            w.string(text)
            w.zigzag(lastCustomerTextAt)
        } else {
            w.u8(0)
        }
        return w.bytes
    }

    /// Decodes a changelog value; throws on a corrupt or newer-version record.
    public static func decode(_ bytes: [UInt8]) throws(StateDecodingError) -> ConversationState {
        let result = bytes.withUnsafeBytes { buffer in Result { () throws(StateDecodingError) in try decode(buffer) } }
        return try result.get()
    }

    /// Decodes a changelog value from bytes borrowed for the call (e.g. a Kafka message in place).
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(StateDecodingError) -> ConversationState {
        var r = ByteReader(bytes)
        let version = try r.u8()
        guard version >= 1, version <= encodingVersion else {
            throw StateDecodingError(
                code: "unsupported_version",
                message: "state encoding version \(version) is not supported (max \(encodingVersion))")
        }
        var s = ConversationState()
        s.channel = try r.string()
        guard let p = InteractionEvent.Priority(rawValue: try r.u8()) else {
            throw StateDecodingError(code: "corrupt", message: "bad priority")
        }
        s.priority = p
        s.flags = Flags(rawValue: try r.u8())
        s.lastEventAt = try r.zigzag()
        s.answeredThrough = try r.zigzag()
        let n = try r.varint()
        guard n <= UInt64(bytes.count) else {
            throw StateDecodingError(code: "corrupt", message: "history count \(n) too large")
        }
        for _ in 0..<n {
            let at = try r.zigzag()
            let word = try r.varint()
            s.history.append(Entry(raw: at, word: word))
        }
        let m = try r.varint()
        guard m <= UInt64(bytes.count) else {
            throw StateDecodingError(code: "corrupt", message: "mark count \(m) too large")
        }
        for _ in 0..<m {
            let since = try r.zigzag()
            let mask = try r.varint()
            s.marks.append(Mark(since: since, mask: UInt16(truncatingIfNeeded: mask)))
        }
        if try r.u8() == 1 {
            s.lastCustomerText = try r.string()
            s.lastCustomerTextAt = try r.zigzag()
        }
        guard r.isAtEnd else { throw StateDecodingError(code: "corrupt", message: "\(r.remaining) trailing bytes") }
        return s
    }
}

extension ConversationState.Entry {
    @usableFromInline init(raw at: Int64, word: UInt64) {
        self.at = at
        self.word = word
    }
}
