import Foundation

/// Response times counted in bins of equal width on a log₁₀ scale — a quarter decade each, from
/// 10^-0.25 s (≈ 0.56 s) to 10^6.75 s (≈ 65 days); shorter and longer times go to the first and
/// the last bin. What the HTML page draws on its log time axis.
public struct ResponseTimeHistogram: Sendable, Equatable {
    /// Bins per decade.
    public static let binsPerDecade = 4
    /// log₁₀(seconds) of the lower edge of the first bin.
    public static let lowerLog10: Double = -0.25
    /// Number of bins.
    public static let binCount = 28

    /// Counts per bin.
    public var counts: [Int]

    /// An empty histogram.
    public init() { counts = Array(repeating: 0, count: Self.binCount) }

    /// The histogram of response times in milliseconds.
    public init<S: Sequence>(millis: S) where S.Element == Int64 {
        self.init()
        for ms in millis { counts[Self.bin(ofMillis: ms)] += 1 }
    }

    /// All counted times.
    public var total: Int { counts.reduce(0, +) }

    /// The bin of a response time.
    public static func bin(ofMillis ms: Int64) -> Int {
        guard ms > 0 else { return 0 }
        let x = (log10(Double(ms) / 1000) - lowerLog10) * Double(binsPerDecade)
        return min(binCount - 1, max(0, Int(x.rounded(.down))))
    }

    /// log₁₀(seconds) of the lower edge of bin `i` (`i == binCount`: the upper edge of the last).
    public static func lowerEdgeLog10(_ i: Int) -> Double { lowerLog10 + Double(i) / Double(binsPerDecade) }
}
