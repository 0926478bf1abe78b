import KafkaClient
import Synchronization

/// Writes test input one record per Kafka transaction: noida-db keeps *committed transactions*
/// across a `kill -9` of the broker, not every acknowledged plain produce (those can be lost with
/// the process, which would change the input under the test). A failed transaction is aborted,
/// or the producer re-created when the failure was fatal (noida forgets producer sequence
/// numbers on restart), and the record sent again: its transaction never committed.
final class TransactionalInput: Sendable {
    private let producer: Mutex<KafkaTransactionalProducer>

    init(bootstrap: String, id: String) throws {
        let p = try KafkaTransactionalProducer(
            configuration: KafkaConfiguration([
                "bootstrap.servers": bootstrap, "transactional.id": id, "linger.ms": "1",
                "reconnect.backoff.ms": "50", "reconnect.backoff.max.ms": "500", "transaction.timeout.ms": "10000",
            ]),
            logger: DaemonTests.logger)
        try p.initTransactions(timeout: .seconds(30))
        producer = Mutex(p)
    }

    /// Commits `record` in its own transaction (blocking; bounded retries).
    func send(_ record: KafkaProducerRecord) async throws {
        try await DedicatedThread.run(name: "test-input") { () throws -> Void in
            try self.producer.withLock { p in
                var attempt = 0
                while true {
                    do throws(KafkaError) {
                        try p.beginTransaction()
                        try p.enqueue(record)
                        try p.commitTransaction(timeout: .seconds(10))
                        return
                    } catch {
                        attempt += 1
                        guard attempt < 10 else { throw error }
                        if !error.isFatal, (try? p.abortTransaction(timeout: .seconds(10))) != nil { continue }
                        p = try p.reinitialized(timeout: .seconds(30))
                    }
                }
            }
        }
    }

    func shutdown() { producer.withLock { $0.shutdown() } }
}
