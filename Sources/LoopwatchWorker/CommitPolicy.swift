/// When the loop commits what its sink holds: at once when that includes an alert (an alert
/// waits for no `commit_interval`: its readers see it only once committed), when the
/// transaction has grown to ``maxRecords`` (bounded size under load, so a commit never carries
/// an unbounded backlog), and otherwise every `commit_interval`.
///
/// The loop commits at most once per cycle, and a cycle polls up to 10,000 messages, so under
/// load alerts still share transactions instead of costing one each. Working off a backlog of
/// input (a full poll) an alert's commit may also wait for one more cycle
/// (``mayOverlap(openedFor:interval:)``), which keeps the producer delivering while the loop
/// works; a backlog of due deadlines instead fires its next slice before the commit
/// (`PipelineLoop.commitFiringAhead`).
struct CommitPolicy: Sendable, Equatable {
    /// Records (alerts, changelog, dead letters) after which a transaction commits regardless.
    static let maxRecords = 20_000

    private(set) var records = 0
    private(set) var alerts = 0
    /// The commit was put off by one cycle (``mayOverlap(openedFor:interval:)``).
    private(set) var overlapped = false

    /// The sink took `records` more, `alerts` of them alerts.
    mutating func add(records: Int, alerts: Int) {
        self.records += records
        self.alerts += alerts
    }

    /// Whether to commit now, with the output open for `openedFor`.
    func isDue(openedFor: Duration, interval: Duration) -> Bool {
        alerts > 0 || records >= Self.maxRecords || openedFor >= interval
    }

    /// Whether a due commit may wait for one more cycle — a poll that does not wait, its events
    /// applied and produced — so the producer delivers what this cycle produced while the next
    /// is worked on, instead of the loop idling in the commit's flush. Only a commit due for its
    /// alerts alone (not for size or age), and only once per transaction.
    func mayOverlap(openedFor: Duration, interval: Duration) -> Bool {
        !overlapped && records < Self.maxRecords && openedFor < interval
    }

    /// The loop put the due commit off by one cycle.
    mutating func overlap() { overlapped = true }

    /// Nothing uncommitted any more (committed or abandoned).
    mutating func reset() { self = CommitPolicy() }
}
