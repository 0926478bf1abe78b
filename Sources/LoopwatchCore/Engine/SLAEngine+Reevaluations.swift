extension SLAEngine {
    // MARK: Re-evaluations (restored and reloaded conversations)

    /// Has `slot` evaluated at the next `advance`, before every timer — as a timer armed at
    /// `Int64.min` would be, in slot order, but without a heap entry.
    mutating func armNow(_ slot: Int32) {
        guard store[slot].armed != Int64.min else { return }
        if store[slot].armed != .max { scheduler.cancel(slot) }
        store[slot].armed = Int64.min
        if let last = reevaluations.last, last < slot { reevaluationsSorted = false }
        reevaluations.append(slot)
    }

    /// Evaluates the slots `armNow` queued, in slot order, at most `budget` of them (the rest
    /// stay queued); returns how many it evaluated. A slot freed and reused meanwhile may be
    /// listed twice: only its first visit finds it still marked.
    mutating func runReevaluations(budget: Int = .max) -> Int {
        var slots: [Int32] = []
        swap(&slots, &reevaluations)
        // Sorted descending, so that the next slots in order are taken off the end.
        if !reevaluationsSorted { slots.sort(by: >) }
        var evaluated = 0
        while evaluated < budget, let slot = slots.popLast() {
            guard store[slot].armed == Int64.min else { continue }
            store[slot].armed = .max
            evaluate(slot)
            evaluated += 1
        }
        // Evaluating may queue more (`armNow`): they join the rest, which is then unsorted.
        if !reevaluations.isEmpty {
            slots.append(contentsOf: reevaluations)
            reevaluationsSorted = false
        } else {
            reevaluationsSorted = true
        }
        reevaluations = slots
        return evaluated
    }
}
