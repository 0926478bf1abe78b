import KafkaClient
import LoopwatchCore

/// A poll batch applied over ``EngineLane``s: the engines of the partitions in the batch move
/// out to the lanes (balanced by their share of the messages), the lanes decode and apply at
/// once, and the engines and everything the lanes produced come back — in the order one thread
/// produces it, so the records and counters are exactly those of the one-thread path.
extension ProcessingCore {
    /// Below this many messages a poll batch is applied on the loop's thread alone.
    static let parallelMessages = 128

    /// Moves the engines of `partitions` to the lanes, each partition to the lane with the least
    /// weight so far, heaviest first (`weights`, by partition); within a lane they keep partition order.
    mutating func distribute(_ partitions: [Int32], weights: [Int32: Int]) {
        let weight = { (p: Int32) in weights[p] ?? 0 }
        for i in lanes.indices { lanes[i].reset() }
        var load = Array(repeating: 0, count: lanes.count)
        var chosen: [[Int32]] = Array(repeating: [], count: lanes.count)
        for p in partitions.sorted(by: { (weight($0), $1) > (weight($1), $0) }) {
            let i = load.indices.min { load[$0] < load[$1] }!
            load[i] += max(1, weight(p))
            chosen[i].append(p)
        }
        for i in lanes.indices {
            for p in chosen[i].sorted() { lanes[i].engines.append((p, engines.removeValue(forKey: p)!)) }
        }
    }

    /// Puts the lanes' engines back and merges their counters.
    mutating func collect() {
        for i in lanes.indices {
            for (p, engine) in lanes[i].engines { engines[p] = engine }
            lanes[i].engines.removeAll(keepingCapacity: true)
            stats.merge(lanes[i].stats)
            lanes[i].stats = Stats()
        }
    }

    /// ``process(_:now:)`` over the lanes: a batch of several partitions, none of it stage 1.
    mutating func processInLanes(_ batch: [KafkaConsumerMessage], now: Timestamp) {
        var indices: [Int32: [Int]] = [:]
        for (i, m) in batch.enumerated() { indices[m.partition, default: []].append(i) }
        let byPartition = indices
        for p in byPartition.keys where engines.index(forKey: p) == nil { open(partition: p) }
        distribute(Array(byPartition.keys), weights: byPartition.mapValues(\.count))
        var lanes = self.lanes
        self.lanes = []
        let topics = self.topics
        let decoder = self.decoder
        EngineLane.run(&lanes) { lane in
            var mine: [Int] = []
            var slots: [Int32: Int] = [:]
            for (slot, e) in lane.engines.enumerated() {
                slots[e.partition] = slot
                mine += byPartition[e.partition]!
            }
            mine.sort()
            lane.process(batch, indices: mine, slots: slots, topics: topics, decoder: decoder, now: now)
        }
        self.lanes = lanes
        var deadLetters: [(index: Int, record: KafkaProducerRecord)] = []
        for i in lanes.indices {
            for (p, at) in lanes[i].maxSeen where at > (maxSeen[p] ?? .distantPast) { maxSeen[p] = at }
            deadLetters += lanes[i].deadLetters
            deadLetterPartitions.formUnion(lanes[i].deadLetterPartitions)
        }
        for d in deadLetters.sorted(by: { $0.index < $1.index }) { pending.append(d.record) }
        collect()
    }
}

extension ProcessingCore.Stats {
    /// Adds `other`'s counts (a lane's) to these.
    mutating func merge(_ other: Self) {
        events.merge(other.events, uniquingKeysWith: +)
        bad.merge(other.bad, uniquingKeysWith: +)
        alerts.merge(other.alerts, uniquingKeysWith: +)
        lateAlerts += other.lateAlerts
        alertDelays += other.alertDelays
        changelogRecords += other.changelogRecords
        restoredRecords += other.restoredRecords
        corruptStateRecords += other.corruptStateRecords
        repartitioned += other.repartitioned
        if wrongKeySample == nil { wrongKeySample = other.wrongKeySample }
        concerns += other.concerns
    }
}
