import LoopwatchTestSupport
import Testing

@testable import LoopwatchCore

/// The engine's open-addressing index behaves like a dictionary under any mix of operations.
@Suite struct ConversationIndexTests {
    /// A model run: random inserts and removals over a small key space (so probe runs collide,
    /// wrap around and shift back), checked against `Dictionary` after every step.
    @Test(arguments: [1, 2, 3] as [UInt64]) func agreesWithADictionary(seed: UInt64) {
        var rng = SplitMix(seed: seed)
        var index = ConversationIndex()
        var model: [String: Int32] = [:]
        var slots: [String] = []
        for _ in 0..<20_000 {
            let id = "conv-\(rng.next() % 3_000)"
            let tag = ConversationIndex.tag(of: id)
            let found = index.find(tag: tag) { slots[Int($0)] == id }
            #expect(found == model[id])
            if let slot = found, rng.next() % 3 == 0 {
                index.remove(tag: tag, slot: slot)
                model[id] = nil
            } else if found == nil {
                let slot = Int32(slots.count)
                slots.append(id)
                index.insert(tag: tag, slot: slot)
                model[id] = slot
            }
            #expect(index.count == model.count)
        }
        for (id, slot) in model {
            #expect(index.find(tag: ConversationIndex.tag(of: id)) { slots[Int($0)] == id } == slot)
        }
    }

    /// Ids whose tags collide are told apart by the caller's comparison.
    @Test func collidingTagsAreToldApartByTheId() {
        var index = ConversationIndex()
        let ids = ["a", "b", "c"]
        for (i, _) in ids.enumerated() { index.insert(tag: 7, slot: Int32(i)) }
        for (i, id) in ids.enumerated() { #expect(index.find(tag: 7) { ids[Int($0)] == id } == Int32(i)) }
        index.remove(tag: 7, slot: 0)
        #expect(index.find(tag: 7) { ids[Int($0)] == "a" } == nil)
        #expect(index.find(tag: 7) { ids[Int($0)] == "c" } == 2)
    }
}
