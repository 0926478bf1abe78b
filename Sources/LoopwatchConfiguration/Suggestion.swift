/// "Did you mean …?" for a misspelt key.
enum Suggestion {
    /// The candidate closest to `key`, if it is close enough to be a likely typo (an edit distance
    /// of at most 2, or a third of the key's length for long keys).
    static func closest(to key: String, among candidates: [String]) -> String? {
        let scored = candidates.map { ($0, editDistance(key, $0)) }.min { $0.1 < $1.1 }
        guard let best = scored, best.1 <= max(2, key.count / 3) else { return nil }
        return best.0
    }

    /// The Levenshtein distance between `a` and `b` (insertions, deletions, substitutions).
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var row = Array(0...b.count)
        for i in 1...a.count {
            var previous = row[0]
            row[0] = i
            for j in 1...b.count {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return row[b.count]
    }
}
