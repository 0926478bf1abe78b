/// An indexed 4-ary min-heap of deadlines keyed by a dense integer key (a conversation slot).
/// Equal deadlines come out in key order, so the same input always fires in the same order.
///
/// Each key has at most one deadline. `schedule` inserts or moves it (O(log n)), `cancel` removes
/// it (O(log n)), `popDue` hands out keys whose deadline is at or before an instant. A node is
/// 16 bytes (deadline and key side by side, so a comparison reads one cache line, and a node's
/// four children share one or two), plus 4 bytes of position per key; with four children per
/// node the heap is half as deep as a binary one — at millions of pending deadlines the levels
/// below the cache-resident top cost a miss each, so depth is what a sift pays for.
public struct DeadlineScheduler: Sendable {
    @usableFromInline struct Node: Sendable {
        @usableFromInline var due: Int64
        @usableFromInline var key: Int32

        @inlinable init(due: Int64, key: Int32) {
            self.due = due
            self.key = key
        }

        /// Earlier deadline first, then lower key.
        @inlinable func precedes(_ o: Node) -> Bool { due < o.due || (due == o.due && key < o.key) }
    }

    @usableFromInline var nodes: [Node] = []
    /// Heap position of each key, -1 when it has no deadline.
    @usableFromInline var positions: [Int32] = []

    public init() {}

    /// Number of pending deadlines.
    @inlinable public var count: Int { nodes.count }

    /// The earliest pending deadline, if any.
    @inlinable public var nextDue: Int64? { nodes.first?.due }

    /// The pending deadline of `key`, if any.
    @inlinable public func due(of key: Int32) -> Int64? {
        let k = Int(key)
        guard k < positions.count, positions[k] >= 0 else { return nil }
        return nodes[Int(positions[k])].due
    }

    /// Reads what rescheduling `key` starts from (its position and heap node), for the cache.
    @inlinable public func touch(_ key: Int32) -> Int64 {
        let k = Int(key)
        guard k < positions.count else { return 0 }
        let p = Int(positions[k])
        return p >= 0 ? nodes[p].due : 0
    }

    /// Sets (inserts or moves) the deadline of `key`.
    @inlinable public mutating func schedule(_ key: Int32, at due: Int64) {
        let k = Int(key)
        if k >= positions.count {
            positions.append(contentsOf: repeatElement(-1, count: k + 1 - positions.count))
        }
        let p = Int(positions[k])
        if p >= 0 {
            let old = nodes[p].due
            if due < old {
                siftUp(p, Node(due: due, key: key))
            } else if due > old {
                siftDown(p, Node(due: due, key: key))
            }
        } else {
            nodes.append(Node(due: due, key: key))
            siftUp(nodes.count - 1, Node(due: due, key: key))
        }
    }

    /// Removes the deadline of `key`, if any.
    @inlinable public mutating func cancel(_ key: Int32) {
        let k = Int(key)
        guard k < positions.count else { return }
        let p = Int(positions[k])
        guard p >= 0 else { return }
        positions[k] = -1
        let last = nodes.removeLast()
        guard p < nodes.count else { return }
        // Put the last node in the hole, then restore order in whichever direction it violates.
        if p > 0, last.precedes(nodes[(p - 1) >> 2]) {
            siftUp(p, last)
        } else {
            siftDown(p, last)
        }
    }

    /// Removes and returns the key with the earliest deadline if that deadline is `<= limit`.
    @inlinable public mutating func popDue(atOrBefore limit: Int64) -> (key: Int32, due: Int64)? {
        guard let first = nodes.first, first.due <= limit else { return nil }
        positions[Int(first.key)] = -1
        let last = nodes.removeLast()
        if !nodes.isEmpty { refillRoot(with: last) }
        return (first.key, first.due)
    }

    /// Fills the hole at the root with `node` the bottom-up way: the hole goes down along the
    /// earliest children to a leaf, then `node` goes up from there. The last node of a heap
    /// nearly always belongs near the leaves, so this spares comparing it at every level on the
    /// way down (three comparisons a level instead of four).
    @inlinable mutating func refillRoot(with node: Node) {
        var hole = 0
        nodes.withUnsafeMutableBufferPointer { heap in
            positions.withUnsafeMutableBufferPointer { pos in
                while let best = Self.earliestChild(of: hole, in: heap) {
                    let b = heap[best]
                    heap[hole] = b
                    pos[Int(b.key)] = Int32(hole)
                    hole = best
                }
            }
        }
        siftUp(hole, node)
    }

    /// The earliest of the (up to four) children of `i`, if it has any.
    @inlinable @inline(__always) static func earliestChild(
        of i: Int, in heap: UnsafeMutableBufferPointer<Node>
    ) -> Int? {
        let first = 4 &* i &+ 1
        guard first < heap.count else { return nil }
        var best = first
        var c = first &+ 1
        let end = min(first &+ 4, heap.count)
        while c < end {
            if heap[c].precedes(heap[best]) { best = c }
            c &+= 1
        }
        return best
    }

    /// Moves `node` from the hole at `start` towards the root until its parent precedes it.
    @inlinable mutating func siftUp(_ start: Int, _ node: Node) {
        var i = start
        nodes.withUnsafeMutableBufferPointer { heap in
            positions.withUnsafeMutableBufferPointer { pos in
                while i > 0 {
                    let parent = (i - 1) >> 2
                    let p = heap[parent]
                    guard node.precedes(p) else { break }
                    heap[i] = p
                    pos[Int(p.key)] = Int32(i)
                    i = parent
                }
                heap[i] = node
                pos[Int(node.key)] = Int32(i)
            }
        }
    }

    /// Moves `node` from the hole at `start` towards the leaves until it precedes its children.
    @inlinable mutating func siftDown(_ start: Int, _ node: Node) {
        var i = start
        nodes.withUnsafeMutableBufferPointer { heap in
            positions.withUnsafeMutableBufferPointer { pos in
                while let best = Self.earliestChild(of: i, in: heap) {
                    let b = heap[best]
                    guard b.precedes(node) else { break }
                    heap[i] = b
                    pos[Int(b.key)] = Int32(i)
                    i = best
                }
                heap[i] = node
                pos[Int(node.key)] = Int32(i)
            }
        }
    }
}
