import Synchronization

/// A shareable boolean that only goes from false to true.
final class KafkaStopFlag: Sendable {
    private let value = Atomic<Bool>(false)

    var isSet: Bool { value.load(ordering: .acquiring) }

    func set() { value.store(true, ordering: .releasing) }
}
