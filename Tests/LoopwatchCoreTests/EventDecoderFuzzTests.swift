import LoopwatchTestSupport
import Testing

@testable import LoopwatchCore

/// Decode must return (a result, never a crash or a hang) on any input.
@Suite struct EventDecoderFuzzTests {
    static let seeds: [String] = [
        #"{"id":"ev-1","conversation_id":"tw-100","kind":"response","occurred_at":"2026-11-02T09:30:00.250+03:00","channel":"twitter","author":{"id":"u-1","role":"customer","automated":false},"priority":"high","tags":["vip","billing"],"attributes":{"customer_tier":"gold","language":"en"},"text":"Where is my refund? \u00e9 \ud83d\ude00 \"quoted\"","status":null,"extra":[1,-2.5e3,{"a":[true,false,null]}]}"#,
        #"{"id":"ev-2","conversation_id":"c","kind":"status","occurred_at":"2026-11-02T09:30:00Z","status":"waiting_on_customer"}"#,
        #"  {"kind":"acknowledgement","id":"x","conversation_id":"y","occurred_at":"2026-11-02 09:30:00z","author":null,"tags":[]}  "#,
    ]

    /// Structural bytes that make mutations likely to reach deep parser states.
    static let interesting: [UInt8] =
        Array(#"{}[]",:"\\u0123456789abcdefxyz-+.eE tfn"#.utf8) + [
            0x00, 0x1F, 0x7F, 0x80, 0xBF, 0xC3, 0xE2, 0xED, 0xF0, 0xF4, 0xFF,
        ]

    @Test func survivesMutatedEvents() {
        var rng = SplitMix(seed: 0xF022_2026)
        let decoder = EventDecoder(maxEventBytes: 4096)
        var outcomes: [BadEventReason?: Int] = [:]
        for round in 0..<20_000 {
            var bytes = Array(Self.seeds[round % Self.seeds.count].utf8)
            for _ in 0..<Int.random(in: 1...6, using: &rng) {
                let at = Int.random(in: 0..<max(bytes.count, 1), using: &rng)
                switch Int.random(in: 0..<6, using: &rng) {
                case 0 where !bytes.isEmpty: bytes[at] = UInt8.random(in: 0...255, using: &rng)
                case 1 where !bytes.isEmpty: bytes[at] = Self.interesting.randomElement(using: &rng)!
                case 2 where !bytes.isEmpty: bytes.remove(at: at)
                case 3: bytes.insert(Self.interesting.randomElement(using: &rng)!, at: min(at, bytes.count))
                case 4: bytes = Array(bytes.prefix(at))
                default:
                    let from = Int.random(in: 0..<max(bytes.count, 1), using: &rng)
                    let chunk = bytes[min(from, bytes.count)...].prefix(Int.random(in: 1...40, using: &rng))
                    bytes.insert(contentsOf: chunk, at: min(at, bytes.count))
                }
            }
            let reason: BadEventReason?
            switch decoder.decode(bytes, now: nil) {
            case .success: reason = nil
            case .failure(let bad):
                reason = bad.reason
                #expect(!bad.detail.isEmpty)
            }
            outcomes[reason, default: 0] += 1
        }
        // The mutations must exercise both acceptance and several kinds of rejection.
        #expect(outcomes[nil, default: 0] > 0)
        #expect(outcomes.count >= 6)
    }

    @Test func survivesRandomBytes() {
        var rng = SplitMix(seed: 0xB17E5)
        let decoder = EventDecoder()
        for _ in 0..<5_000 {
            let n = Int.random(in: 0...300, using: &rng)
            var bytes = (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
            if !bytes.isEmpty && Bool.random(using: &rng) { bytes[0] = UInt8(ascii: "{") }
            if case .success = decoder.decode(bytes, now: nil) { Issue.record("random bytes decoded: \(bytes)") }
        }
    }

    @Test func survivesDeepNesting() {
        let decoder = EventDecoder(maxEventBytes: 1 << 20)
        for depth in [63, 64, 65, 100_000] {
            let open = String(repeating: "[", count: depth)
            let close = String(repeating: "]", count: depth)
            let text =
                #"{"id":"a","conversation_id":"b","kind":"broadcast","occurred_at":"2026-11-02T09:30:00Z","x":"# + open
                + close + "}"
            let result = decoder.decode(text, now: nil)
            if depth <= 63 {
                #expect(throws: Never.self) { try result.get() }
            } else {
                #expect(result.failureReason == .invalidJSON)
            }
        }
    }
}

extension Result where Failure == BadEvent {
    /// The bad-event reason, or nil on success.
    var failureReason: BadEventReason? {
        if case .failure(let bad) = self { return bad.reason }
        return nil
    }

    /// The bad event, or nil on success.
    var badEvent: BadEvent? {
        if case .failure(let bad) = self { return bad }
        return nil
    }
}
