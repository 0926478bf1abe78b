/// The history of a conversation: a sorted list of facts that keeps its first element inline.
///
/// Most open conversations hold exactly one fact (the customer message waiting for an answer);
/// keeping it inline saves the array allocation (a 32-byte header plus malloc rounding) for them
/// — the difference between ~350 and under 300 bytes per open conversation.
public struct EntryList: Sendable, Equatable, RandomAccessCollection, MutableCollection {
    public typealias Element = ConversationState.Entry
    public typealias Index = Int

    /// The first entry; `word == .max` (an impossible kind byte) marks an empty list.
    @usableFromInline var head: Element
    /// Entries 1…
    @usableFromInline var rest: [Element]

    @usableFromInline static let none = Element(raw: 0, word: .max)

    /// An empty list.
    @inlinable public init() {
        head = Self.none
        rest = []
    }

    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { head.word == .max ? 0 : 1 &+ rest.count }

    @inlinable public subscript(i: Int) -> Element {
        get { i == 0 ? head : rest[i &- 1] }
        set {
            if i == 0 { head = newValue } else { rest[i &- 1] = newValue }
        }
    }

    /// Inserts `e` before position `i`.
    @inlinable public mutating func insert(_ e: Element, at i: Int) {
        if head.word == .max {
            head = e
        } else if i == 0 {
            rest.insert(head, at: 0)
            head = e
        } else {
            rest.insert(e, at: i &- 1)
        }
    }

    /// Appends `e` at the end.
    @inlinable public mutating func append(_ e: Element) { insert(e, at: endIndex) }

    /// Removes the first `n` entries.
    @inlinable public mutating func removeFirst(_ n: Int) {
        guard n > 0 else { return }
        if n >= count {
            self = EntryList()
        } else {
            head = self[n]
            rest.removeFirst(n)
        }
    }

    public static func == (l: EntryList, r: EntryList) -> Bool { l.elementsEqual(r) }
}
