import Foundation

/// The one way loopwatch runs blocking work (librdkafka calls, the processing loop) on an OS
/// thread of its own instead of the Swift concurrency pool.
public enum DedicatedThread {
    /// Stack size of every dedicated thread: the processing loop's batches live on it.
    static let stackSize = 8 << 20

    /// Starts `body` on a new thread named `name` and returns at once.
    ///
    /// The kernel keeps at most 15 bytes of a thread's name (what `top -H`, `ps -L` and `perf`
    /// show): a longer name is cut to its first 15 bytes, where a plain `Thread.name` was dropped
    /// and the thread kept its creator's name.
    public static func start(name: String, _ body: @escaping @Sendable () -> Void) {
        let short = String(decoding: name.utf8.prefix(15), as: UTF8.self)
        let thread = Thread {
            // Linux: the thread's own `comm` (`pthread_setname_np` is not exported to Swift).
            try? short.write(toFile: "/proc/thread-self/comm", atomically: false, encoding: .utf8)
            body()
        }
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
