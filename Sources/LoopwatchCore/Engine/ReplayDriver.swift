/// The offline what-if loop behind `loopwatch replay` (SPEC §8), without any I/O: feed it lines,
/// collect alerts, read the summary.
///
/// It runs on an event-time clock: before applying an event it fires every deadline at or before
/// (latest `occurred_at` seen − `allowed_lateness`); at the end the clock advances to `until`
/// (default: the latest `occurred_at`). Bad lines are counted and skipped. The future-skew check
/// is off: replay judges recorded history, not the wall clock.
public struct ReplayDriver: Sendable {
    /// What a replay did, for the stderr summary.
    public struct Summary: Sendable, Equatable {
        public var lines = 0
        public var blankLines = 0
        public var events = 0
        public var results: [SLAEngine.ApplyResult: Int] = [:]
        public var badEvents: [BadEventReason: Int] = [:]
        /// First bad lines: line number and reason, for the operator to look at.
        public var firstBadLines: [(line: Int, error: BadEvent)] = []
        public var alerts: [Alert.Kind: Int] = [:]
        public var conversations = 0
        public var openConcerns = 0
        public var latestOccurredAt: Timestamp?

        public init() {}

        public static func == (l: Summary, r: Summary) -> Bool {
            l.lines == r.lines && l.events == r.events && l.results == r.results && l.badEvents == r.badEvents
                && l.alerts == r.alerts && l.conversations == r.conversations && l.openConcerns == r.openConcerns
        }
    }

    public private(set) var engine: SLAEngine
    public private(set) var summary = Summary()
    let decoder: EventDecoder
    let lateness: TimeSpan
    var maxSeen = Timestamp.distantPast
    /// Decoded events waiting to be applied.
    var batch = EventBatch(capacity: 32)
    /// Results of the batch being applied, by raw value (folded into the summary per batch: no
    /// dictionary update per event).
    var resultCounts = [Int](repeating: 0, count: SLAEngine.ApplyResult.allCases.count)

    /// A replay of events through `policies` with the configuration's processing settings.
    public init(policies: PolicySet, processing: LoopwatchConfig.Processing) {
        engine = SLAEngine(
            policies: policies,
            settings: .init(allowedLateness: processing.allowedLateness, stateTTL: processing.stateTTL))
        decoder = EventDecoder(
            maxEventBytes: processing.maxEventBytes, maxFutureSkew: nil, projection: EventProjection(for: policies))
        lateness = processing.allowedLateness
    }

    /// Feeds one JSONL line (without its newline). Alerts it causes go to `emit` — by this call
    /// or a later one: events are decoded into a batch of 32 and applied when it is full (or at
    /// ``finish(until:emit:)``), after warming the engine's cache for the batch, as the daemon
    /// does with a poll batch. Order and outcomes are those of applying them one by one.
    public mutating func feed(line: UnsafeRawBufferPointer, emit: (Alert) -> Void) {
        summary.lines += 1
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0d }) {
            summary.blankLines += 1
            return
        }
        if let bad = batch.decode(line, with: decoder, now: nil) {
            summary.badEvents[bad.reason, default: 0] += 1
            if summary.firstBadLines.count < 10 { summary.firstBadLines.append((summary.lines, bad)) }
            return
        }
        summary.events += 1
        if batch.isFull { flush(emit) }
    }

    /// Applies the decoded batch in order, each event after advancing the event-time clock.
    mutating func flush(_ emit: (Alert) -> Void) {
        batch.warm(&engine)
        for k in 0..<batch.count {
            let at = batch.occurredAt(k)
            if at > maxSeen { maxSeen = at }
            engine.advance(to: maxSeen - lateness)
            resultCounts[Int(batch.apply(k, to: &engine).rawValue)] &+= 1
            if engine.hasPendingAlerts { drain(emit) }
        }
        batch.removeAll()
        for r in SLAEngine.ApplyResult.allCases where resultCounts[Int(r.rawValue)] > 0 {
            summary.results[r, default: 0] += resultCounts[Int(r.rawValue)]
            resultCounts[Int(r.rawValue)] = 0
        }
    }

    /// Feeds one line given as a string (tests, small inputs).
    public mutating func feed(line: String, emit: (Alert) -> Void) {
        var line = line
        line.withUTF8 { feed(line: UnsafeRawBufferPointer($0), emit: emit) }
    }

    /// Ends the input: the clock advances to `until` (default: the latest `occurred_at` seen).
    public mutating func finish(until: Timestamp?, emit: (Alert) -> Void) {
        flush(emit)
        if let end = until ?? (maxSeen == .distantPast ? nil : maxSeen) { engine.advance(to: end) }
        drain(emit)
        summary.conversations = engine.conversationCount
        summary.openConcerns = engine.openConcerns
        summary.latestOccurredAt = maxSeen == .distantPast ? nil : maxSeen
    }

    mutating func drain(_ emit: (Alert) -> Void) {
        guard engine.hasPendingAlerts else { return }
        for a in engine.drainAlerts() {
            summary.alerts[a.kind, default: 0] += 1
            emit(a)
        }
    }
}
