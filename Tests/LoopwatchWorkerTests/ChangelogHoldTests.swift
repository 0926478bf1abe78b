import KafkaClient
import Testing

@testable import LoopwatchWorker

@Suite struct ChangelogHoldTests {
    typealias Candidate = ChangelogHold.Candidate
    let t0 = ContinuousClock.now

    func c(
        _ p: Int32, changes: Int = 10, alerts: Int = 0, deadLetters: Bool = false, caughtUp: Bool = false,
        backlogged: Bool = false
    ) -> Candidate {
        Candidate(
            partition: p, changes: changes, alerts: alerts, deadLetters: deadLetters, caughtUp: caughtUp,
            backlogged: backlogged)
    }

    @Test func aLaggingPartitionHoldsUntilItHasAnAlertOrADeadLetter() {
        var hold = ChangelogHold(enabled: true)
        #expect(hold.decide([c(0), c(1, caughtUp: true)], now: t0) == [0])
        #expect(hold.decide([c(0, changes: 500)], now: t0 + .seconds(1)) == [0])
        // An alert (a deadline passed in event time) goes out at once, with its state and offsets.
        #expect(hold.decide([c(0, alerts: 3)], now: t0 + .seconds(2)) == [])
        #expect(hold.since.isEmpty)
        #expect(hold.decide([c(0)], now: t0 + .seconds(3)) == [0])
        // So does a dead letter.
        #expect(hold.decide([c(0, deadLetters: true)], now: t0 + .seconds(3)) == [])
        #expect(hold.since.isEmpty)
        // Not holding before: an alert goes out at once, whatever the lag.
        #expect(hold.decide([c(1, alerts: 1)], now: t0 + .seconds(4)) == [])
    }

    @Test func aHoldingPartitionReleasingItsBacklogKeepsItsAlertsUntilTheReleaseEnds() {
        var hold = ChangelogHold(enabled: true)
        #expect(hold.decide([c(0)], now: t0) == [0])
        #expect(hold.decide([c(0, alerts: 9_000, caughtUp: true, backlogged: true)], now: t0 + .seconds(1)) == [0])
        #expect(hold.decide([c(0, alerts: 12_000, caughtUp: true)], now: t0 + .seconds(2)) == [])
        // Not holding before: a backlog's alerts go out cycle by cycle, as before.
        #expect(hold.decide([c(1, alerts: 9_000, caughtUp: true, backlogged: true)], now: t0 + .seconds(3)) == [])
        // Bounded: alerts and changes together.
        #expect(hold.decide([c(2)], now: t0) == [2])
        let big = c(
            2, changes: ChangelogHold.maxChanges / 2, alerts: ChangelogHold.maxChanges / 2, caughtUp: true,
            backlogged: true)
        #expect(hold.decide([big], now: t0 + .seconds(1)) == [])
    }

    @Test func aLaggingPartitionWithNothingDueHoldsNothing() {
        var hold = ChangelogHold(enabled: true)
        let fresh = Candidate(partition: 0, changes: 10, caughtUp: false, overdue: false)
        #expect(hold.decide([fresh], now: t0) == [])
        #expect(hold.isEmpty)
        // Once holding, it holds until caught up, whatever is due.
        #expect(hold.decide([c(0)], now: t0) == [0])
        #expect(hold.decide([fresh], now: t0 + .seconds(1)) == [0])
    }

    @Test func aHeldPartitionFlushesWhenOldOrLarge() {
        var hold = ChangelogHold(enabled: true)
        #expect(hold.decide([c(0), c(1)], now: t0) == [0, 1])
        #expect(hold.decide([c(0), c(1, changes: ChangelogHold.maxChanges)], now: t0 + .seconds(1)) == [0])
        #expect(hold.decide([c(0), c(1)], now: t0 + ChangelogHold.maxAge) == [1])  // 0 is old, 1 holds anew
    }

    @Test func caughtUpPartitionsFlushWithinTheBudgetOnceTheirDeadlinesAreReleased() {
        var hold = ChangelogHold(enabled: true)
        _ = hold.decide([c(0), c(1), c(2)], now: t0)
        let half = ChangelogHold.flushBudget / 2 + 1
        // 0 still releases its overdue deadlines: it flushes with its first alerts, not before.
        let held = hold.decide(
            [
                c(0, changes: half, caughtUp: true, backlogged: true), c(1, changes: half, caughtUp: true),
                c(2, changes: half, caughtUp: true),
            ], now: t0 + .milliseconds(10))
        #expect(held == [0, 2])  // 1 fits the budget, 2 waits for the next cycle
        #expect(
            hold.decide([c(0, alerts: 5, caughtUp: true), c(2, caughtUp: true)], now: t0 + .milliseconds(20)) == [])
        #expect(hold.isEmpty)
    }

    @Test func aCaughtUpPartitionThatHeldNothingFlushesEveryCycle() {
        var hold = ChangelogHold(enabled: true)
        let many = ChangelogHold.flushBudget * 2
        #expect(hold.decide([c(0, changes: many, caughtUp: true), c(1, changes: many, caughtUp: true)], now: t0) == [])
    }

    @Test func disabledHoldsNothing() {
        var hold = ChangelogHold(enabled: false)
        #expect(hold.decide([c(0), c(1)], now: t0) == [])
        #expect(hold.isEmpty)
    }

    @Test func heldOffsetsLeaveTheCycleAndComeBackAtTheFlush() {
        var hold = ChangelogHold(enabled: true)
        let a0 = TopicPartition(topic: "a", partition: 0)
        let b0 = TopicPartition(topic: "b", partition: 0)
        let a1 = TopicPartition(topic: "a", partition: 1)
        let stateless0 = TopicPartition(topic: "s", partition: 0)
        var cycle: [TopicPartition: Int64] = [a0: 10, b0: 4, a1: 7, stateless0: 3]
        hold.exchange(&cycle, held: [0], stateful: { $0.topic != "s" })
        #expect(cycle == [a1: 7, stateless0: 3])
        #expect(hold.offsets == [a0: 10, b0: 4])

        cycle = [a0: 15]
        hold.exchange(&cycle, held: [0], stateful: { _ in true })
        #expect(cycle.isEmpty)
        #expect(hold.offsets == [a0: 15, b0: 4])

        cycle = [a0: 20]
        hold.exchange(&cycle, held: [], stateful: { _ in true })
        #expect(cycle == [a0: 20, b0: 4])
        #expect(hold.offsets.isEmpty)
    }

    @Test func releaseAllAndDropEmptyTheHold() {
        var hold = ChangelogHold(enabled: true)
        let a0 = TopicPartition(topic: "a", partition: 0)
        let a1 = TopicPartition(topic: "a", partition: 1)
        _ = hold.decide([c(0), c(1)], now: t0)
        var cycle: [TopicPartition: Int64] = [a0: 5, a1: 6]
        hold.exchange(&cycle, held: [0, 1], stateful: { _ in true })
        hold.drop([1])
        #expect(hold.offsets == [a0: 5])
        var out: [TopicPartition: Int64] = [:]
        hold.releaseAll(into: &out)
        #expect(out == [a0: 5])
        #expect(hold.isEmpty)
    }
}
