import LoopwatchCore

/// The benchmark workload: realistic ≈300-byte interaction events over many conversations with
/// Zipf-skewed activity — 55 % customer responses with text, 30 % acknowledgements, 10 %
/// broadcasts, 5 % status changes — and occurred_at increasing with jitter.
public struct Workload: Sendable {
    public let lines: [[UInt8]]
    public let conversations: Int
    public var averageBytes: Int { lines.reduce(0) { $0 + $1.count } / max(1, lines.count) }

    /// The policies every benchmark uses: a VIP policy on a business calendar and a 24×7 default.
    public static let policies: PolicySet = {
        var weekly = Array(repeating: [BusinessCalendar.Interval](), count: 7)
        for d in 0...4 { weekly[d] = [.init(start: 8 * 60, end: 13 * 60), .init(start: 14 * 60, end: 18 * 60)] }
        let doha = BusinessCalendar(name: "doha-care", timeZone: "Asia/Qatar", weekly: weekly, holidays: [])!
        return PolicySet([
            Policy(
                name: "vip-social",
                match: PolicyMatch(channels: ["twitter", "instagram"], priorities: [.high, .urgent]),
                calendar: doha, firstResponse: .minutes(15), nextResponse: .minutes(30), warnBefore: .minutes(5),
                escalations: [Escalation(after: .minutes(30), severity: "critical")], version: "vip"),
            Policy(
                name: "default", firstResponse: .hours(4), nextResponse: .hours(8), warnBefore: .minutes(30),
                version: "default"),
        ])
    }()

    /// 2026-11-02T06:00:00Z.
    public static let start: Int64 = 1_793_599_200_000

    /// `count` events over `conversations` conversations, one every `stepMillis` of event time
    /// from `start` (Unix milliseconds).
    public init(count: Int, conversations: Int, stepMillis: Int64 = 1, seed: UInt64 = 42, start: Int64 = Workload.start)
    {
        var rng = SplitMix64(seed: seed)
        self.conversations = conversations
        let channels = ["twitter", "instagram", "facebook", "email", "review"]
        let priorities = ["low", "normal", "normal", "normal", "high", "urgent"]
        let texts = [
            "@brand my order #48213 still hasn't shipped, it's been two weeks — what is going on?",
            "Hi, can I change the delivery address for my booking? Reference QX7K2, thanks in advance",
            "The app crashes every time I try to pay with my card. Tried reinstalling. Please help!",
            "Is the store on King Street open this Sunday? Your website says two different things.",
        ]
        var out: [[UInt8]] = []
        out.reserveCapacity(count)
        for i in 0..<count {
            // Power-law skew: a few conversations are very busy, most see one or two events.
            let u = Double(rng.next() >> 11) / Double(1 << 53)
            let c = Int(Double(conversations - 1) * u * u * u)
            let k = rng.next() % 100
            let kind = k < 55 ? "response" : k < 85 ? "acknowledgement" : k < 95 ? "broadcast" : "status"
            let at = start + Int64(i) * stepMillis + Int64(rng.next() % 400) - 200
            let conv = "tw-\(1_860_000_000 + c)"
            var s = #"{"id":"ev-\#(i)-\#(rng.next() % 100_000)","conversation_id":"\#(conv)","kind":"\#(kind)","#
            s +=
                #""occurred_at":"\#(RFC3339.format(Timestamp(millis: at)))","channel":"\#(channels[c % channels.count])","#
            s +=
                #""author":{"id":"\#(kind == "response" ? "cust-\(c % 99_991)" : "acme-care")","role":"\#(kind == "response" ? "customer" : "brand")","automated":false},"#
            s +=
                #""priority":"\#(priorities[c % priorities.count])","attributes":{"customer_tier":"\#(c % 7 == 0 ? "gold" : "silver")","language":"en"}"#
            if kind == "status" {
                s += #","status":"\#(["waiting_on_customer", "open", "closed"][Int(rng.next() % 3)])""#
            }
            if kind == "response" || kind == "acknowledgement" { s += #","text":"\#(texts[Int(rng.next() % 4)])""# }
            s += "}"
            out.append(Array(s.utf8))
        }
        lines = out
    }
}

/// SplitMix64: reproducible workloads.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
