/// The 64-bit event id hashes a report has counted (``ReportDriver``'s duplicate check): an
/// open-addressing table with linear probing, 8 bytes per slot, at most 70 % full.
///
/// `Set<UInt64>` hashes every key again with SipHash; these keys are hashes already, so one
/// multiply spreads them and a probe usually stays in one cache line.
struct EventIDSet: Sendable {
    /// The slots; 0 marks an empty one (the key 0 itself is kept in `holdsZero`).
    private var slots: [UInt64]
    /// 64 − log2(slot count): the top bits of the spread key pick the first slot.
    private var shift: UInt64
    private var holdsZero = false
    /// What ``warm(_:)`` read (kept, so the reads are not optimized away).
    private var warmSink: UInt64 = 0
    /// Keys held.
    private(set) var count = 0

    /// An empty set.
    init() {
        slots = [UInt64](repeating: 0, count: 1 << 10)
        shift = 64 - 10
    }

    /// Adds `key`; whether it was not there yet.
    mutating func insert(_ key: UInt64) -> Bool {
        if key == 0 {
            if holdsZero { return false }
            holdsZero = true
            count += 1
            return true
        }
        if (count + 1) * 10 > slots.count * 7 { grow() }
        let inserted = slots.withUnsafeMutableBufferPointer { Self.insert(key, into: $0, shift: shift) }
        if inserted { count += 1 }
        return inserted
    }

    /// Whether `key` is held.
    func contains(_ key: UInt64) -> Bool {
        if key == 0 { return holdsZero }
        return slots.withUnsafeBufferPointer { s in
            let mask = s.count - 1
            var i = Self.home(of: key, shift: shift)
            while s[i] != 0 {
                if s[i] == key { return true }
                i = (i + 1) & mask
            }
            return false
        }
    }

    /// Loads the first slot of each key, so that inserting them next finds them in the cache:
    /// the loads are independent, so their cache misses overlap. Only a hint.
    mutating func warm(_ keys: [UInt64]) {
        var sink: UInt64 = 0
        let shift = shift
        slots.withUnsafeBufferPointer { s in
            for key in keys { sink &+= s[Self.home(of: key, shift: shift)] }
        }
        warmSink = sink
    }

    @inline(__always) private static func home(of key: UInt64, shift: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9e37_79b9_7f4a_7c15) >> shift)
    }

    @inline(__always) private static func insert(
        _ key: UInt64, into s: UnsafeMutableBufferPointer<UInt64>, shift: UInt64
    ) -> Bool {
        let mask = s.count - 1
        var i = home(of: key, shift: shift)
        while s[i] != 0 {
            if s[i] == key { return false }
            i = (i + 1) & mask
        }
        s[i] = key
        return true
    }

    private mutating func grow() {
        let old = slots
        slots = [UInt64](repeating: 0, count: old.count * 2)
        shift -= 1
        let shift = shift
        slots.withUnsafeMutableBufferPointer { s in
            for key in old where key != 0 { _ = Self.insert(key, into: s, shift: shift) }
        }
    }
}
