/// The SLA engine for one set of conversations (one input partition in the daemon, everything in
/// `replay`): applies events, keeps per-conversation state, fires deadlines as its clock advances,
/// and hands out alerts and changed state.
///
/// The clock is a *watermark* supplied by the caller: `replay` uses event time (latest
/// `occurred_at` − `allowed_lateness`), the daemon the wall clock. An alert due at `d` fires once
/// the watermark reaches `d` and no acknowledgement at or before `d` is known; an acknowledgement
/// that arrives later but happened before `d` turns into `resolved` with `within_target: true`.
/// Outcomes depend on `occurred_at` only: the same events in any order within the lateness window
/// give the same alerts.
///
/// Where things happen: applying an event is here (`apply`); *when* alerts fire, history is
/// folded and conversations expire — the clock, the deadline heap, the fold queue and the
/// evaluation they trigger — is in `SLAEngine+Deadlines.swift`; what an alert says is in
/// `SLAEngine+Alerts.swift`; what became of each concern (SPEC §9) in `SLAEngine+Outcomes.swift`.
public struct SLAEngine: Sendable {
    /// Tunables (SPEC §7 `processing`).
    public struct Settings: Sendable {
        /// How long past a deadline the caller waits for late acknowledgements (informational
        /// here: the caller subtracts it when computing the watermark).
        public var allowedLateness: TimeSpan
        /// Conversations with no event for this long (by the watermark) are forgotten.
        public var stateTTL: TimeSpan
        /// An alert is `detected_late` when emitted more than this past `due + allowedLateness`
        /// by the wall clock; nil (replay) never marks alerts late.
        public var lateAfter: TimeSpan?
        /// `last_customer_text` is cut to this many UTF-8 bytes (then `…`); at most
        /// ``InlineText/capacity`` − 3 = 36, what the state keeps inline.
        public var textLimit: Int
        /// Hand out a ``ConcernOutcome`` for every concern that ends (``drainConcernOutcomes()``);
        /// off by default — a caller that turns it on must drain them.
        public var reportsOutcomes: Bool

        public init(
            allowedLateness: TimeSpan = .seconds(30), stateTTL: TimeSpan = .days(30),
            lateAfter: TimeSpan? = nil, textLimit: Int = 36, reportsOutcomes: Bool = false
        ) {
            self.allowedLateness = allowedLateness
            self.stateTTL = stateTTL
            self.lateAfter = lateAfter
            self.textLimit = textLimit
            self.reportsOutcomes = reportsOutcomes
        }
    }

    /// What applying one event did.
    public enum ApplyResult: UInt8, Sendable, CaseIterable {
        /// The event changed the conversation.
        case applied
        /// Same event id seen before: nothing changed.
        case duplicate
        /// A customer response matched the policy's `ignore` rules.
        case ignored
        /// A customer response no policy matches: no concern is tracked.
        case unmatched
        /// Older than facts already settled (an acknowledgement or close folded out of the
        /// history, so it arrived later than `allowed_lateness`): a customer response there was
        /// already answered, and an acknowledgement or status there changes nothing.
        case stale

        /// Metric label.
        public var name: String {
            switch self {
            case .applied: "applied"
            case .duplicate: "duplicate"
            case .ignored: "ignored"
            case .unmatched: "unmatched"
            case .stale: "stale"
            }
        }
    }

    /// What a policy reload did to the conversations.
    public struct ReloadReport: Sendable, Equatable {
        /// Open concerns re-evaluated under the new policies.
        public var openConcerns = 0
        /// Concerns whose policy (name) disappeared and were re-matched by channel and priority.
        public var rematched = 0
        /// Concerns that no new policy matches any more (no alerts for them).
        public var unmatched = 0
        public init() {}
    }

    public private(set) var policies: PolicySet
    public var settings: Settings
    /// The wall clock, for `detected_late`; nil (replay) means never late.
    public var wallClock: Timestamp?
    /// Everything due at or before this instant has fired.
    public internal(set) var watermark: Timestamp

