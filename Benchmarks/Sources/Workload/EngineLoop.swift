import LoopwatchCore

/// The measured engine loop, shared by the micro benchmark and `LoopwatchBench engine`: what
/// the worker does with a poll batch — decode a run of up to 32 events into reused storage,
/// warm the engine's cache for the run, apply the events in order — with the clock on event
/// time (latest `occurred_at` − `lateness`) advanced every 16 events, as `replay` would.
public enum EngineLoop {
    /// A fresh engine with the workload's policies.
    public static func makeEngine(lateness: TimeSpan = .seconds(30)) -> SLAEngine {
        SLAEngine(policies: Workload.policies, settings: .init(allowedLateness: lateness))
    }

    /// Runs `lines` through `engine` (from ``makeEngine(lateness:)``: the caller creates and
    /// drops it outside the measurement); returns the alerts.
    public static func run(_ lines: [[UInt8]], through engine: inout SLAEngine, lateness: TimeSpan = .seconds(30))
        -> Int
    {
        let decoder = EventDecoder(
            maxEventBytes: 65536, maxFutureSkew: nil, projection: EventProjection(for: Workload.policies))
        var maxSeen = Timestamp.distantPast
        var alerts = 0
        var batch = EventBatch(capacity: 32)
        var i = 0
        for n in lines.indices {
            _ = lines[n].withUnsafeBytes { batch.decode($0, with: decoder, now: nil) }
            guard batch.isFull || n == lines.count - 1 else { continue }
            batch.warm(&engine)
            for k in 0..<batch.count {
                let at = batch.occurredAt(k)
                if at > maxSeen { maxSeen = at }
                if i & 15 == 0 {
                    engine.advance(to: maxSeen - lateness)
                    alerts &+= engine.drainAlerts().count
                }
                batch.apply(k, to: &engine)
                i += 1
            }
            batch.removeAll()
        }
        return alerts
    }
}
