import LoopwatchCore

/// What ``ReportDriver`` does with each applied event, apart from the engine: the period, and
/// the `broadcasts` / `customer_messages` counts of the overall group, the event's channel and
/// its policy (SPEC §9), each event counted once.
///
/// Not generic over the engine, so the per-event work has no generic metadata to look up. It
/// keeps the ids counted (``EventIDSet``) and, for events that carry no tags and no attributes
/// (whose policy depends on channel and priority alone), the policy of each channel and priority.
struct EventCounter: Sendable {
    let policies: PolicySet
    /// The report's number of each policy (by its index in ``policies``).
    let policyNumbers: [Int]
    var countedIDs = EventIDSet()
    /// Id hashes of a batch's broadcasts and responses, to warm ``countedIDs`` for them.
    var warmKeys: [UInt64] = []
    /// The policy per `channel number * 4 + priority` (``unknownPolicy``: not matched yet;
    /// ``noPolicy``: none matches).
    var policyOf: [Int32] = []

    static let unknownPolicy: Int32 = -2
    static let noPolicy: Int32 = -1

    /// A counter for events matched against `policies`, numbering them in `report`.
    init(policies: PolicySet, report: inout SocialStatusReport) {
        self.policies = policies
        policyNumbers = policies.policies.map { report.policyNumber($0.name) }
    }

    /// Warms the id set for counting the events of `batch`.
    mutating func warm(for batch: EventBatch) {
        warmKeys.removeAll(keepingCapacity: true)
        for k in 0..<batch.count {
            batch.withEvent(k) { e in
                if e.pointee.kind == .broadcast || e.pointee.kind == .response { warmKeys.append(e.pointee.idHash) }
            }
        }
        countedIDs.warm(warmKeys)
    }

    /// The conversation of event `k` if it is a broadcast or response that names no channel:
    /// then it is counted under the channel the engine keeps for that conversation.
    func unnamedConversation(_ k: Int, of batch: EventBatch) -> String? {
        var id: String? = nil
        batch.withEvent(k) { e in
            let kind = e.pointee.kind
            if kind == .broadcast || kind == .response, e.pointee.channel == "unknown" {
                id = e.pointee.conversationID
            }
        }
        return id
    }

    /// Records applied event `k` of `batch` (`result`: what applying it did; `keptChannel`: the
    /// engine's channel of its conversation, asked for when it names none): it extends the
    /// period; a broadcast or customer response of the period is counted unless it is a
    /// duplicate, under its conversation's channel and the policy that channel and the event
    /// match.
    mutating func record(
        _ k: Int, of batch: EventBatch, result: SLAEngine.ApplyResult, keptChannel: String?,
        into report: inout SocialStatusReport
    ) {
        batch.withEvent(k) { record($0, result: result, keptChannel: keptChannel, into: &report) }
    }

    @inline(__always) private mutating func record(
        _ e: UnsafePointer<InteractionEvent>, result: SLAEngine.ApplyResult, keptChannel: String?,
        into report: inout SocialStatusReport
    ) {
        let at = e.pointee.occurredAt
        report.extendPeriod(to: at)
        let kind = e.pointee.kind
        guard kind == .broadcast || kind == .response, report.inPeriod(at) else { return }
        if result == .duplicate || !countedIDs.insert(e.pointee.idHash) { return }
        // An event that names a channel set it on its conversation (the engine's channel(of:)).
        var channel = e.pointee.channel
        if channel == "unknown", let keptChannel { channel = keptChannel }
        let c = report.channelNumber(channel)
        let p: Int32
        if e.pointee.tags.isEmpty, e.pointee.attributes.isEmpty {
            let key = c &* 4 &+ Int(e.pointee.priority.rawValue)
            while policyOf.count <= key { policyOf.append(Self.unknownPolicy) }
            if policyOf[key] == Self.unknownPolicy { policyOf[key] = policy(channel, e) }
            p = policyOf[key]
        } else {
            p = policy(channel, e)
        }
        report.count(event: kind, channel: c, policy: p == Self.noPolicy ? nil : Int(p))
    }

    /// The report's number of the first policy matching the event under `channel`.
    private func policy(_ channel: String, _ e: UnsafePointer<InteractionEvent>) -> Int32 {
        policies.firstMatch(
            channel: channel, priority: e.pointee.priority, tags: e.pointee.tags, attributes: e.pointee.attributes
        ).map { Int32(policyNumbers[$0]) } ?? Self.noPolicy
    }
}