    /// The conversations: slots, their index and cache warming.
    var store = ConversationStore()
    var scheduler = DeadlineScheduler()
    /// Slots to evaluate at the next `advance` before any timer (restored or reloaded
    /// conversations, marked `armed == Int64.min`): a list instead of a heap entry each, which
    /// would be pushed to the root and popped again for every restored conversation.
    var reevaluations: [Int32] = []
    /// Whether `reevaluations` is sorted descending (the order `runReevaluations` takes it in).
    var reevaluationsSorted = true
    /// Folds in roughly increasing `due` order (they follow event time): consumed from
    /// `foldHead` while due. Cheaper than the heap for the most frequent timer of all — the one
    /// that folds an answered concern away — because it needs no order: a fold emits nothing.
    var folds: [Fold] = []
    var foldHead = 0
    var dirtySlots: [Int32] = []
    var tombstones: [String] = []
    var pendingAlerts: [Alert] = []
    /// Outcomes of concerns that ended, when ``Settings/reportsOutcomes`` (`SLAEngine+Outcomes.swift`).
    var pendingOutcomes: [ConcernOutcome] = []
    var scratch: [Concern] = []
    var ackScratch: [Int] = []
    /// What the hot path needs of each policy, flat (reading a `Policy` out of its array
    /// would copy it and retain every field).
    var table = PolicyTable(PolicySet([]))
    public internal(set) var openConcerns = 0

    /// Creates an empty engine.
    public init(policies: PolicySet, settings: Settings = .init(), watermark: Timestamp = .distantPast) {
        self.policies = policies
        self.settings = settings
        self.watermark = watermark
        self.table = PolicyTable(policies)
    }

    /// Conversations held.
    public var conversationCount: Int { store.count }

    /// The state of a conversation, if held.
    public func state(of conversationID: String) -> ConversationState? {
        store.find(conversationID, tag: ConversationIndex.tag(of: conversationID)).map { store[$0].state }
    }

    /// The channel a conversation is kept under, read in place (no copy of its state).
    public func channel(of conversationID: String) -> String? {
        store.find(conversationID, tag: ConversationIndex.tag(of: conversationID)).map { store[$0].state.channel }
    }

    // MARK: Events

    /// Applies one event, then fires whatever became due for its conversation.
    @discardableResult
    public mutating func apply(_ event: borrowing InteractionEvent) -> ApplyResult {
        withUnsafePointer(to: event) { apply($0) }
    }

