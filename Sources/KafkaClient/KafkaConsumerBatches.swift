import Dispatch

/// The async sequence returned by ``KafkaConsumer/batches(maxMessages:pollTimeout:)``.
///
/// Each element is a non-empty batch. The feeding thread waits for the reader when two
/// batches are already buffered (back-pressure). Dropping the iterator stops the thread.
public struct KafkaConsumerBatches: AsyncSequence, Sendable {
    /// A batch of records.
    public typealias Element = [KafkaConsumerMessage]

    static let bufferedBatches = 2

    static func makeCredits() -> DispatchSemaphore {
        DispatchSemaphore(value: bufferedBatches)
    }

    let stream: AsyncThrowingStream<[KafkaConsumerMessage], any Error>
    let credits: DispatchSemaphore

    /// The iterator; returns `nil` after the consumer is closed.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: AsyncThrowingStream<[KafkaConsumerMessage], any Error>.AsyncIterator
        let credits: DispatchSemaphore

        /// The next batch, `nil` at the end; throws a fatal ``KafkaError``.
        public mutating func next() async throws -> [KafkaConsumerMessage]? {
            let batch = try await base.next()
            if batch != nil { credits.signal() }
            return batch
        }
    }

    /// Creates the iterator (one per sequence).
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: stream.makeAsyncIterator(), credits: credits)
    }
}
