import Testing

@testable import LoopwatchCore

/// The changelog's value format (the state topic) is read back by other versions of the worker:
/// the bytes of a given state must not change unless `encodingVersion` does.
@Suite struct StateEncodingTests {
    /// Every field set: two facts, two concern marks, a customer text that needs more than one
    /// byte per character, instants before and after 1970.
    static func state() -> ConversationState {
        var s = ConversationState(channel: "twitter", priority: .high)
        s.flags = ConversationState.Flags(rawValue: 5)
        s.lastEventAt = 1_793_610_000_000
        s.answeredThrough = -1
        _ = s.insert(.init(at: 1_793_609_000_000, idHash: 0xABC_DEF, policy: 2, kind: .message))
        _ = s.insert(.init(at: 1_793_610_000_000, idHash: 0x123, policy: 2, kind: .ack))
        s.marks = [.init(since: 1_793_609_000_000, mask: 0b101), .init(since: 0, mask: 1)]
        s.lastCustomerText = "where is my \"refund\"? 😀"
        s.lastCustomerTextAt = 1_793_609_000_000
        return s
    }

    @Test func theBytesOfAStateAreFixed() throws {
        let state = Self.state()
        let bytes = state.encoded()
        // Version 1; "twitter"; high; flags; lastEventAt and answeredThrough (zigzag varints);
        // two facts; two marks; the text and its instant.
        let expected: [UInt8] = [
            1, 7, 116, 119, 105, 116, 116, 101, 114, 2, 5, 128, 154, 229, 183, 179, 104, 1, 2, 128, 145, 235, 182,
            179, 104, 128, 132, 128, 248, 222, 249, 42, 128, 154, 229, 183, 179, 104, 129, 132, 128, 152, 18, 2, 128,
            145, 235, 182, 179, 104, 5, 0, 1, 1, 26, 119, 104, 101, 114, 101, 32, 105, 115, 32, 109, 121, 32, 34, 114,
            101, 102, 117, 110, 100, 34, 63, 32, 240, 159, 152, 128, 128, 145, 235, 182, 179, 104,
        ]
        #expect(bytes == expected)
        #expect(try ConversationState.decode(bytes) == state)
    }
}
