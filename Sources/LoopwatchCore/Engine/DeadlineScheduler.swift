/// An indexed binary min-heap of deadlines keyed by a dense integer key (a conversation slot).
/// Equal deadlines come out in key order, so the same input always fires in the same order.
///
/// Each key has at most one deadline. `schedule` inserts or moves it (O(log n)), `cancel` removes
/// it (O(log n)), `popDue` hands out keys whose deadline is at or before an instant. Storage is
/// three flat arrays — 16 bytes per pending deadline plus 4 per key — so ten million pending
/// deadlines cost ~200 MB less than a `Dictionary`-based design and no per-entry allocation.
public struct DeadlineScheduler: Sendable {
    @usableFromInline var dues: [Int64] = []
    @usableFromInline var keys: [Int32] = []
    /// Heap position of each key, -1 when it has no deadline.
    @usableFromInline var positions: [Int32] = []

    public init() {}

    /// Number of pending deadlines.
    @inlinable public var count: Int { dues.count }

    /// The earliest pending deadline, if any.
    @inlinable public var nextDue: Int64? { dues.first }

    /// The pending deadline of `key`, if any.
    @inlinable public func due(of key: Int32) -> Int64? {
        let k = Int(key)
        guard k < positions.count, positions[k] >= 0 else { return nil }
        return dues[Int(positions[k])]
    }

    /// Sets (inserts or moves) the deadline of `key`.
    @inlinable public mutating func schedule(_ key: Int32, at due: Int64) {
        let k = Int(key)
        if k >= positions.count {
            positions.append(contentsOf: repeatElement(-1, count: k + 1 - positions.count))
        }
        let p = Int(positions[k])
        if p >= 0 {
            let old = dues[p]
            dues[p] = due
            if due < old { siftUp(p) } else if due > old { siftDown(p) }
        } else {
            dues.append(due)
            keys.append(key)
            positions[k] = Int32(dues.count - 1)
            siftUp(dues.count - 1)
        }
    }

    /// Removes the deadline of `key`, if any.
    @inlinable public mutating func cancel(_ key: Int32) {
        let k = Int(key)
        guard k < positions.count else { return }
        let p = Int(positions[k])
        guard p >= 0 else { return }
        positions[k] = -1
        let last = dues.count - 1
        if p != last {
            dues[p] = dues[last]
            keys[p] = keys[last]
            positions[Int(keys[p])] = Int32(p)
            dues.removeLast()
            keys.removeLast()
            siftDown(p)
            siftUp(p)
        } else {
            dues.removeLast()
            keys.removeLast()
        }
    }

    /// Removes and returns the key with the earliest deadline if that deadline is `<= limit`.
    @inlinable public mutating func popDue(atOrBefore limit: Int64) -> (key: Int32, due: Int64)? {
        guard let first = dues.first, first <= limit else { return nil }
        let key = keys[0]
        cancel(key)
        return (key, first)
    }

    @inlinable mutating func siftUp(_ start: Int) {
        var i = start
        let d = dues[i], k = keys[i]
        while i > 0 {
            let parent = (i - 1) >> 1
            guard d < dues[parent] || (d == dues[parent] && k < keys[parent]) else { break }
            dues[i] = dues[parent]
            keys[i] = keys[parent]
            positions[Int(keys[i])] = Int32(i)
            i = parent
        }
        dues[i] = d
        keys[i] = k
        positions[Int(k)] = Int32(i)
    }

    @inlinable mutating func siftDown(_ start: Int) {
        var i = start
        let n = dues.count
        guard i < n else { return }
        let d = dues[i], k = keys[i]
        while true {
            let l = 2 * i + 1
            guard l < n else { break }
            let r = l + 1
            let c = (r < n && (dues[r] < dues[l] || (dues[r] == dues[l] && keys[r] < keys[l]))) ? r : l
            guard dues[c] < d || (dues[c] == d && keys[c] < k) else { break }
            dues[i] = dues[c]
            keys[i] = keys[c]
            positions[Int(keys[i])] = Int32(i)
            i = c
        }
        dues[i] = d
        keys[i] = k
        positions[Int(k)] = Int32(i)
    }
}
