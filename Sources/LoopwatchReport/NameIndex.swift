/// Names (of channels, of policies) numbered in the order they are first seen, so that per-event
/// counters live in arrays: a report looks each name up once per event instead of once per
/// dictionary of tallies.
struct NameIndex: Sendable {
    /// The names, by number.
    private(set) var names: [String] = []
    private var numbers: [String: Int] = [:]

    /// How many names are numbered.
    var count: Int { names.count }

    /// The number of `name`, numbering it if new.
    mutating func number(of name: String) -> Int {
        // A few names (the usual channels and policies): comparing short strings beats hashing.
        if names.count <= 8 {
            for n in names.indices where names[n] == name { return n }
        } else if let n = numbers[name] {
            return n
        }
        numbers[name] = names.count
        names.append(name)
        return names.count - 1
    }

    /// The number of `name`, if it has one.
    func existingNumber(of name: String) -> Int? { numbers[name] }
}
