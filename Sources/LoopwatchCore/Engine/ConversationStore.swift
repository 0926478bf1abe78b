/// The conversations one engine holds: a slot per conversation in one flat array (slots of
/// forgotten conversations are reused through a free list), the open-addressing index from
/// conversation id to slot, and cache warming for a batch of events about to be applied.
///
/// The engine reads and writes a slot's fields in place through the subscript (no copy of the
/// slot, no retain of its strings and arrays); only the store adds, frees and finds slots.
struct ConversationStore {
    /// One conversation: its id, its state, and the engine's bookkeeping for it, side by side
    /// (≈ 160 bytes: three cache lines, all warmed together).
    struct Slot {
        var id: String
        var state: ConversationState
        var live: Bool
        var dirty: Bool
        var hasOpenConcern: Bool
        /// Set by an evaluation that found nothing left to fire before the conversation's expiry
        /// (`state_ttl` after its last event): when a timer finds it expired with no event since,
        /// it is forgotten without being evaluated again (`SLAEngine.advance(to:budget:)`). Next
        /// to the other flags, in the padding before `armed` (the slot stays 160 bytes).
        var expiresClean = false
        /// The deadline armed in the scheduler (`Int64.max`: none). Re-arming is lazy: a timer
        /// is moved only when the next due instant comes *earlier*; a timer that fires early
        /// just re-evaluates and re-arms. Most events thus touch no heap at all.
        var armed: Int64 = .max
        /// The earliest fold queued for this slot (`Int64.max`: none); entries of the fold queue
        /// that no longer match are stale and skipped.
        var foldDue: Int64 = .max
    }

    private var slots: [Slot] = []
    private var freeSlots: [Int32] = []
    private var index = ConversationIndex()
    /// Warming scratch, and where its loads go so they are not optimized away.
    private var warmTags: [UInt32] = []
    private var warmSlots: [Int32] = []
    private var warmSink: UInt64 = 0

    /// Conversations held.
    var count: Int { index.count }

    /// Every slot number, live or free (`self[slot].live` tells).
    var slotNumbers: Range<Int32> { 0..<Int32(slots.count) }

    /// The slot `slot`, read or changed in place.
    subscript(slot: Int32) -> Slot {
        @inline(__always) _read { yield slots[Int(slot)] }
        @inline(__always) _modify { yield &slots[Int(slot)] }
    }

    /// The slot holding conversation `id` (whose index tag is `tag`), if any.
    @inline(__always) func find(_ id: String, tag: UInt32) -> Int32? {
        index.find(tag: tag) { slots[Int($0)].id == id }
    }

    /// The slot of conversation `id`, created when new.
    mutating func findOrAdd(_ id: String) -> Int32 { findOrAdd(id, tag: ConversationIndex.tag(of: id)) }

    /// The slot of conversation `id` (whose index tag is `tag`), created when new.
    mutating func findOrAdd(_ id: String, tag: UInt32) -> Int32 {
        if let s = find(id, tag: tag) { return s }
        let slot: Int32
        let fresh = Slot(id: id, state: ConversationState(), live: true, dirty: false, hasOpenConcern: false)
        if let free = freeSlots.popLast() {
            slot = free
            slots[Int(free)] = fresh
        } else {
            slot = Int32(slots.count)
            slots.append(fresh)
        }
        index.insert(tag: tag, slot: slot)
        return slot
    }

    /// Makes room for `n` conversations in all (slots and index) without regrowing on the way.
    mutating func reserve(_ n: Int) {
        slots.reserveCapacity(n)
        index.reserve(n)
    }

    /// Frees `slot` for reuse and drops its conversation from the index; returns its id.
    mutating func remove(_ slot: Int32) -> String {
        let id = slots[Int(slot)].id
        index.remove(tag: ConversationIndex.tag(of: id), slot: slot)
        slots[Int(slot)] = Slot(id: "", state: ConversationState(), live: false, dirty: false, hasOpenConcern: false)
        freeSlots.append(slot)
        return id
    }

    /// Moves a slot's state out, leaving an empty placeholder: the caller changes it with its
    /// arrays uniquely referenced (no copy-on-write copies), then puts it back with `swap`.
    @inline(__always) mutating func takeState(_ slot: Int32) -> ConversationState {
        var st = ConversationState()
        swap(&st, &slots[Int(slot)].state)
        return st
    }

    // MARK: Cache warming

    /// Warms the cache for applying `events` next: reads the index buckets of all their
    /// conversations, then their slots, then their history and (in `timers`) timer entries, each
    /// stage as independent loads. At a million conversations nearly every one of those reads is
    /// a cache miss; one event at a time they stall one after another, in a batch they overlap.
    /// Only a hint: applying works the same without it.
    mutating func prefetch<C: Collection>(_ events: C, timers: DeadlineScheduler)
    where C.Element == InteractionEvent {
        guard !events.isEmpty, index.count > 0 else { return }
        // Each stage first computes its addresses, then loads them in a tight loop: the loads
        // are independent, so the CPU keeps many misses in flight at once.
        warmTags.removeAll(keepingCapacity: true)
        let done: Void? = events.withContiguousStorageIfAvailable { buffer in
            // Through the buffer, the tag is read in place: no copy of the event.
            for k in buffer.indices { warmTags.append(buffer[k].conversationTag) }
        }
        if done == nil {
            for e in events { warmTags.append(e.conversationTag) }
        }
        var sink: UInt64 = 0
        for tag in warmTags { sink &+= index.home(of: tag) }
        warmSlots.removeAll(keepingCapacity: true)
        for tag in warmTags {
            if let slot = index.firstSlot(tag: tag), Int(slot) < slots.count { warmSlots.append(slot) }
        }
        sink &+= touchSlots(warmSlots)
        for slot in warmSlots {
            sink &+= UInt64(truncatingIfNeeded: slots[Int(slot)].state.history.rest.count)
            sink &+= UInt64(bitPattern: timers.touch(slot))
        }
        warmSink = sink
    }

    /// Warms these slots (all their cache lines) for use next.
    @inline(__always) mutating func warm<S: Sequence>(_ keys: S) where S.Element == Int32 {
        warmSink = touchSlots(keys)
    }

    /// Reads one word in each cache line (a slot is ≈ 160 bytes) of each of these slots: loads
    /// independent of each other, so their misses overlap.
    @inline(__always) private func touchSlots<S: Sequence>(_ keys: S) -> UInt64 where S.Element == Int32 {
        let stride = MemoryLayout<Slot>.stride
        return slots.withUnsafeBytes { raw in
            var sum: UInt64 = 0
            for key in keys {
                let at = Int(key) &* stride
                var offset = 0
                while offset < stride {
                    sum &+= raw.load(fromByteOffset: at &+ offset, as: UInt64.self)
                    offset &+= 64
                }
                sum &+= raw.load(fromByteOffset: at &+ stride &- 8, as: UInt64.self)
            }
            return sum
        }
    }
}
