import Testing

@testable import LoopwatchWorker

@Suite struct CommitPolicyTests {
    @Test func anAlertCommitsAtOnce() {
        var p = CommitPolicy()
        p.add(records: 3, alerts: 0)
        #expect(!p.isDue(openedFor: .milliseconds(1), interval: .milliseconds(100)))
        p.add(records: 1, alerts: 1)
        #expect(p.isDue(openedFor: .milliseconds(1), interval: .milliseconds(100)))
        p.reset()
        #expect(p == CommitPolicy())
    }

    @Test func sizeAndIntervalBoundATransaction() {
        var p = CommitPolicy()
        p.add(records: CommitPolicy.maxRecords - 1, alerts: 0)
        #expect(!p.isDue(openedFor: .milliseconds(1), interval: .milliseconds(100)))
        #expect(p.isDue(openedFor: .milliseconds(100), interval: .milliseconds(100)))
        p.add(records: 1, alerts: 0)
        #expect(p.isDue(openedFor: .zero, interval: .milliseconds(100)))
    }

    @Test func aBacklogPutsAnAlertsCommitOffOnceAndNeverASizeOrAgeDue() {
        var p = CommitPolicy()
        p.add(records: 10_000, alerts: 5_000)
        let interval = Duration.milliseconds(100)
        #expect(p.mayOverlap(openedFor: .milliseconds(10), interval: interval))
        p.overlap()
        #expect(p.overlapped)
        #expect(!p.mayOverlap(openedFor: .milliseconds(20), interval: interval))  // once per transaction
        p.reset()
        p.add(records: CommitPolicy.maxRecords, alerts: 1)
        #expect(!p.mayOverlap(openedFor: .zero, interval: interval))  // due for size
        p.reset()
        p.add(records: 1, alerts: 1)
        #expect(!p.mayOverlap(openedFor: interval, interval: interval))  // due for age
    }
}
