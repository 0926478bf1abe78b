// Miscompile at -Onone (Swift 6.3.1, x86_64 Linux): a large loadable field of a value yielded
// by a `_read` coroutine is copied out inside the access, but LoadableByAddress (IRGen
// preparation) rewrites the copy's final release to act on the *yielded address*, after
// `end_apply`, when the coroutine has already destroyed its copy and freed its frame.
//
//   swiftc -Onone main.swift -o repro && ./repro   -> SIGSEGV in swift_release ("outlined destroy of State")
//   swiftc -O     main.swift -o repro && ./repro   -> 45, 45, deinit Box, ok   (expected)
//   swiftc -Onone -Xfrontend -disable-large-loadable-types-reg2mem main.swift -o repro  -> expected output

final class Box {
    var v = 42
    deinit { print("deinit Box") }
}

/// 104 bytes: "large" for IRGen (passed and kept by address).
struct State {
    var name: String
    var items: [Int]
    var box: Box
    var w0 = 0, w1 = 0, w2 = 0, w3 = 0, w4 = 0, w5 = 0, w6 = 0, w7 = 0, w8 = 0

    /// Allocates a block of the coroutine frame's malloc size class and fills it: the freed frame
    /// of `Store.subscript._read` is reused for it (glibc tcache is LIFO), so the stale copy of
    /// the slot it held is overwritten, as `ConversationState.encoded()`'s output buffer did.
    func total() -> Int {
        let frameBytes = 2 * MemoryLayout<Slot>.size  // the frame holds two slots
        let scratch = [UInt8](repeating: 0xAB, count: frameBytes - 32)  // minus the array header
        return items.count + box.v + (scratch.isEmpty ? 1 : 0)
    }
}

struct Slot {
    var id: String
    var state: State
}

struct Store {
    var slots: [Slot]
    subscript(i: Int) -> Slot {
        _read { yield slots[i] }  // Array's getter: yields a copy kept in the coroutine frame
        _modify { yield &slots[i] }  // with a _modify, SILGen borrows and projects `.state` in place
    }
}

func run() {
    var store = Store(slots: [Slot(id: "a", state: State(name: "n", items: [1, 2, 3], box: Box()))])
    let i = 0
    // SILGen (correct): begin_apply; struct_extract #Slot.state; copy_value; end_apply; apply; destroy_value.
    // After LoadableByAddress (wrong): `release_value_addr` of `struct_element_addr %yield, #Slot.state`
    //   after end_apply -> IR: `outlined destroy of State` on the freed coroutine frame.
    print(store[i].state.total())
    print(store[i].state.total())
    store.slots.removeAll()
}
run()
print("ok")
