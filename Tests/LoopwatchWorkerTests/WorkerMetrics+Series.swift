@testable import LoopwatchWorker

extension WorkerMetrics {
    /// The value of the series `name` — with its labels, as the exposition writes them — in the
    /// Prometheus exposition (``render()``); 0 when it is absent.
    func value(of name: String) -> Int {
        let text = String(decoding: render(), as: UTF8.self)
        for line in text.split(separator: "\n") where line.hasPrefix(name + " ") {
            return Int(Double(line.dropFirst(name.count + 1)) ?? 0)
        }
        return 0
    }
}
