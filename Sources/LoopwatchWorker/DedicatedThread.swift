import Foundation

/// Runs blocking work on its own OS thread and awaits it from async code, so librdkafka's
/// blocking calls never occupy the Swift concurrency pool.
public enum DedicatedThread {
    /// Runs `body` on a new thread named `name` and returns its result.
    public static func run<T: Sendable>(name: String, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let thread = Thread {
                do {
                    continuation.resume(returning: try body())
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            thread.name = name
            thread.stackSize = 8 << 20
            thread.start()
        }
    }
}
