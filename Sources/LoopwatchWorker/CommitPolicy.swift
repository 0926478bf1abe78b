/// When the loop commits what its sink holds: at once when that includes an alert (an alert
/// waits for no `commit_interval`: its readers see it only once committed), when the
/// transaction has grown to ``maxRecords`` (bounded size under load, so a commit never carries
/// an unbounded backlog), and otherwise every `commit_interval`.
///
/// The loop commits at most once per cycle, and a cycle polls up to 10,000 messages, so under
/// load alerts still share transactions instead of costing one each.
struct CommitPolicy: Sendable, Equatable {
    /// Records (alerts, changelog, dead letters) after which a transaction commits regardless.
    static let maxRecords = 20_000

    private(set) var records = 0
    private(set) var alerts = 0

    /// The sink took `records` more, `alerts` of them alerts.
    mutating func add(records: Int, alerts: Int) {
        self.records += records
        self.alerts += alerts
    }

    /// Whether to commit now, with the output open for `openedFor`.
    func isDue(openedFor: Duration, interval: Duration) -> Bool {
        alerts > 0 || records >= Self.maxRecords || openedFor >= interval
    }

    /// Nothing uncommitted any more (committed or abandoned).
    mutating func reset() { self = CommitPolicy() }
}
