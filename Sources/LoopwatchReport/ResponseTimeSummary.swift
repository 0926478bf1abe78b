/// Response times of one metric in one group (SPEC §9): how many answered concerns, and the
/// nearest-rank percentiles of their response times, in seconds.
public struct ResponseTimeSummary: Sendable, Equatable {
    /// Answered concerns measured.
    public var count: Int
    /// Nearest-rank percentiles and the maximum, in seconds (millisecond precision).
    public var p50: Double
    public var p90: Double
    public var p99: Double
    public var max: Double

    /// A summary with these figures.
    public init(count: Int, p50: Double, p90: Double, p99: Double, max: Double) {
        self.count = count
        self.p50 = p50
        self.p90 = p90
        self.p99 = p99
        self.max = max
    }

    /// The summary of response times given in milliseconds, sorted ascending; nil when empty.
    public init?(sortedMillis values: [Int64]) {
        guard let last = values.last else { return nil }
        func seconds(_ ms: Int64) -> Double { Double(ms) / 1000 }
        count = values.count
        p50 = seconds(values[Self.nearestRank(50, of: values.count) - 1])
        p90 = seconds(values[Self.nearestRank(90, of: values.count) - 1])
        p99 = seconds(values[Self.nearestRank(99, of: values.count) - 1])
        max = seconds(last)
    }

    /// The 1-based nearest rank of the `percent`-th percentile among `n` sorted values:
    /// ⌈percent / 100 × n⌉, at least 1 (exact, in integers).
    public static func nearestRank(_ percent: Int, of n: Int) -> Int {
        Swift.max(1, (percent * n + 99) / 100)
    }
}
