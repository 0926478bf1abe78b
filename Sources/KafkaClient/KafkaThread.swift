import Foundation

/// Runs blocking Kafka calls (transactions, `close()`, `commit`, `poll`) from async code
/// on a fresh dedicated thread instead of the Swift concurrency pool.
public enum KafkaThread {
    /// Runs `body` on a new OS thread and returns its result.
    public static func run<T: Sendable>(
        name: String = "kafka-blocking",
        _ body: @escaping @Sendable () throws(KafkaError) -> T
    ) async throws(KafkaError) -> T {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, KafkaError>, Never>) in
            let thread = Thread {
                do throws(KafkaError) {
                    continuation.resume(returning: .success(try body()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
            thread.name = name
            thread.start()
        }
        return try result.get()
    }
}
