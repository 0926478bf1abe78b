/// The waits between attempts to restore a partition whose state topic could not be read:
/// 1 s, doubling, at most 30 s; back to 1 s once every partition is restored.
struct RestoreBackoff: Sendable, Equatable {
    static let first = Duration.seconds(1)
    static let limit = Duration.seconds(30)

    private var current = RestoreBackoff.first

    /// The wait before the next attempt (and the one after it doubles).
    mutating func next() -> Duration {
        defer { current = min(current * 2, Self.limit) }
        return current
    }

    /// Back to the first wait.
    mutating func reset() { current = Self.first }
}
