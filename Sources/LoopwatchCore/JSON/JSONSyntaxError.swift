/// A JSON syntax error found by ``JSONScanner``: what was wrong, and at which byte offset.
struct JSONSyntaxError: Error, Equatable {
    /// Byte offset into the scanned buffer.
    var offset: Int
    /// A short phrase, e.g. `expected ':' after an object key`.
    var problem: StaticString

    static func == (lhs: JSONSyntaxError, rhs: JSONSyntaxError) -> Bool {
        lhs.offset == rhs.offset && lhs.problem.description == rhs.problem.description
    }

    /// `"<problem> at byte <offset>"`.
    var description: String { "\(problem) at byte \(offset)" }
}
