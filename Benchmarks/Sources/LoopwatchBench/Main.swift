import Foundation
import KafkaClient
import Logging
import LoopwatchCore
import LoopwatchReport
import LoopwatchWorker
import ServiceLifecycle
import Synchronization
import Workload

/// System benchmarks for `make bench`: memory per open conversation, changelog restore, replay,
/// end-to-end exactly-once throughput through Kafka against a zero-work transactional pipe, and
/// alert delay. Prints one table row per measurement.
@main
struct LoopwatchBench {
    static let quick = ProcessInfo.processInfo.environment["BENCH_QUICK"] == "1"
    static let logger = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })

    static func main() async throws {
        let args = CommandLine.arguments
        if args.count > 2, args[1] == "memory" {  // child process: one measurement, fresh heap
            memoryChild(conversations: Int(args[2])!)
            return
        }
        let only = args.count > 1 ? args[1] : "all"
        FileHandle.standardOutput.write(Data("| benchmark | result | target |\n|---|---|---|\n".utf8))
        if only == "all" || only == "memory" {
            for n in quick ? [200_000] : [1_000_000, 5_000_000] { try memory(conversations: n) }
        }
        if only == "engine" { engine(runs: args.count > 2 ? Int(args[2]) ?? 5 : 5) }
        if only == "decode" { decode(runs: args.count > 2 ? Int(args[2]) ?? 5 : 5) }
        if only == "release" { release(runs: args.count > 2 ? Int(args[2]) ?? 5 : 5) }
        if only == "all" || only == "deadlines" { deadlines(pending: quick ? 1_000_000 : 10_000_000) }
        if only == "all" || only == "replay" { replay(lines: quick ? 500_000 : 10_000_000) }
        if only == "all" || only == "restore" { try await restore(conversations: quick ? 100_000 : 1_000_000) }
        if only == "all" || only == "kafka" { try await endToEnd(events: quick ? 50_000 : 200_000) }
        if only == "all" || only == "delay" { try await alertDelay(seconds: quick ? 10 : 30, rate: 50_000) }
    }

    /// One table row, written unbuffered so a long run shows progress.
    static func row(_ name: String, _ result: String, _ target: String) {
        FileHandle.standardOutput.write(Data("| \(name) | \(result) | \(target) |\n".utf8))
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    static func rss() -> Int {
        let text = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = text.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? "VmRSS: 0 kB"
        return (Int(line.split(separator: " ").dropFirst().first { !$0.isEmpty } ?? "0") ?? 0) * 1024
    }

    // MARK: Memory

    static func memory(conversations: Int) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        p.arguments = ["memory", String(conversations)]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        p.waitUntilExit()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        row(
            "RSS per open conversation, \(conversations / 1_000_000 > 0 ? "\(conversations / 1_000_000)M" : "\(conversations / 1000)k") open",
            out.trimmingCharacters(in: .whitespacesAndNewlines), "≤ 300 bytes")
    }

    static func memoryChild(conversations n: Int) {
        var engine = SLAEngine(policies: Workload.policies, settings: .init(allowedLateness: .seconds(30)))
        let before = rss()
        for i in 0..<n {
            engine.apply(
                InteractionEvent(
                    id: "ev-\(i)", conversationID: "tw-\(1_860_000_000 + i)", kind: .response,
                    occurredAt: Timestamp(millis: Workload.start + Int64(i)), channel: "twitter",
                    text: "@brand my order #48213 still hasn't shipped, it's been two weeks — what is going on?"))
        }
        let after = rss()
        precondition(engine.openConcerns == n)
        print(
            "\((after - before) / n) bytes (\(engine.openConcerns) open concerns, RSS +\((after - before) >> 20) MiB)")
    }

    // MARK: Engine

    /// The micro benchmark's engine loop (decode + state + deadlines, 1M events over 1M
    /// conversations) as a plain process, for profiling: `LoopwatchBench engine [runs]`.
    static func engine(runs: Int) {
        let w = Workload(
            count: 1_000_000,
            conversations: Int(ProcessInfo.processInfo.environment["BENCH_CONVERSATIONS"] ?? "")
                ?? (quick ? 100_000 : 1_000_000))
        var times: [Double] = []
        var alerts = 0
        let lateness = TimeSpan.seconds(Int64(ProcessInfo.processInfo.environment["BENCH_LATENESS"] ?? "") ?? 30)
        for _ in 0..<runs {
            var engine = EngineLoop.makeEngine(lateness: lateness)
            let t = ContinuousClock.now
            alerts = EngineLoop.run(w.lines, through: &engine, lateness: lateness)
            times.append(seconds(ContinuousClock.now - t) * 1e9 / Double(w.lines.count))
            withExtendedLifetime(engine) {}
        }
        times.sort()
        row(
            "Engine loop, 1M events (decode + state + deadlines)",
            String(
                format: "median %.0f ns/event (min %.0f, max %.0f; %d runs; %d alerts)", times[times.count / 2],
                times[0], times[times.count - 1], runs, alerts),
            "≥ 1M events/s")
    }

    /// The worker's release of a backlog without Kafka (`LoopwatchBench release [runs]`, pin it
    /// with `taskset`): the end-to-end catch-up's 200k events a month old are applied while the
    /// partition lags (the clock at the latest event), then — timed — the clock jumps to now and
    /// the overdue conversations fire in cycles of 10,000 evaluations, each cycle's alerts encoded
    /// as the worker encodes them (CloudEvents JSON in a buffer of its own, the key copied out)
    /// and its changes encoded for the changelog. Reports the time per conversation held.
    static func release(runs: Int) {
        let n = Int(ProcessInfo.processInfo.environment["BENCH_RELEASE_EVENTS"] ?? "") ?? 200_000
        let w = Workload(count: n, conversations: 1_000_000)
        let encoder = AlertEncoder(groupID: "bench")
        var times: [Double] = []
        var released = (conversations: 0, evaluated: 0, alerts: 0, changes: 0)
        for _ in 0..<runs {
            let now = Timestamp.wallClock()
            var engine = engineAfterBacklog(w, now: now)
            _ = engine.drainAlerts()
            _ = engine.drainConcernOutcomes()
            engine.drainChanges { _, _ in }
            let held = engine.conversationCount
            var sink: [(key: [UInt8], value: [UInt8]?)] = []
            sink.reserveCapacity(20_000)
            var evaluated = 0
            var alerts = 0
            var changes = 0
            let t = ContinuousClock.now
            while true {
                let step = engine.advance(to: now - backlogLateness, budget: 10_000)
                evaluated += step.evaluated
                for alert in engine.drainAlerts() {
                    sink.append((Array(alert.conversationID.utf8), encoder.encode(alert)))
                    alerts += 1
                }
                _ = engine.drainConcernOutcomes()
                engine.drainChanges { id, value in
                    sink.append((Array(id.utf8), value))
                    changes += 1
                }
                sink.removeAll(keepingCapacity: true)
                if step.complete { break }
            }
            times.append(seconds(ContinuousClock.now - t) * 1e9 / Double(max(1, held)))
            released = (held, evaluated, alerts, changes)
            withExtendedLifetime(engine) {}
        }
        times.sort()
        row(
            "Release of a backlog (\(n / 1000)k events a month old: fire, encode alerts and changes; no Kafka)",
            String(
                format:
                    "median %.0f ns per conversation held (min %.0f, max %.0f; %d runs; %d held, %d timers fired, %d alerts, %d changelog records)",
                times[times.count / 2], times[0], times[times.count - 1], runs, released.conversations,
                released.evaluated, released.alerts, released.changes),
            "")
    }

    /// The worker's `allowed_lateness` in the catch-up benchmarks (its default).
    static let backlogLateness = TimeSpan.seconds(30)

    /// The engine of a catch-up whose input is `w` (events a month old), the clock at `now`:
    /// every event applied in batches, deadlines run no further than the events read (less the
    /// lateness), as a lagging partition's are. What that produced is left undrained.
    static func engineAfterBacklog(_ w: Workload, now: Timestamp) -> SLAEngine {
        var engine = SLAEngine(
            policies: Workload.policies,
            settings: SLAEngine.Settings(
                allowedLateness: backlogLateness, lateAfter: .seconds(5), reportsOutcomes: true))
        engine.wallClock = now
        let decoder = EventDecoder(
            maxEventBytes: 65536, maxFutureSkew: nil, projection: EventProjection(for: Workload.policies))
        var batch = EventBatch(capacity: 64)
        var maxSeen = Timestamp.distantPast
        for (i, line) in w.lines.enumerated() {
            _ = line.withUnsafeBytes { batch.decode($0, with: decoder, now: now) }
            guard batch.isFull || i == w.lines.count - 1 else { continue }
            batch.warm(&engine)
            for k in 0..<batch.count {
                maxSeen = max(maxSeen, batch.occurredAt(k))
                batch.apply(k, to: &engine)
            }
            batch.removeAll()
            _ = engine.advance(to: maxSeen - backlogLateness, budget: .max)
        }
        return engine
    }

    /// The decoder alone on the engine workload, with the engine's projection.
    static func decode(runs: Int) {
        let w = Workload(count: 1_000_000, conversations: 1_000_000)
        let decoder = EventDecoder(
            maxEventBytes: 65536, maxFutureSkew: nil, projection: EventProjection(for: Workload.policies))
        var event = InteractionEvent(id: "", conversationID: "", kind: .broadcast, occurredAt: .distantPast)
        var times: [Double] = []
        var ok = 0
        for _ in 0..<runs {
            let t = ContinuousClock.now
            for n in w.lines.indices
            where w.lines[n].withUnsafeBytes({ decoder.decode($0, now: nil, into: &event) }) == nil { ok &+= 1 }
            times.append(seconds(ContinuousClock.now - t) * 1e9 / Double(w.lines.count))
        }
        times.sort()
        row(
            "EventDecoder alone (engine projection)",
            String(
                format: "median %.0f ns/event (min %.0f; %d runs; %d ok)", times[times.count / 2], times[0], runs, ok),
            "")
    }

    // MARK: Deadlines

    static func deadlines(pending n: Int) {
        var s = DeadlineScheduler()
        var rng = SplitMix64(seed: 11)
        func timed(_ ops: Int, _ body: () -> Void) -> Double {
            let t = ContinuousClock.now
            body()
            return seconds(ContinuousClock.now - t) * 1e9 / Double(ops)
        }
        let arm = timed(n) { for k in 0..<n { s.schedule(Int32(k), at: Int64(rng.next() % 86_400_000)) } }
        let m = n / 10
        let rearm = timed(m) {
            for _ in 0..<m { s.schedule(Int32(rng.next() % UInt64(n)), at: Int64(rng.next() % 86_400_000)) }
        }
        let cancel = timed(m) { for _ in 0..<m { s.cancel(Int32(rng.next() % UInt64(n))) } }
        let remaining = s.count
        var fired = 0
        let fire = timed(remaining) { while s.popDue(atOrBefore: .max) != nil { fired += 1 } }
        row(
            "DeadlineScheduler with \(n / 1_000_000)M pending (indexed 4-ary heap)",
            String(
                format: "arm %.0f ns, re-arm %.0f ns, cancel %.0f ns, fire %.0f ns per deadline (%d fired)", arm, rearm,
                cancel, fire, fired),
            "cheap at 10M")
    }

    // MARK: Replay

    /// Replay (decode, engine on the event-time clock, CloudEvents encoding straight into a
    /// 1 MiB output buffer, as `loopwatch replay` does) against the engine loop on the same lines
    /// in the same run (decode + state + deadlines, alerts drained but not encoded).
    static func replay(lines: Int) {
        let n = Int(ProcessInfo.processInfo.environment["BENCH_REPLAY_LINES"] ?? "") ?? lines
        let w = Workload(count: n, conversations: 1_000_000, stepMillis: 5)
        let label = n / 1_000_000 > 0 ? "\(n / 1_000_000)M" : "\(n / 1000)k"
        // 1. The engine loop on the same lines (same 30 s lateness as the replay's default).
        var engine = EngineLoop.makeEngine(lateness: LoopwatchConfig.Processing().allowedLateness)
        var t = ContinuousClock.now
        _ = EngineLoop.run(w.lines, through: &engine, lateness: LoopwatchConfig.Processing().allowedLateness)
        let engineRate = Double(n) / seconds(ContinuousClock.now - t)
        withExtendedLifetime(engine) {}
        engine = EngineLoop.makeEngine()
        // 2. The replay.
        var driver = ReplayDriver(policies: Workload.policies, processing: LoopwatchConfig.Processing())
        let encoder = AlertEncoder(groupID: "bench")
        var out = JSONWriter(capacity: (1 << 20) + 65536)
        var bytes = 0
        func emit(_ a: Alert) {
            encoder.encode(a, into: &out)
            out.newline()
            if out.bytes.count >= 1 << 20 {
                bytes &+= out.bytes.count
                out.removeAll()
            }
        }
        t = ContinuousClock.now
        for line in w.lines {
            line.withUnsafeBytes { driver.feed(line: $0, emit: emit) }
        }
        driver.finish(until: nil, emit: emit)
        bytes &+= out.bytes.count
        let d = seconds(ContinuousClock.now - t)
        let alerts = driver.summary.alerts.values.reduce(0, +)
        // Free the replay's engine before the report runs, as the engine loop's is freed before
        // the replay, so both start from the same allocator state: with the replay's engine still
        // alive, the report alone grew its conversation store into fresh pages (page faults were
        // 21 % of its profile, against 17 % of the replay's).
        driver = ReplayDriver(policies: Workload.policies, processing: LoopwatchConfig.Processing())
        row(
            "Replay of \(label) lines (decode, engine, CloudEvents out)",
            String(
                format:
                    "%.0f lines/s (%.1f s, %d alerts, %d MB out) = %.0f%% of the engine loop on the same lines in the same run (%.0f events/s)",
                Double(n) / d, d, alerts, bytes >> 20, 100 * Double(n) / d / engineRate, engineRate),
            "≥ 80% of the engine loop")
        // 3. `loopwatch report` on the same lines: the same engine with concern outcomes on,
        // plus the §9 tallies.
        let reportEngine = SLAEngine.reporting(policies: Workload.policies, processing: LoopwatchConfig.Processing())
        guard let options = try? SocialStatusReport.Options() else { return }
        var report = ReportDriver(engine: reportEngine, processing: LoopwatchConfig.Processing(), options: options)
        t = ContinuousClock.now
        for line in w.lines {
            line.withUnsafeBytes { report.feed(line: $0) }
        }
        let status = report.finish()
        let r = seconds(ContinuousClock.now - t)
        withExtendedLifetime(report) {}  // freed after the clock stops, as the replay's is
        row(
            "Report of \(label) lines (decode, engine with concern outcomes, §9 figures)",
            String(
                format: "%.0f lines/s (%.1f s, %d concerns) = %.0f%% of the replay on the same lines in the same run",
                Double(n) / r, r, status.overall.concerns, 100 * d / r),
            "≥ 80% of replay")
    }

    // MARK: Restore

    static func restore(conversations n: Int) async throws {
        let cluster = try KafkaMockCluster(brokers: 1, logger: logger)
        defer { cluster.destroy() }
        // The mock keeps only ~5 MiB per partition: spread 1M state records over 64.
        let partitions = 64
        try cluster.createTopic(name: "state", partitions: partitions)
        // Write one state record per conversation (an open concern each), as the worker would.
        let producer = try KafkaProducer(
            configuration: KafkaConfiguration([
                "bootstrap.servers": cluster.bootstrapServers, "queue.buffering.max.kbytes": "262144",
                "linger.ms": "20", "batch.num.messages": "10000",
            ]),
            logger: logger)
        var engine = SLAEngine(policies: Workload.policies, settings: .init())
        for i in 0..<n {
            engine.apply(
                InteractionEvent(
                    id: "e\(i)", conversationID: "tw-\(i)", kind: .response,
                    occurredAt: Timestamp(millis: Workload.start + Int64(i)), channel: "twitter",
                    text: "where is my order?"))
        }
        var records: [(String, [UInt8])] = []
        engine.drainChanges { id, value in records.append((id, value!)) }
        for (i, (id, value)) in records.enumerated() {
            try producer.enqueue(
                KafkaProducerRecord(
                    topic: "state", partition: Int32(i % partitions), key: Array(id.utf8), value: value),
                maxBlock: .seconds(30))
        }
        try producer.flush(timeout: .seconds(120))
        producer.shutdown()

        let bootstrap = cluster.bootstrapServers
        let t = ContinuousClock.now
        let restored = try await DedicatedThread.run(name: "restore") { () throws -> Int in
            let reader = try KafkaPartitionReader(
                configuration: KafkaConfiguration(["bootstrap.servers": bootstrap]), logger: logger)
            defer { reader.close() }
            var engines = [SLAEngine](repeating: SLAEngine(policies: Workload.policies), count: partitions)
            var count = 0
            for p in 0..<partitions {
                count += try reader.read(topic: "state", partition: Int32(p)) { batch in
                    for m in batch {
                        engines[p].restore(
                            conversationID: String(decoding: m.key!, as: UTF8.self),
                            state: try? ConversationState.decode(m.value!))
                    }
                }
                engines[p].advance(to: Timestamp(millis: Workload.start))  // rebuild deadlines
            }
            return count
        }
        let d = seconds(ContinuousClock.now - t)
        row(
            "Changelog restore, \(n / 1000)k conversations over \(partitions) partitions (read + decode + rebuild deadlines)",
            String(format: "%.0f records/s; ready after %.2f s", Double(restored) / d, d),
            "≥ 500k records/s; ≤ 5 s for 1M")
    }

    // MARK: End to end through Kafka

    static func endToEnd(events n: Int) async throws {
        // The mock keeps only ~5 MiB per partition, and the whole input must still be there
        // when it is consumed: ≈ 1 MiB per 3k events per partition.
        let partitions = max(16, n / 6_000)
        // Each run first produces its whole input (a backlog, as after an outage), then measures
        // from the first event consumed to the last: the load generator's CPU stays out of the
        // figure. The pipe runs before and after the worker; the figure uses their mean.
        // 1. The zero-work baseline: consume → produce one record → offsets + commit, every 100 ms.
        if ProcessInfo.processInfo.environment["BENCH_KAFKA_ONLY"] == "catch-up" {  // for a profile
            _ = try await workerThroughput(events: n, partitions: partitions, live: false)
            return
        }
        if ProcessInfo.processInfo.environment["BENCH_KAFKA_ONLY"] == "writes" {
            _ = try await catchUpWritesAlone(events: n, partitions: partitions)
            return
        }
        // BENCH_ROUNDS=N repeats the whole sequence N times and ends with the medians: on
        // noida-db one round's figures spread by tens of points (its autosave).
        let rounds = max(1, Int(ProcessInfo.processInfo.environment["BENCH_ROUNDS"] ?? "") ?? 1)
        var shares: (catchUp: [Double], writes: [Double], live: [Double]) = ([], [], [])
        for round in 1...rounds {
            if rounds > 1 { row("— round \(round) of \(rounds)", "", "") }
            let pipeBefore = try await zeroWorkPipe(events: n, partitions: partitions)
            // 2. The real worker, same cluster setup, same events: a month old (every response is
            //    overdue on arrival — a catch-up after an outage: about one alert per event).
            let workerRate = try await workerThroughput(events: n, partitions: partitions, live: false)
            // 2b. The catch-up's writes alone: the same records, no work.
            let writesRate = try await catchUpWritesAlone(events: n, partitions: partitions)
            // 3. Live traffic: the same events with occurred_at from now on (no deadline falls due
            //    during the run, as in a steady state where alerts are a small share of the events).
            let liveRate = try await workerThroughput(events: n, partitions: partitions, live: true)
            let pipeAfter = try await zeroWorkPipe(events: n, partitions: partitions)
            let pipeRate = (pipeBefore + pipeAfter) / 2
            shares.catchUp.append(100 * workerRate / pipeRate)
            shares.writes.append(100 * writesRate / pipeRate)
            shares.live.append(100 * liveRate / pipeRate)
            row(
                "— zero-work pipe, before and after the worker",
                String(format: "%.0f and %.0f events/s: mean %.0f", pipeBefore, pipeAfter, pipeRate), "")
            row(
                "End to end exactly-once through Kafka (\(BenchBroker.useNoida ? "noida-db" : "mock cluster"), \(partitions) partitions, \(n / 1000)k events, catch-up: events a month old)",
                String(
                    format: "worker %.0f events/s vs zero-work transactional pipe %.0f events/s = %.0f%%", workerRate,
                    pipeRate, 100 * workerRate / pipeRate),
                "≥ 80% of the pipe")
            row(
                "— the catch-up's writes alone against the pipe (what SPEC §4's output costs this broker, with no work)",
                String(
                    format: "%.0f events/s = %.0f%% of the pipe; the worker's catch-up is %.0f%% of that", writesRate,
                    100 * writesRate / pipeRate, 100 * workerRate / writesRate),
                "")
            row(
                "End to end exactly-once through Kafka (same, live: occurred_at from now)",
                String(
                    format: "worker %.0f events/s vs zero-work transactional pipe %.0f events/s = %.0f%%", liveRate,
                    pipeRate, 100 * liveRate / pipeRate),
                "≥ 80% of the pipe")
        }
        guard rounds > 1 else { return }
        func summary(_ xs: [Double]) -> String {
            let sorted = xs.sorted()
            let median = (sorted[(sorted.count - 1) / 2] + sorted[sorted.count / 2]) / 2
            return String(format: "median %.0f%% (", median)
                + xs.map { String(format: "%.0f", $0) }.joined(separator: ", ") + ")"
        }
        row(
            "End to end over \(rounds) rounds, % of the pipe: catch-up; the catch-up's writes alone; live",
            "\(summary(shares.catchUp)); \(summary(shares.writes)); \(summary(shares.live))", "≥ 80% of the pipe")
    }

    static func cluster(partitions: Int, topics: [String]) throws -> BenchBroker {
        try BenchBroker(partitions: partitions, topics: topics, logger: logger)
    }

    /// Produces the workload (keyed by conversation) and waits until all of it is delivered.
    static func produce(_ w: Workload, to bootstrap: String, topic: String) async throws {
        try await DedicatedThread.run(name: "bench-producer") {
            let producer = try KafkaProducer(
                configuration: KafkaConfiguration([
                    "bootstrap.servers": bootstrap, "queue.buffering.max.kbytes": "65536", "linger.ms": "10",
                    "enable.idempotence": "false",
                ]),
                logger: logger)
            for line in w.lines {
                let key = line[line.firstRange(of: Array(#""conversation_id":""#.utf8))!.upperBound...].prefix {
                    $0 != 0x22
                }
                try producer.enqueue(
                    KafkaProducerRecord(topic: topic, key: Array(key), value: line), maxBlock: .seconds(60))
            }
            try producer.flush(timeout: .seconds(300))
            producer.shutdown()
        }
    }

    /// Sends `offsets` (if any) to the open transaction with `consumer`'s group, then commits it.
    static func commitTransaction(
        _ producer: KafkaTransactionalProducer, offsets: [TopicPartition: Int64], of consumer: KafkaConsumer
    ) throws {
        if !offsets.isEmpty {
            try producer.sendOffsetsToTransaction(
                offsets: offsets.map {
                    TopicPartitionOffset(topic: $0.key.topic, partition: $0.key.partition, offset: $0.value)
                },
                groupMetadata: try consumer.groupMetadata(), timeout: .seconds(30))
        }
        try producer.commitTransaction(timeout: .seconds(30))
    }

    static func zeroWorkPipe(events n: Int, partitions: Int) async throws -> Double {
        let c = try cluster(partitions: partitions, topics: ["in", "out"])
        defer { c.destroy() }
        let w = Workload(count: n, conversations: 1_000_000)
        let bootstrap = c.bootstrapServers
        try await produce(w, to: bootstrap, topic: "in")
        c.settle()
        return try await DedicatedThread.run(name: "pipe") { () throws -> Double in
            let consumer = try KafkaConsumer(
                configuration: KafkaConfiguration([
                    "bootstrap.servers": bootstrap, "group.id": "pipe", "isolation.level": "read_committed",
                    "auto.offset.reset": "earliest",
                ]),
                topics: ["in"], logger: logger)
            let producer = try KafkaTransactionalProducer(
                configuration: KafkaConfiguration([
                    "bootstrap.servers": bootstrap, "transactional.id": "pipe", "queue.buffering.max.kbytes": "131072",
                    "linger.ms": "5",
                ]),
                logger: logger)
            try producer.initTransactions(timeout: .seconds(30))
            var count = 0
            var started: ContinuousClock.Instant? = nil
            var cpuAtStart = c.cpu()
            var lastCommit = ContinuousClock.now
            var offsets: [TopicPartition: Int64] = [:]
            var open = false
            var commits = 0
            while count < n {
                let batch = try consumer.poll(maxMessages: 10_000, timeout: .milliseconds(100))
                if !batch.isEmpty, started == nil {
                    started = .now
                    cpuAtStart = c.cpu()
                }
                if !batch.isEmpty, !open {
                    try producer.beginTransaction()
                    open = true
                }
                for m in batch {
                    try producer.enqueue(
                        KafkaProducerRecord(topic: "out", key: m.key, value: m.value), maxBlock: .seconds(30))
                    offsets[TopicPartition(topic: m.topic, partition: m.partition)] = m.offset + 1
                }
                count += batch.count
                if open, ContinuousClock.now - lastCommit >= .milliseconds(100) || count >= n {
                    try commitTransaction(producer, offsets: offsets, of: consumer)
                    commits += 1
                    open = false
                    lastCommit = .now
                }
            }
            let d = seconds(ContinuousClock.now - (started ?? .now))
            let cpu = c.cpu()
            row(
                "— zero-work pipe (same run)",
                String(
                    format:
                        "1.00 produce calls per event; %.0f commits/s (%d transactions in %.1f s); CPU: clients %.1f s (%.1f µs per event)",
                    Double(commits) / d, commits, d, cpu.process - cpuAtStart.process,
                    (cpu.process - cpuAtStart.process) * 1e6 / Double(n))
                    + brokerCPU(from: cpuAtStart, to: cpu),
                "")
            consumer.close()
            producer.shutdown()
            return Double(n) / d
        }
    }

    /// The catch-up's writes without its work: a client that reads the same month-old input to
    /// its end, as the worker must before any deadline may fire (an acknowledgement further on
    /// may answer), then writes what the worker's catch-up writes — the same alerts and
    /// changelog records, byte for byte, computed before the clock starts — committing every
    /// 100 ms like the pipe, the input offsets in the first transaction. What is left between
    /// this and the pipe is the catch-up's output itself (SPEC §4's alerts and the state), not
    /// the worker's work.
    static func catchUpWritesAlone(events n: Int, partitions: Int) async throws -> Double {
        let w = Workload(count: n, conversations: 1_000_000)
        let output = catchUpOutput(w)
        let c = try cluster(
            partitions: partitions, topics: ["interactions", "loopwatch-state", "sla-alerts", "interactions-dlq"])
        defer { c.destroy() }
        let bootstrap = c.bootstrapServers
        try await produce(w, to: bootstrap, topic: "interactions")
        c.settle()
        return try await DedicatedThread.run(name: "writes-alone") { () throws -> Double in
            let consumer = try KafkaConsumer(
                configuration: KafkaConfiguration([
                    "bootstrap.servers": bootstrap, "group.id": "writes-alone", "isolation.level": "read_committed",
                    "auto.offset.reset": "earliest",
                ]),
                topics: ["interactions"], logger: logger)
            // The worker's producer settings (KafkaSettings.transactionalProducer).
            let producer = try KafkaTransactionalProducer(
                configuration: KafkaConfiguration([
                    "bootstrap.servers": bootstrap, "transactional.id": "writes-alone",
                    "queue.buffering.max.kbytes": "131072", "queue.buffering.max.messages": "500000",
                    "linger.ms": "5", "compression.type": "lz4",
                ]),
                logger: logger)
            try producer.initTransactions(timeout: .seconds(30))
            var count = 0
            var started: ContinuousClock.Instant? = nil
            var cpuAtStart = c.cpu()
            var offsets: [TopicPartition: Int64] = [:]
            while count < n {
                let batch = try consumer.poll(maxMessages: 10_000, timeout: .milliseconds(100))
                if !batch.isEmpty, started == nil {
                    started = .now
                    cpuAtStart = c.cpu()
                }
                for m in batch { offsets[TopicPartition(topic: m.topic, partition: m.partition)] = m.offset + 1 }
                count += batch.count
            }
            let read = ContinuousClock.now
            var commits = 0
            var opened: ContinuousClock.Instant? = nil
            func commit() throws {
                try commitTransaction(producer, offsets: offsets, of: consumer)
                offsets = [:]
                commits += 1
                opened = nil
            }
            for r in output {
                if opened == nil {
                    try producer.beginTransaction()
                    opened = .now
                }
                try producer.enqueue(r, maxBlock: .seconds(30))
                if let o = opened, ContinuousClock.now - o >= .milliseconds(100) { try commit() }
            }
            if opened != nil { try commit() }
            let d = seconds(ContinuousClock.now - (started ?? .now))
            let cpu = c.cpu()
            let bytes = output.reduce(0) { $0 + ($1.value?.count ?? 0) + ($1.key?.count ?? 0) }
            row(
                "— the catch-up's writes alone (same run): read the input to its end, then write the worker's records",
                String(
                    format:
                        "%.2f records per event, %.0f bytes each; read %.1f s, write %.1f s (%d transactions); CPU: clients %.1f s (%.1f µs per event)",
                    Double(output.count) / Double(n), Double(bytes) / Double(max(1, output.count)),
                    seconds(read - (started ?? read)), seconds(ContinuousClock.now - read), commits,
                    cpu.process - cpuAtStart.process, (cpu.process - cpuAtStart.process) * 1e6 / Double(n))
                    + brokerCPU(from: cpuAtStart, to: cpu),
                "")
            consumer.close()
            producer.shutdown()
            return Double(n) / d
        }
    }

    /// The records the worker's catch-up of `w` (events a month old) writes — its alerts, then
    /// each conversation's last state (the hold writes a conversation once) — computed without
    /// Kafka, as `release` does.
    static func catchUpOutput(_ w: Workload) -> [KafkaProducerRecord] {
        let now = Timestamp.wallClock()
        var engine = engineAfterBacklog(w, now: now)
        let encoder = AlertEncoder(groupID: "bench")
        let headers: [(String, [UInt8]?)] = [
            ("content-type", Array("application/cloudevents+json; charset=UTF-8".utf8))
        ]
        var alerts: [KafkaProducerRecord] = []
        var states: [String: [UInt8]?] = [:]
        engine.drainChanges { id, value in states[id] = value }
        while true {
            let step = engine.advance(to: now - backlogLateness, budget: 10_000)
            for alert in engine.drainAlerts() {
                alerts.append(
                    KafkaProducerRecord(
                        topic: "sla-alerts", key: Array(alert.conversationID.utf8), value: encoder.encode(alert),
                        headers: headers))
            }
            _ = engine.drainConcernOutcomes()
            engine.drainChanges { id, value in states[id] = value }
            if step.complete { break }
        }
        return alerts
            + states.keys.sorted().map {
                KafkaProducerRecord(topic: "loopwatch-state", key: Array($0.utf8), value: states[$0]!)
            }
    }

    static func workerThroughput(events n: Int, partitions: Int, live: Bool) async throws -> Double {
        let c = try cluster(
            partitions: partitions, topics: ["interactions", "loopwatch-state", "sla-alerts", "interactions-dlq"])
        defer { c.destroy() }
        let w = Workload(
            count: n, conversations: 1_000_000, start: live ? Timestamp.wallClock().millis : Workload.start)
        var processing = LoopwatchConfig.Processing()
        processing.maxFutureSkew = .days(100_000)
        let config = LoopwatchConfig(
            kafka: .init(bootstrapServers: c.bootstrapServers, groupID: "bench", properties: benchProperties()),
            processing: processing,
            policies: Workload.policies)
        let metrics = WorkerMetrics()
        let status = WorkerStatus()
        try await produce(w, to: c.bootstrapServers, topic: "interactions")
        c.settle()
        let env = ProcessInfo.processInfo.environment
        let traced = env["BENCH_TRACE"] == "1" || env["BENCH_KAFKA_DEBUG"] != nil
        let worker = WorkerService(
            config: config, readConfig: { config }, instanceID: "bench",
            logger: traced ? TraceLogHandler.logger : logger,
            metrics: metrics,
            status: status, notifier: SystemdNotifier(environment: [:]))
        let services = ServiceGroup(configuration: .init(services: [.init(service: worker)], logger: logger))
        return try await withThrowingTaskGroup(of: Double?.self) { group in
            group.addTask {
                try await services.run()
                return nil
            }
            while !status.isReady { try await Task.sleep(for: .milliseconds(50)) }
            // From the first event counted until the output has settled: every event processed
            // and no alert, changelog record or commit added for a second (alerts of a backlog
            // may fall due only once a partition has caught up). The end is the last change
            // seen: the last commit, as for the pipe, not the last record handed to librdkafka.
            var started: ContinuousClock.Instant? = nil
            var last = (events: 0, output: 0, transactions: 0)
            var lastChange = ContinuousClock.now
            var cpuAtStart = c.cpu()
            var cpuAtEnd = cpuAtStart
            let threadsOn = ProcessInfo.processInfo.environment["BENCH_THREADS"] == "1"
            var threadsAtStart: [String: Int] = [:]
            var threadsAtEnd: [String: Int] = [:]
            // BENCH_TIMELINE=1: what the worker has done every 100 ms, on stderr.
            let timeline = ProcessInfo.processInfo.environment["BENCH_TIMELINE"] == "1"
            var lastPrinted = ContinuousClock.now
            while true {
                let now = ContinuousClock.now
                // The output counts when it is produced; the run ends when it is committed too.
                let sums = MetricsProbe.sums(
                    metrics,
                    [
                        "loopwatch_events_total", "loopwatch_alerts_total", "loopwatch_changelog_records_total",
                        "loopwatch_transactions_total",
                    ])
                let seen = (events: Int(sums[0]), output: Int(sums[1] + sums[2]), transactions: Int(sums[3]))
                if seen.events > 0, started == nil {
                    started = now
                    cpuAtStart = c.cpu()
                    threadsAtStart = BenchBroker.threadTicks()
                }
                if timeline, let s = started, now - lastPrinted >= .milliseconds(100) {
                    lastPrinted = now
                    FileHandle.standardError.write(
                        Data(
                            String(
                                format: "%6.2f s  events %7d  output %7d  transactions %d\n", seconds(now - s),
                                seen.events, seen.output, seen.transactions
                            ).utf8))
                }
                if seen != last {
                    last = seen
                    lastChange = now
                    cpuAtEnd = c.cpu()
                    if threadsOn { threadsAtEnd = BenchBroker.threadTicks() }
                } else if seen.events >= n,
                    now - lastChange >= .seconds(Int(ProcessInfo.processInfo.environment["BENCH_SETTLE"] ?? "1") ?? 1)
                {
                    break
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            let elapsed = seconds(lastChange - started!)
            if ProcessInfo.processInfo.environment["BENCH_METRICS"] == "1" {
                let text = String(decoding: metrics.render(), as: UTF8.self)
                FileHandle.standardError.write(Data(text.utf8))
            }
            let rate = Double(n) / elapsed
            if threadsOn {
                for (k, v) in threadsAtEnd.sorted(by: {
                    $0.value - (threadsAtStart[$0.key] ?? 0) > $1.value - (threadsAtStart[$1.key] ?? 0)
                }).prefix(12) {
                    FileHandle.standardError.write(Data("thread \(k): \(v - (threadsAtStart[k] ?? 0)) ticks\n".utf8))
                }
            }
            let changelog = Self.counter(metrics, "loopwatch_changelog_records_total")
            let alerts = Self.counter(metrics, "loopwatch_alerts_total")
            let dead = Self.counter(metrics, "loopwatch_dead_letters_total")
            let commits = Self.counter(metrics, "loopwatch_transactions_total")
            row(
                "— worker output per event (\(live ? "live" : "catch-up"), same run)",
                String(
                    format:
                        "%.2f changelog records, %.2f alerts, %.2f dead letters = %.2f produce calls per event; %.0f commits/s (%d transactions in %.1f s, %.0f events each); CPU: worker %.1f s (%.1f µs per event)",
                    Double(changelog) / Double(n), Double(alerts) / Double(n), Double(dead) / Double(n),
                    Double(changelog + alerts + dead) / Double(n), Double(commits) / elapsed, commits, elapsed,
                    Double(n) / Double(max(1, commits)), cpuAtEnd.process - cpuAtStart.process,
                    (cpuAtEnd.process - cpuAtStart.process) * 1e6 / Double(n))
                    + brokerCPU(from: cpuAtStart, to: cpuAtEnd)
                    + "; \(cpuAtEnd.faults - cpuAtStart.faults) page faults",
                "")
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
            return rate
        }
    }

    /// ", broker 2.1 s (autosave 1.5 s)" for noida-db; nothing for the mock, whose CPU is the
    /// process's own.
    static func brokerCPU(from a: BenchBroker.CPUSample, to b: BenchBroker.CPUSample) -> String {
        guard BenchBroker.useNoida else { return "" }
        return String(format: ", broker %.1f s (autosave %.1f s)", b.broker - a.broker, b.autosave - a.autosave)
    }

    /// The worker's `kafka.properties` for an A/B of settings: BENCH_KAFKA_DEBUG=eos,topic,… sets
    /// librdkafka's `debug`, BENCH_KAFKA_PROPS=linger.ms=1,compression.type=none adds the pairs.
    static func benchProperties() -> [String: String] {
        let env = ProcessInfo.processInfo.environment
        var properties = env["BENCH_KAFKA_DEBUG"].map { ["debug": $0] } ?? [:]
        for pair in (env["BENCH_KAFKA_PROPS"] ?? "").split(separator: ",") {
            let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
            if kv.count == 2 { properties[kv[0]] = kv[1] }
        }
        return properties
    }

    /// Sum of a counter family in the Prometheus exposition.
    static func counter(_ metrics: WorkerMetrics, _ name: String) -> Int {
        Int(MetricsProbe.sums(metrics, [name])[0])
    }

    /// Mean of a histogram in the Prometheus exposition (`_sum / _count`).
    static func mean(_ metrics: WorkerMetrics, _ name: String) -> Double {
        Double(counterValue(metrics, name + "_sum")) / Double(max(1, counterValue(metrics, name + "_count")))
    }

    static func counterValue(_ metrics: WorkerMetrics, _ name: String) -> Double {
        MetricsProbe.sums(metrics, [name])[0]
    }

    // MARK: Alert delay

    static func alertDelay(seconds duration: Int, rate: Int) async throws {
        let partitions = 16
        let c = try cluster(
            partitions: partitions, topics: ["interactions", "loopwatch-state", "sla-alerts", "interactions-dlq"])
        defer { c.destroy() }
        var processing = LoopwatchConfig.Processing()
        processing.allowedLateness = .zero
        processing.commitInterval = .init(millis: 100)
        // BENCH_KAFKA_DEBUG=eos,topic,… passes librdkafka's `debug` to the worker's clients and
        // BENCH_TRACE=1 prints the worker's log (with librdkafka's) to stderr, timestamped in ms.
        // BENCH_KAFKA_PROPS=linger.ms=1,compression.type=none adds `kafka.properties` (A/B of settings).
        let env = ProcessInfo.processInfo.environment
        let properties = benchProperties()
        let traced = env["BENCH_TRACE"] == "1" || env["BENCH_KAFKA_DEBUG"] != nil
        let workerLogger = traced ? TraceLogHandler.logger : logger
        let config = LoopwatchConfig(
            kafka: .init(bootstrapServers: c.bootstrapServers, groupID: "delay", properties: properties),
            processing: processing,
            policies: PolicySet([
                Policy(name: "fast", firstResponse: .seconds(2), nextResponse: .seconds(2), version: "v")
            ]))
        let status = WorkerStatus()
        let metrics = WorkerMetrics()
        let worker = WorkerService(
            config: config, readConfig: { config }, instanceID: "delay", logger: workerLogger, metrics: metrics,
            status: status, notifier: SystemdNotifier(environment: [:]))
        let bootstrap = c.bootstrapServers
        let services = ServiceGroup(configuration: .init(services: [.init(service: worker)], logger: logger))
        let delays = try await withThrowingTaskGroup(of: [Double]?.self) { group in
            group.addTask {
                try await services.run()
                return nil
            }
            while !status.isReady { try await Task.sleep(for: .milliseconds(50)) }
            // The reader joins its group first, so its own start-up is not counted as delay.
            let assigned = ReaderReady()
            let consumer = try KafkaConsumer(
                configuration: KafkaConfiguration([
                    "bootstrap.servers": bootstrap, "group.id": "delay-reader", "isolation.level": "read_committed",
                    "auto.offset.reset": "earliest", "fetch.wait.max.ms": "10",
                ]),
                topics: ["sla-alerts"], logger: logger, rebalanceHandler: { if case .assigned = $0 { assigned.set() } })
            try await DedicatedThread.run(name: "reader-join") {
                while !assigned.isSet { _ = try consumer.poll(maxMessages: 1, timeout: .milliseconds(50)) }
            }
            // Live traffic at `rate` events/s: half customer responses, most of them answered.
            async let load: Void = DedicatedThread.run(name: "load") {
                let producer = try KafkaProducer(
                    configuration: KafkaConfiguration([
                        "bootstrap.servers": bootstrap, "queue.buffering.max.kbytes": "65536", "linger.ms": "5",
                    ]), logger: logger)
                let start = ContinuousClock.now
                var i = 0
                while ContinuousClock.now - start < .seconds(duration) {
                    // Paced per millisecond (the events due by then, then one sleep), not per event:
                    // a sleep per event cost ≈ 50k wake-ups/s on the two cores the worker needs.
                    let due = start + .microseconds(Int64(i) * 1_000_000 / Int64(rate))
                    if due > .now { Thread.sleep(forTimeInterval: max(0, seconds(due - .now) + 0.001)) }
                    let now = Timestamp.wallClock()
                    let conv = "d-\(i / 2)"
                    let kind = i % 2 == 0 ? "response" : (i % 20 == 1 ? "broadcast" : "acknowledgement")
                    let line =
                        #"{"id":"e\#(i)","conversation_id":"\#(conv)","kind":"\#(kind)","occurred_at":"\#(RFC3339.format(now))","channel":"twitter"}"#
                    try producer.enqueue(
                        KafkaProducerRecord(topic: "interactions", key: Array(conv.utf8), value: Array(line.utf8)),
                        maxBlock: .seconds(10))
                    i += 1
                }
                try producer.flush(timeout: .seconds(30))
                producer.shutdown()
            }
            // A read_committed reader measures publication − deadline for each breach.
            let delays = try await DedicatedThread.run(name: "alert-reader") { () throws -> [Double] in
                defer { consumer.close() }
                var out: [Double] = []
                let end = ContinuousClock.now + .seconds(duration + 6)
                while ContinuousClock.now < end {
                    for m in try consumer.poll(maxMessages: 1000, timeout: .milliseconds(20)) {
                        let received = Timestamp.wallClock()
                        guard let v = m.value,
                            let o = try? JSONSerialization.jsonObject(with: Data(v)) as? [String: Any],
                            let time = (o["time"] as? String).flatMap({ RFC3339.parse($0) })
                        else { continue }
                        out.append(Double(received.millis - time.millis) / 1000)
                    }
                }
                return out
            }
            try await load
            row(
                "— worker side (same run)",
                String(
                    format:
                        "emission delay (drained − due) mean %.0f ms; %.0f commits/s; committing cycle mean %.1f ms",
                    1000 * Self.mean(metrics, "loopwatch_alert_delay_seconds"),
                    Double(Self.counter(metrics, "loopwatch_transactions_total")) / Double(duration + 6),
                    1000 * Self.mean(metrics, "loopwatch_processing_latency_seconds")), "")
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
            return delays
        }
        let sorted = delays.sorted()
        func q(_ p: Double) -> Double {
            sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
        }
        row(
            "Alert delay (published − deadline) at \(rate / 1000)k events/s, \(BenchBroker.useNoida ? "noida-db" : "mock cluster"), commit_interval 100ms, allowed_lateness 0",
            String(
                format: "p50 %.0f ms, p90 %.0f ms, p99 %.0f ms, p99.9 %.0f ms, max %.0f ms over %d breaches",
                q(0.5) * 1000, q(0.9) * 1000, q(0.99) * 1000, q(0.999) * 1000, (sorted.last ?? .nan) * 1000,
                sorted.count),
            "p50 ≤ 120 ms, p99 ≤ 250 ms")
        FileHandle.standardOutput.write(Data(histogram(sorted.map { $0 * 1000 }).utf8))
    }

    /// A text histogram of delays in milliseconds: count, share and cumulative share per bucket.
    static func histogram(_ ms: [Double]) -> String {
        let bounds: [Double] = [10, 25, 50, 75, 100, 120, 150, 200, 250, 300, 400, 500, 750, 1000, 2000, .infinity]
        var counts = [Int](repeating: 0, count: bounds.count)
        for v in ms { counts[bounds.firstIndex { v <= $0 }!] += 1 }
        var text = "\n| delay ≤ | alerts | share | cumulative |\n|---|---|---|---|\n"
        var cumulative = 0
        var lower = "0"
        for (b, c) in zip(bounds, counts) {
            cumulative += c
            let upper = b.isFinite ? String(format: "%.0f ms", b) : "∞"
            text +=
                "| \(lower)–\(upper) | \(c) | "
                + String(
                    format: "%.2f %% | %.2f %% |\n",
                    100 * Double(c) / Double(max(1, ms.count)), 100 * Double(cumulative) / Double(max(1, ms.count)))
            lower = b.isFinite ? String(format: "%.0f", b) : ""
        }
        return text + "\n"
    }
}

/// Set once the delay reader has its partitions.
final class ReaderReady: Sendable {
    private let flag = Mutex(false)
    func set() { flag.withLock { $0 = true } }
    var isSet: Bool { flag.withLock { $0 } }
}

/// The worker's log on stderr with millisecond wall-clock stamps (`BENCH_TRACE=1`), to line its
/// cycles up with librdkafka's `debug` output.
struct TraceLogHandler: LogHandler {
    static let logger = Logger(label: "worker", factory: { _ in TraceLogHandler() })
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .debug

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let ms = Timestamp.wallClock().millis
        let stamp = String(format: "%02d:%02d.%03d", (ms / 60_000) % 60, (ms / 1000) % 60, ms % 1000)
        var meta = metadata
        if let m = event.metadata { meta.merge(m) { $1 } }
        let pairs = meta.sorted { $0.key < $1.key }.map { "\($0)=\($1)" }
        let extra = pairs.isEmpty ? "" : " " + pairs.joined(separator: " ")
        FileHandle.standardError.write(Data("\(stamp) \(event.level) \(event.message)\(extra)\n".utf8))
    }
}
