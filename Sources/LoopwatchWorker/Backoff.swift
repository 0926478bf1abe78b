import Foundation

/// Waits between attempts at something that keeps failing: `first`, doubling, at most `limit`;
/// back to `first` after a success. Every retry loop of the worker uses one.
struct Backoff: Sendable, Equatable {
    let first: Duration
    let limit: Duration
    private var current: Duration

    init(first: Duration, limit: Duration) {
        self.first = first
        self.limit = limit
        current = first
    }

    /// Restoring a partition whose state topic cannot be read: 1 s to 30 s (each attempt can
    /// block the loop for the reader's timeout).
    static var restore: Backoff { Backoff(first: .seconds(1), limit: .seconds(30)) }
    /// Reaching the cluster or the transaction coordinator at start: 500 ms to 30 s.
    static var connect: Backoff { Backoff(first: .milliseconds(500), limit: .seconds(30)) }
    /// Re-creating the producer or rewinding the consumer after a failed transaction: 200 ms to 10 s.
    static var recover: Backoff { Backoff(first: .milliseconds(200), limit: .seconds(10)) }

    /// The wait before the next attempt (and the one after it doubles).
    mutating func next() -> Duration {
        defer { current = min(current * 2, limit) }
        return current
    }

    /// Back to the first wait.
    mutating func reset() { current = first }
}

extension Backoff {
    /// Sleeps the next wait on the calling (dedicated) thread, waking early when `stop` says so.
    mutating func wait(unless stop: () -> Bool) {
        let end = ContinuousClock.now + next()
        while !stop(), ContinuousClock.now < end {
            Thread.sleep(forTimeInterval: 0.05)
        }
    }
}
