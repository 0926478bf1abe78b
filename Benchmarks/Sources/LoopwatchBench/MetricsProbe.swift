import LoopwatchWorker

/// Reads counters of a running worker for the benchmark's observer loop.
///
/// One rendering of the registry per call, scanned as bytes: the observer shares the two cores
/// with the worker it measures, and rendering once per counter name and splitting the text into
/// `String`s cost 1.4 cores·s of a 5 s catch-up run (perf, 2026-12-02).
enum MetricsProbe {
    /// The sum over all label sets of each of `names` (Prometheus text exposition), in order.
    static func sums(_ metrics: WorkerMetrics, _ names: [String]) -> [Double] {
        let text = metrics.render()
        let wanted = names.map { Array($0.utf8) }
        var sums = [Double](repeating: 0, count: names.count)
        var lineStart = 0
        while lineStart < text.count {
            var lineEnd = lineStart
            while lineEnd < text.count, text[lineEnd] != 0x0A { lineEnd += 1 }
            if text[lineStart] != 0x23 {  // not a "# HELP" / "# TYPE" line
                for (i, name) in wanted.enumerated() where matches(text, lineStart, lineEnd, name) {
                    sums[i] += lastField(text, lineStart, lineEnd)
                }
            }
            lineStart = lineEnd + 1
        }
        return sums
    }

    /// Whether the line starts with `name` followed by `{` or a space.
    private static func matches(_ text: [UInt8], _ start: Int, _ end: Int, _ name: [UInt8]) -> Bool {
        guard end - start > name.count else { return false }
        for j in name.indices where text[start + j] != name[j] { return false }
        let next = text[start + name.count]
        return next == 0x7B || next == 0x20
    }

    /// The number after the line's last space.
    private static func lastField(_ text: [UInt8], _ start: Int, _ end: Int) -> Double {
        var s = end
        while s > start, text[s - 1] != 0x20 { s -= 1 }
        return Double(String(decoding: text[s..<end], as: UTF8.self)) ?? 0
    }
}
