import Foundation

/// The one way loopwatch runs blocking work (librdkafka calls, the processing loop) on an OS
/// thread of its own instead of the Swift concurrency pool.
public enum DedicatedThread {
    /// Stack size of every dedicated thread: the processing loop's batches live on it.
    static let stackSize = 8 << 20

    /// Starts `body` on a new thread named `name` and returns at once.
    public static func start(name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread(block: body)
        thread.name = name
        thread.stackSize = stackSize
        thread.start()
    }

    /// Runs `body` on a new thread named `name` and awaits its result.
    public static func run<T: Sendable, E: Error>(
        name: String = "kafka-blocking", _ body: @escaping @Sendable () throws(E) -> T
    ) async throws(E) -> T {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, E>, Never>) in
            start(name: name) {
                do throws(E) {
                    continuation.resume(returning: .success(try body()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }
}
