import LoopwatchCore

/// The loop behind `loopwatch report` (SPEC §9), without any I/O: feed it JSONL lines, then
/// ``finish()`` for the ``SocialStatus``.
///
/// It runs events through an engine exactly as `replay` does (``ReplayDriver``): on an
/// event-time clock that reaches (latest `occurred_at` − `allowed_lateness`) before each event
/// and `until` at the end, the future-skew check off. Events after `until` are not read; bad
/// lines are counted and skipped, blank lines skipped. On the way it records, into a
/// ``SocialStatusReport``, every good event read, every `breached` alert and every concern
/// outcome the engine hands out.
///
/// Duplicates count once: a broadcast or customer response is counted unless the engine calls it
/// a duplicate or its event id (as the engine's 64-bit ``InteractionEvent/idHash``) was already
/// counted — the engine keeps no id of broadcasts, ignored or unmatched responses. Those ids are
/// the only memory that grows with the input: about 12 bytes per counted event of the period.
///
/// It reads the input as `replay` does (``ReplayDriver``): lines are decoded into a reused
/// ``EventBatch`` of 32, and each batch is applied in order, in place, after warming the engine
/// for it — what applying the events one by one gives. A line's figures are therefore recorded
/// when its batch is applied (by this or a later ``feed(line:)``, at the latest by ``finish()``).
public struct ReportDriver<Engine: ReportEngine>: Sendable {
    /// The engine, after what was fed.
    public private(set) var engine: Engine
    /// The report being built.
    public private(set) var report: SocialStatusReport
    /// Lines fed, good events read, and good events skipped for being after `until`.
    public private(set) var lines = 0
    public private(set) var events = 0
    public private(set) var afterUntil = 0
    let decoder: EventDecoder
    let lateness: TimeSpan
    let policies: PolicySet
    var maxSeen = Timestamp.distantPast
    var countedIDs = EventIDSet()
    /// Decoded events waiting to be applied.
    var batch = EventBatch(capacity: 32)
    /// The report's number of each engine policy (by the engine's index).
    let policyNumbers: [Int]
    /// The policy of an event that carries no tags and no attributes depends on its channel and
    /// priority alone: remembered per `channel number * 4 + priority` (``unknownPolicy``: not
    /// matched yet; ``noPolicy``: none matches).
    var policyOf: [Int32] = []

    static var unknownPolicy: Int32 { -2 }
    static var noPolicy: Int32 { -1 }

    /// A report over `engine`'s policies with the configuration's processing settings.
    public init(engine: Engine, processing: LoopwatchConfig.Processing, options: SocialStatusReport.Options) {
        self.engine = engine
        var options = options
        if options.policyNames.isEmpty { options.policyNames = engine.policies.policies.map(\.name) }
        var report = SocialStatusReport(options: options)
        policies = engine.policies
        policyNumbers = engine.policies.policies.map { report.policyNumber($0.name) }
        self.report = report
        decoder = EventDecoder(
            maxEventBytes: processing.maxEventBytes, maxFutureSkew: nil,
            projection: EventProjection(for: engine.policies))
        lateness = processing.allowedLateness
    }

    /// Feeds one JSONL line (without its newline).
    public mutating func feed(line: UnsafeRawBufferPointer) {
        lines += 1
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0d }) { return }
        if batch.decode(line, with: decoder, now: nil) != nil {
            report.recordBadEvent()
            return
        }
        if let until = report.options.until, batch.occurredAt(batch.count - 1) > until {
            batch.removeLast()
            afterUntil += 1
            return
        }
        events += 1
        if batch.isFull { flush() }
    }

    /// Feeds one line given as a string (tests, small inputs).
    public mutating func feed(line: String) {
        var line = line
        line.withUTF8 { feed(line: UnsafeRawBufferPointer($0)) }
    }

    /// Ends the input: the clock advances to `until` (default: the latest `occurred_at` read),
    /// the concerns not handed out yet (open ones above all) are recorded, and the status of the
    /// period is returned. Call it
    /// once, after the last line.
    public mutating func finish() -> SocialStatus {
        flush()
        if let end = report.options.until ?? (maxSeen == .distantPast ? nil : maxSeen) { engine.advance(to: end) }
        drain()
        for o in engine.remainingConcernOutcomes() { report.record(o) }
        return report.status()
    }

    /// Applies the decoded batch in order, each event after advancing the event-time clock, and
    /// records each.
    mutating func flush() {
        guard batch.count > 0 else { return }
        let batch = batch  // shares the storage: nothing is copied
        engine.warm(for: batch)
        for k in 0..<batch.count {
            let at = batch.occurredAt(k)
            if at > maxSeen { maxSeen = at }
            engine.advance(to: maxSeen - lateness)
            let result = engine.apply(k, of: batch)
            if engine.hasPendingOutput { drain() }
            batch.withEvent(k) { record($0, result: result) }
        }
        self.batch.removeAll()
    }

    /// Records an applied event: it extends the period; a broadcast or customer response of the
    /// period is counted unless it is a duplicate, under the channel the engine keeps for its
    /// conversation and the policy that channel and the event match.
    @inline(__always) mutating func record(_ e: UnsafePointer<InteractionEvent>, result: SLAEngine.ApplyResult) {
        let at = e.pointee.occurredAt
        report.extendPeriod(to: at)
        let kind = e.pointee.kind
        guard kind == .broadcast || kind == .response, report.inPeriod(at) else { return }
        if result == .duplicate || !countedIDs.insert(e.pointee.idHash) { return }
        // An event that names a channel set it on its conversation (the engine's channel(of:)).
        var channel = e.pointee.channel
        if channel == "unknown" { channel = engine.channel(of: e.pointee.conversationID) ?? channel }
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
    func policy(_ channel: String, _ e: UnsafePointer<InteractionEvent>) -> Int32 {
        policies.firstMatch(
            channel: channel, priority: e.pointee.priority, tags: e.pointee.tags, attributes: e.pointee.attributes
        ).map { Int32(policyNumbers[$0]) } ?? Self.noPolicy
    }

    mutating func drain() {
        for a in engine.drainAlerts() { report.record(alert: a) }
        for o in engine.drainConcernOutcomes() { report.record(o) }
    }
}