    /// ``apply(_:)`` for an event in memory the caller owns (``EventBatch`` applying in place):
    /// reads its fields where they are — passing an array element by value copies the whole
    /// event and retains its strings.
    @discardableResult
    mutating func apply(_ pointer: UnsafePointer<InteractionEvent>) -> ApplyResult {
        let slot = store.findOrAdd(pointer.pointee.conversationID, tag: pointer.pointee.conversationTag)
        // A fold still queued but already due happens first, as if it had run on time.
        if store[slot].foldDue <= watermark.millis { evaluate(slot) }
        // Move the state out so its arrays stay uniquely referenced (no copy-on-write copies).
        var st = store.takeState(slot)
        let at = pointer.pointee.occurredAt.millis
        var changed = false
        var historyChanged = false
        if at > st.lastEventAt {
            st.lastEventAt = at
            changed = true
        }
        if pointer.pointee.channel != "unknown", pointer.pointee.channel != st.channel {
            st.channel = pointer.pointee.channel
            changed = true
        }
        let idHash = pointer.pointee.idHash
        var result = ApplyResult.applied
        switch pointer.pointee.kind {
        case .broadcast:
            break
        case .response:
            let channel = pointer.pointee.channel == "unknown" ? st.channel : pointer.pointee.channel
            if let p = policies.firstMatch(
                channel: channel, priority: pointer.pointee.priority, tags: pointer.pointee.tags,
                attributes: pointer.pointee.attributes)
            {
                if let rules = table.ignores[p], rules.ignores(text: pointer.pointee.text) {
                    result = .ignored
                } else if at <= st.answeredThrough {
                    result = .stale
                } else if case let followsSamePolicy = Self.follows(st.history.last, policy: UInt16(p), at: at),
                    st.insert(.init(at: at, idHash: idHash, policy: UInt16(p), kind: .message))
                {
                    changed = true
                    // A message right after another message of the same policy joins that open,
                    // running concern and moves no instant: its deadlines stay as armed.
                    historyChanged = !followsSamePolicy
                    // Latest by occurred_at; ties broken by content so arrival order never matters.
                    if at >= st.lastCustomerTextAt {
                        let text = Self.preview(of: pointer.pointee, limit: settings.textLimit)
                        if at > st.lastCustomerTextAt
                            || (text, pointer.pointee.priority.rawValue) > (st.customerText, st.priority.rawValue)
                        {
                            st.priority = pointer.pointee.priority
                            st.lastCustomerTextAt = at
                            st.customerText = text
                        }
                    }
                } else {
                    result = .duplicate
                }
            } else {
                result = .unmatched
            }
        case .acknowledgement where at <= st.answeredThrough, .status where at <= st.answeredThrough:
            result = .stale
        case .acknowledgement:
            let kind: ConversationState.Entry.Kind = pointer.pointee.automated ? .automatedAck : .ack
            if st.insert(.init(at: at, idHash: idHash, policy: 0, kind: kind)) {
                changed = true
                historyChanged = true
            } else {
                result = .duplicate
            }
        case .status:
            let kind: ConversationState.Entry.Kind
            switch pointer.pointee.status ?? .open {
            case .waitingOnCustomer, .waitingOnThirdParty: kind = .pause
            case .open: kind = .resume
            case .closed: kind = .close
            }
            if st.insert(.init(at: at, idHash: idHash, policy: 0, kind: kind)) {
                changed = true
                historyChanged = true
            } else {
                result = .duplicate
            }
        }
        swap(&st, &store[slot].state)  // put it back: a move, not a copy
        if changed { markDirty(slot) }
        // Only a new fact can make something due or move a deadline earlier; a new
        // conversation still needs its first timer (state TTL).
        if historyChanged || store[slot].armed == .max { evaluate(slot) }
        return result
    }

    // MARK: Batches

    /// Warms the cache for applying `events` next (see ``ConversationStore/prefetch(_:timers:)``);
    /// ``EventBatch/warm(_:)`` calls it for a batch.
    mutating func prefetch<C: Collection>(_ events: C) where C.Element == InteractionEvent {
        store.prefetch(events, timers: scheduler)
    }

    // MARK: Output

    /// Alerts emitted since the last call, in emission order.
    public mutating func drainAlerts() -> [Alert] {
        if pendingAlerts.isEmpty { return [] }  // no buffer handed out and reallocated
        defer { pendingAlerts.removeAll(keepingCapacity: true) }
        return pendingAlerts
    }

    /// Whether alerts are waiting to be drained.
    public var hasPendingAlerts: Bool { !pendingAlerts.isEmpty }

    /// How many alerts are waiting to be drained.
    public var pendingAlertCount: Int { pendingAlerts.count }

    /// Conversations whose change waits for ``drainChanges(_:)`` (an upper bound: a conversation
    /// changed, forgotten and met again may count twice).
    public var pendingChanges: Int { dirtySlots.count + tombstones.count }

    /// Conversations changed since the last call: the latest encoded state of each, or nil for a
    /// forgotten one (a tombstone).
    public mutating func drainChanges(_ body: (_ conversationID: String, _ state: [UInt8]?) -> Void) {
        for slot in dirtySlots {
            guard store[slot].dirty else { continue }
            store[slot].dirty = false
            guard store[slot].live else { continue }
            // Encode a local copy, not `store[slot].state.encoded()`: at -Onone Swift 6.3.1
            // releases that form's copy through the `_read` frame after it is freed
            // (swiftlang/swift#89836, fixed for 6.4; tools/swift-89836).
            let state = store[slot].state
            body(store[slot].id, state.encoded())
        }
        dirtySlots.removeAll(keepingCapacity: true)
        for id in tombstones where store.find(id, tag: ConversationIndex.tag(of: id)) == nil { body(id, nil) }
        tombstones.removeAll(keepingCapacity: true)
    }

