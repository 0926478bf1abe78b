/// The engine's map from conversation id to slot: an open-addressing hash table (linear probing,
/// backward-shift deletion, load ≤ ½) of 8-byte words, each a 32-bit hash tag and a slot number.
///
/// It replaces `Dictionary<String, Int32>`: one probe usually touches one cache line, the id is
/// hashed once with a cheap word-at-a-time hash instead of SipHash, and growing rehashes tags
/// without touching the ids. Ids are compared (by the caller, on its slot) only when tags match.
/// Costs 8 bytes per bucket: 16–32 bytes per conversation, against ~27–53 for the dictionary.
struct ConversationIndex {
    /// `tag << 32 | (slot + 1)`; 0 is an empty bucket.
    private var buckets: [UInt64] = []
    private var mask = -1
    private(set) var count = 0

    init() {}

    /// The 32-bit tag of an id: position and discriminator in the table.
    @inline(__always) static func tag(of id: String) -> UInt32 {
        var id = id
        return id.withUTF8 { tag(of: UnsafeRawBufferPointer($0)) }
    }

    /// The tag of an id's UTF-8 bytes: 8 bytes at a time, multiply–xorshift mixed.
    @inline(__always) static func tag(of bytes: UnsafeRawBufferPointer) -> UInt32 {
        let k: UInt64 = 0x9E37_79B9_7F4A_7C15
        var h: UInt64 = 0x243F_6A88_85A3_08D3 ^ UInt64(bytes.count)
        var i = 0
        let n = bytes.count
        while i &+ 8 <= n {
            h = (h ^ bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* k
            h ^= h >> 29
            i &+= 8
        }
        if i < n {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while i < n {
                tail |= UInt64(bytes[i]) << shift
                shift &+= 8
                i &+= 1
            }
            h = (h ^ tail) &* k
            h ^= h >> 29
        }
        h = (h ^ (h >> 32)) &* 0xD6E8_FEB8_6659_FD93
        return UInt32(truncatingIfNeeded: h >> 32)
    }

    /// The slot of the entry with `tag` for which `isMatch(slot)` holds, if any.
    @inline(__always) func find(tag: UInt32, where isMatch: (Int32) -> Bool) -> Int32? {
        guard count > 0 else { return nil }
        var i = Int(tag) & mask
        while true {
            let b = buckets[i]
            if b == 0 { return nil }
            if UInt32(truncatingIfNeeded: b >> 32) == tag {
                let slot = Int32(truncatingIfNeeded: b) &- 1
                if isMatch(slot) { return slot }
            }
            i = (i &+ 1) & mask
        }
    }

    /// The bucket a lookup of `tag` starts at, read for its cache line (see `ConversationStore.prefetch`).
    @inline(__always) func home(of tag: UInt32) -> UInt64 {
        count > 0 ? buckets[Int(tag) & mask] : 0
    }

    /// The slot of the first entry with `tag` (ids not compared: a cache-warming guess).
    @inline(__always) func firstSlot(tag: UInt32) -> Int32? {
        guard count > 0 else { return nil }
        var i = Int(tag) & mask
        while true {
            let b = buckets[i]
            if b == 0 { return nil }
            if UInt32(truncatingIfNeeded: b >> 32) == tag { return Int32(truncatingIfNeeded: b) &- 1 }
            i = (i &+ 1) & mask
        }
    }

    /// Adds an entry (the caller knows the id is absent).
    mutating func insert(tag: UInt32, slot: Int32) {
        if (count &+ 1) &* 2 > buckets.count { grow() }
        var i = Int(tag) & mask
        while buckets[i] != 0 { i = (i &+ 1) & mask }
        buckets[i] = UInt64(tag) << 32 | UInt64(UInt32(bitPattern: slot &+ 1))
        count &+= 1
    }

    /// Removes the entry of `slot` (added with `tag`), if present.
    mutating func remove(tag: UInt32, slot: Int32) {
        guard count > 0 else { return }
        let word = UInt64(tag) << 32 | UInt64(UInt32(bitPattern: slot &+ 1))
        var i = Int(tag) & mask
        while buckets[i] != word {
            if buckets[i] == 0 { return }
            i = (i &+ 1) & mask
        }
        // Backward shift: move later entries of the run into the hole when their home allows.
        var hole = i
        var j = (i &+ 1) & mask
        while buckets[j] != 0 {
            let home = Int(UInt32(truncatingIfNeeded: buckets[j] >> 32)) & mask
            // The entry at j may move to the hole if its home is not cyclically in (hole, j].
            let distHole = (hole &- home) & mask
            let distJ = (j &- home) & mask
            if distHole < distJ {
                buckets[hole] = buckets[j]
                hole = j
            }
            j = (j &+ 1) & mask
        }
        buckets[hole] = 0
        count &-= 1
    }

    /// Reserves room for `n` entries without growing.
    mutating func reserve(_ n: Int) {
        var cap = max(16, buckets.count)
        while cap < n &* 2 { cap &*= 2 }
        if cap > buckets.count { rehash(capacity: cap) }
    }

    private mutating func grow() { rehash(capacity: max(16, buckets.count &* 2)) }

    private mutating func rehash(capacity: Int) {
        let old = buckets
        buckets = [UInt64](repeating: 0, count: capacity)
        mask = capacity &- 1
        for b in old where b != 0 {
            var i = Int(UInt32(truncatingIfNeeded: b >> 32)) & mask
            while buckets[i] != 0 { i = (i &+ 1) & mask }
            buckets[i] = b
        }
    }
}
