import KafkaClient
import Testing

@testable import LoopwatchWorker

@Suite struct PartitionOwnershipTests {
    let stage2 = TopicPartition(topic: "rekeyed", partition: 1)

    func caughtUp() -> PartitionOwnership {
        var o = PartitionOwnership()
        _ = o.assign([stage2], holding: [])
        o.consumed(stage2, next: 10)
        o.reachedEnd(stage2, at: 10)
        #expect(o.isCaughtUp(1))
        return o
    }

    @Test func aPartitionStageOneWroteToIsNotCaughtUpUntilReadPastThoseRecords() {
        var o = caughtUp()
        o.awaitsRecords(stage2)  // stage 1 just wrote re-keyed records (uncommitted) to it
        #expect(!o.isCaughtUp(1))
        o.reachedEnd(stage2, at: 10)  // a stale end from before those records
        #expect(!o.isCaughtUp(1), "a stale end-of-partition is refused")
        o.consumed(stage2, next: 12)
        o.reachedEnd(stage2, at: 12)  // past them
        #expect(o.isCaughtUp(1))
        #expect(o.lagging == 0)
    }

    @Test func aRewindOrAReleaseForgetsTheAwaitedRecords() {
        var o = caughtUp()
        o.awaitsRecords(stage2)
        o.rewound()
        o.reachedEnd(stage2, at: 5)  // after the rewind the committed position is what counts
        #expect(o.isCaughtUp(1))

        var released = caughtUp()
        released.awaitsRecords(stage2)
        _ = released.release([stage2])
        _ = released.assign([stage2], holding: [])
        released.reachedEnd(stage2, at: 3)
        #expect(released.isCaughtUp(1))
    }

    @Test func awaitingRecordsOfAPartitionNotHeldChangesNothing() {
        var o = caughtUp()
        o.awaitsRecords(TopicPartition(topic: "rekeyed", partition: 2))
        #expect(o.isCaughtUp(1))
    }
}
