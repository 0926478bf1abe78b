import PropertyBased
import Testing

@testable import LoopwatchCore

@Suite struct DeadlineSchedulerTests {
    @Test func firesInDeadlineOrderThenKeyOrder() {
        var s = DeadlineScheduler()
        s.schedule(3, at: 50)
        s.schedule(1, at: 10)
        s.schedule(2, at: 50)
        s.schedule(0, at: 30)
        var fired: [Int32] = []
        while let (k, _) = s.popDue(atOrBefore: 100) { fired.append(k) }
        #expect(fired == [1, 0, 2, 3])
        #expect(s.count == 0)
    }

    @Test func rearmAndCancel() {
        var s = DeadlineScheduler()
        s.schedule(7, at: 100)
        s.schedule(8, at: 200)
        s.schedule(7, at: 300)  // moved later
        s.cancel(8)
        #expect(s.popDue(atOrBefore: 250) == nil)
        #expect(s.due(of: 7) == 300)
        s.schedule(7, at: 5)  // moved earlier
        #expect(s.popDue(atOrBefore: 10)?.key == 7)
        #expect(s.due(of: 7) == nil)
        s.cancel(42)  // unknown keys are fine
    }

    @Test func behavesLikeASortedList() async {
        await propertyCheck(count: 200, input: Gen.int(in: 0...1000).array(of: 0...60)) { ops in
            var s = DeadlineScheduler()
            var model: [Int32: Int64] = [:]
            for (i, op) in ops.enumerated() {
                let key = Int32(op % 17)
                if op % 5 == 0 {
                    s.cancel(key)
                    model[key] = nil
                } else {
                    s.schedule(key, at: Int64(op * 7 % 500 + i))
                    model[key] = Int64(op * 7 % 500 + i)
                }
            }
            var fired: [(Int32, Int64)] = []
            while let (k, d) = s.popDue(atOrBefore: .max) { fired.append((k, d)) }
            let expected = model.sorted { ($0.value, $0.key) < ($1.value, $1.key) }
            #expect(fired.map(\.0) == expected.map(\.key))
            #expect(fired.map(\.1) == expected.map(\.value))
        }
    }
}
