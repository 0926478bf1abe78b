import Testing

@testable import LoopwatchWorker

@Suite struct BackoffTests {
    @Test func doublesUpToThirtySecondsAndResets() {
        var b = Backoff.restore
        let waits = (0..<7).map { _ in b.next() }
        #expect(
            waits == [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(16), .seconds(30), .seconds(30)])
        b.reset()
        #expect(b.next() == .seconds(1))
    }
}
