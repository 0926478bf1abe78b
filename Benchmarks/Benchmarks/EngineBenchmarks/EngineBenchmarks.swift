import Benchmark
import Foundation
import LoopwatchCore
import Workload

/// Micro benchmarks (ordo-one/benchmark): `swift package benchmark` in Benchmarks/.
/// One iteration runs the whole workload of 1M events (1M deadlines for the scheduler) and the
/// scaling factor is one million, so the reported time is per event (per deadline operation).
let benchmarks: @Sendable () -> Void = {
    let quick = ProcessInfo.processInfo.environment["BENCH_QUICK"] == "1"
    let events = 1_000_000
    let workload = Workload(count: events, conversations: quick ? 100_000 : 1_000_000)
    let config = Benchmark.Configuration(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        scalingFactor: .mega, maxDuration: .seconds(20), maxIterations: quick ? 3 : 5)
    // The engine's time is measured without the malloc-counting interposer, which costs it
    // ≈ 12 % (it allocates rarely now: decoding into reused storage, inline text).
    var engineConfig = config
    engineConfig.metrics = [.wallClock, .throughput]
    engineConfig.maxIterations = quick ? 3 : 7

    Benchmark("Engine: decode + state + deadlines (replay loop), 1M conversations", configuration: engineConfig) {
        benchmark in
        for _ in benchmark.scaledIterations.prefix(1) {}
        var engine = EngineLoop.makeEngine()
        benchmark.startMeasurement()
        let alerts = EngineLoop.run(workload.lines, through: &engine)
        benchmark.stopMeasurement()
        blackHole(alerts)
        blackHole(engine.conversationCount)  // dropped after the measurement
    }

    Benchmark("EventDecoder: decode only", configuration: config) { benchmark in
        let decoder = EventDecoder(maxEventBytes: 65536, maxFutureSkew: nil)
        var ok = 0
        benchmark.startMeasurement()
        for line in workload.lines {
            line.withUnsafeBytes { if case .success = decoder.decode($0, now: nil) { ok &+= 1 } }
        }
        benchmark.stopMeasurement()
        blackHole(ok)
    }

    Benchmark("Baseline: Foundation JSONDecoder, decode only", configuration: config) { benchmark in
        let decoder = JSONDecoder()
        var ok = 0
        benchmark.startMeasurement()
        for line in workload.lines {
            if let e = try? decoder.decode(FoundationEvent.self, from: Data(line)), !e.id.isEmpty { ok &+= 1 }
        }
        benchmark.stopMeasurement()
        blackHole(ok)
    }

    let deadlines = 1_000_000
    Benchmark(
        "DeadlineScheduler: arm 1M, re-arm half, cancel a quarter, fire the rest (per armed deadline)",
        configuration: .init(
            metrics: [.wallClock, .throughput], scalingFactor: .mega, maxDuration: .seconds(30), maxIterations: 3)
    ) { benchmark in
        var s = DeadlineScheduler()
        var rng = SplitMix64(seed: 7)
        benchmark.startMeasurement()
        for k in 0..<deadlines { s.schedule(Int32(k), at: Int64(rng.next() % 1_000_000_000)) }  // arm
        // re-arm half
        for k in stride(from: 0, to: deadlines, by: 2) { s.schedule(Int32(k), at: Int64(rng.next() % 1_000_000_000)) }
        for k in stride(from: 1, to: deadlines, by: 4) { s.cancel(Int32(k)) }  // cancel a quarter
        var fired = 0
        while s.popDue(atOrBefore: .max) != nil { fired &+= 1 }  // fire the rest
        benchmark.stopMeasurement()
        blackHole(fired)
    }
}

/// The SPEC §1 event as a Codable struct, for the Foundation baseline.
struct FoundationEvent: Decodable {
    struct Author: Decodable {
        var id: String?
        var role: String?
        var automated: Bool?
    }
    var id: String
    var conversationID: String
    var kind: String
    var occurredAt: String
    var channel: String?
    var author: Author?
    var priority: String?
    var tags: [String]?
    var attributes: [String: String]?
    var text: String?
    var status: String?

    enum CodingKeys: String, CodingKey {
        case id, kind, channel, author, priority, tags, attributes, text, status
        case conversationID = "conversation_id"
        case occurredAt = "occurred_at"
    }
}