    // MARK: Restore and reload

    /// Makes room for `n` conversations in all, e.g. before a restore of about that many
    /// changelog records: the store and its index then do not regrow (and copy) on the way.
    public mutating func reserveConversations(_ n: Int) {
        store.reserve(n)
    }

    /// Loads one conversation from the changelog (nil value: a tombstone, forget it). Deadlines
    /// are rebuilt on the next `advance`.
    public mutating func restore(conversationID: String, state: ConversationState?) {
        guard let state else {
            if let slot = store.find(conversationID, tag: ConversationIndex.tag(of: conversationID)) {
                forget(slot, tombstone: false)
            }
            return
        }
        let slot = store.findOrAdd(conversationID)
        let wasOpen = store[slot].hasOpenConcern
        store[slot].state = state
        let open = state.history.contains { $0.kind == .message }
        store[slot].hasOpenConcern = open
        openConcerns += (open ? 1 : 0) - (wasOpen ? 1 : 0)
        armNow(slot)
    }

    /// Swaps in new policies and re-evaluates every conversation: open concerns keep the time
    /// already on their clock and get deadlines from the new policy (matched by policy name; a
    /// policy that disappeared is replaced by re-matching on channel and priority).
    public mutating func reload(policies new: PolicySet) -> ReloadReport {
        var report = ReloadReport()
        var map = [UInt16](repeating: ConcernTimeline.noPolicy, count: policies.policies.count)
        for (i, p) in policies.policies.enumerated() {
            if let j = new.index(named: p.name) { map[i] = UInt16(j) }
        }
        let old = policies
        policies = new
        table = PolicyTable(new)
        for slot in store.slotNumbers where store[slot].live {
            var st = store[slot].state
            guard !st.history.isEmpty else { continue }
            if store[slot].hasOpenConcern { report.openConcerns += 1 }
            var touched = false
            for h in st.history.indices where st.history[h].kind == .message {
                let e = st.history[h]
                let oldIndex = Int(e.policy)
                var target = oldIndex < map.count ? map[oldIndex] : ConcernTimeline.noPolicy
                if target == ConcernTimeline.noPolicy {
                    if let m = new.firstMatch(channel: st.channel, priority: st.priority, tags: [], attributes: []) {
                        target = UInt16(m)
                        if oldIndex < old.policies.count { report.rematched += 1 }
                    } else {
                        report.unmatched += 1
                    }
                }
                if target != e.policy {
                    st.history[h] = e.with(policy: target)
                    touched = true
                }
            }
            store[slot].state = st
            if touched { markDirty(slot) }
            armNow(slot)
        }
        advance(to: watermark)
        return report
    }

    // MARK: Internals

    /// Whether a customer message at `at` under `policy` would directly follow `last`, a message
    /// of the same policy (then it joins that message's open concern without moving a deadline).
    @inline(__always) static func follows(_ last: ConversationState.Entry?, policy: UInt16, at: Int64) -> Bool {
        guard let last else { return false }
        return last.kind == .message && last.policy == policy && at >= last.at
    }

    /// The `last_customer_text` preview of an event: cut from its text, or the decoder's preview.
    @inline(__always) static func preview(of event: InteractionEvent, limit: Int) -> InlineText {
        if let text = event.text { return InlineText(text, limit: limit) }
        if event.textPreview.isNone || limit >= InlineText.previewBytes { return event.textPreview }
        return InlineText(event.textPreview.string ?? "", limit: limit)
    }

    mutating func markDirty(_ slot: Int32) {
        if !store[slot].dirty {
            store[slot].dirty = true
            dirtySlots.append(slot)
        }
    }

    /// Forgets a conversation: its slot, its timer, and (for the changelog) its state.
    mutating func forget(_ slot: Int32, tombstone: Bool) {
        if store[slot].hasOpenConcern { openConcerns -= 1 }
        scheduler.cancel(slot)
        let id = store.remove(slot)
        if tombstone { tombstones.append(id) }
    }
}
