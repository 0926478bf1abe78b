import LoopwatchCore

/// The engines of partitions being rebuilt from the changelog, held outside ``ProcessingCore``
/// until each partition is complete: records of several partitions arrive interleaved, and each
/// goes straight into its engine in an array indexed by partition number (no dictionary access,
/// no copy or move of an engine per record). A partition whose read fails is simply dropped.
struct ChangelogRestore {
    /// Indexed by partition number; `nil`: not restored here, or already taken.
    private var engines: [SLAEngine?]
    /// Whether `engines[i]` is held (asked per record without copying the engine out).
    private var held: [Bool]
    /// Records loaded (tombstones included) and corrupt records skipped, all partitions.
    private(set) var records = 0
    private(set) var corrupt = 0

    /// Fresh engines for `partitions` (non-negative numbers), built with `make`.
    init(partitions: [Int32], make: () -> SLAEngine) {
        let count = Int(partitions.max() ?? -1) + 1
        engines = Array(repeating: nil, count: count)
        held = Array(repeating: false, count: count)
        for p in partitions where p >= 0 {
            engines[Int(p)] = make()
            held[Int(p)] = true
        }
    }

    /// Loads one changelog record of partition `p` from bytes borrowed for the call; false when
    /// it has no key, belongs to no partition restored here, or is corrupt (skipped: that
    /// conversation starts afresh rather than the partition never starting).
    @discardableResult
    mutating func apply(partition p: Int32, key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?) -> Bool {
        let i = Int(p)
        guard key != nil, i >= 0, i < held.count, held[i] else { return false }
        switch Self.load(key: key, value: value, into: &engines[i]!) {
        case .loaded:
            records += 1
            return true
        case .corrupt:
            records += 1
            corrupt += 1
            return false
        case .skipped:
            return false
        }
    }

    /// What ``load(key:value:into:)`` did with a record.
    enum Load {
        /// A state or a tombstone was loaded.
        case loaded
        /// The value does not decode; nothing was loaded.
        case corrupt
        /// No key: not a changelog record.
        case skipped
    }

    /// Loads one changelog record into `engine`: a value restores the conversation named by the
    /// key, a tombstone forgets it.
    static func load(key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?, into engine: inout SLAEngine) -> Load
    {
        guard let key else { return .skipped }
        let id = String(decoding: key, as: UTF8.self)
        guard let value else {
            engine.restore(conversationID: id, state: nil)
            return .loaded
        }
        do {
            engine.restore(conversationID: id, state: try ConversationState.decode(value))
            return .loaded
        } catch {
            return .corrupt
        }
    }

    /// The most conversations ``reserve(partition:records:)`` makes room for at once.
    static let reserveLimit = 1 << 22

    /// Makes room in partition `p`'s engine for `records` changelog records (at most
    /// ``reserveLimit``): a compacted changelog holds about one record per conversation.
    mutating func reserve(partition p: Int32, records: Int64) {
        let i = Int(p)
        guard i >= 0, i < held.count, held[i], records > 0 else { return }
        engines[i]!.reserveConversations(Int(min(records, Int64(Self.reserveLimit))))
    }

    /// Hands partition `p`'s engine over (once).
    mutating func take(partition p: Int32) -> SLAEngine? {
        let i = Int(p)
        guard i >= 0, i < held.count, held[i] else { return nil }
        held[i] = false
        return engines[i].take()
    }
}
