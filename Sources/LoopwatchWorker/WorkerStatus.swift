import Synchronization

/// What the worker's loops report about themselves, read by `/healthz`, `/readyz`, systemd's
/// watchdog and `STATUS=`. Written from the pipeline thread, read from anywhere.
public final class WorkerStatus: Sendable {
    struct State {
        var ready = false
        var status = "starting"
        var heartbeat = ContinuousClock.now
        var stopped = false
    }

    private let state = Mutex(State())

    public init() {}

    /// True once every assigned partition is restored and being processed.
    public var isReady: Bool { state.withLock { $0.ready } }

    /// One line for `STATUS=` and the logs.
    public var statusLine: String { state.withLock { $0.status } }

    /// Whether the processing loop reported progress within `limit` and has not stopped.
    public func isAlive(within limit: Duration) -> Bool {
        state.withLock { !$0.stopped && ContinuousClock.now - $0.heartbeat < limit }
    }

    func beat() { state.withLock { $0.heartbeat = .now } }

    func set(ready: Bool, status: String) {
        state.withLock {
            $0.ready = ready
            $0.status = status
            $0.heartbeat = .now
        }
    }

    func markStopped() {
        state.withLock {
            $0.stopped = true
            $0.ready = false
        }
    }
}
