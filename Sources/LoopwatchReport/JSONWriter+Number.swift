import LoopwatchCore

extension JSONWriter {
    /// Writes a finite floating-point value in its shortest round-trip form (`0.0`, `0.75`,
    /// `912.318`, `0.6666666666666666`); a non-finite one as `null`.
    mutating func number(_ value: Double) {
        // The writer keeps its comma state private: write a placeholder value, then swap it for
        // the digits.
        null()
        guard value.isFinite else { return }
        bytes.removeLast(4)
        bytes.append(contentsOf: value.description.utf8)
    }

    /// Writes `value`, or `null` when nil.
    mutating func number(_ value: Double?) {
        if let value { number(value) } else { null() }
    }

    /// Writes an instant, or `null` when nil.
    mutating func timestamp(_ t: Timestamp?) {
        if let t { timestamp(t) } else { null() }
    }
}
