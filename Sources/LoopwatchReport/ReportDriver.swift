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
/// the only memory that grows with the input: 8 bytes per counted event of the period, in a
/// table kept 35–70 % full (``EventIDSet``).
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
    var maxSeen = Timestamp.distantPast
    /// Decoded events waiting to be applied.
    var batch = EventBatch(capacity: 32)
    /// Counts each applied event in the report.
    var counter: EventCounter

    /// A report over `engine`'s policies with the configuration's processing settings.
    public init(engine: Engine, processing: LoopwatchConfig.Processing, options: SocialStatusReport.Options) {
        self.engine = engine
        var options = options
        if options.policyNames.isEmpty { options.policyNames = engine.policies.policies.map(\.name) }
        var report = SocialStatusReport(options: options)
        counter = EventCounter(policies: engine.policies, report: &report)
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
        counter.warm(for: batch)
        for k in 0..<batch.count {
            let at = batch.occurredAt(k)
            if at > maxSeen { maxSeen = at }
            engine.advance(to: maxSeen - lateness)
            let result = engine.apply(k, of: batch)
            if engine.hasPendingOutput { drain() }
            let kept = counter.unnamedConversation(k, of: batch).flatMap { engine.channel(of: $0) }
            counter.record(k, of: batch, result: result, keptChannel: kept, into: &report)
        }
        self.batch.removeAll()
    }

    mutating func drain() {
        for a in engine.drainAlerts() { report.record(alert: a) }
        for o in engine.drainConcernOutcomes() { report.record(o) }
    }
}
