import Foundation
import Synchronization

/// A dedicated OS thread running a polling loop until ``stop()`` is called.
///
/// Blocking librdkafka calls (`rd_kafka_poll`, `rd_kafka_consume_batch_queue`)
/// run here rather than on the Swift concurrency pool.
final class KafkaPollThread: Sendable {
    private let stopRequested = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    private let threadID = Mutex<pthread_t?>(nil)

    /// Starts a thread running `body`, which must return soon after `shouldStop()` becomes true.
    init(name: String, body: @escaping @Sendable (_ shouldStop: @Sendable () -> Bool) -> Void) {
        DedicatedThread.start(name: name) { [self] in
            threadID.withLock { $0 = pthread_self() }
            body { self.stopRequested.load(ordering: .acquiring) }
            finished.signal()
        }
    }

    /// Whether a stop was requested.
    var isStopping: Bool { stopRequested.load(ordering: .acquiring) }

    /// Requests the loop to end and waits for the thread to finish (unless called from the thread itself).
    func stop() {
        guard !stopRequested.exchange(true, ordering: .acquiringAndReleasing) else {
            return
        }
        let onSelf = threadID.withLock { id in id.map { pthread_equal($0, pthread_self()) != 0 } ?? false }
        if !onSelf {
            finished.wait()
            finished.signal()  // let concurrent/later waiters through
        }
    }
}
