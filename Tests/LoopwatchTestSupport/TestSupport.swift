/// Helpers shared by the test targets.

/// Waits for a condition with a bounded timeout (no fixed sleeps in tests); throws when it
/// never holds.
public func waitUntil(timeout: Duration, _ condition: @Sendable () async throws -> Bool) async throws {
    let end = ContinuousClock.now + timeout
    while ContinuousClock.now < end {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    if try await condition() { return }
    throw TimedOut(timeout: timeout)
}

/// A bounded wait that ran out.
public struct TimedOut: Error, CustomStringConvertible {
    public var timeout: Duration
    public var description: String { "condition still false after \(timeout)" }
}

/// SplitMix64: a small deterministic generator for reproducible shuffles and schedules.
public struct SplitMix: RandomNumberGenerator, Sendable {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
