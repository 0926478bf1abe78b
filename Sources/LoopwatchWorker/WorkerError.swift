/// A worker failure with a stable code and a readable message.
public struct WorkerError: Error, Sendable, CustomStringConvertible {
    /// Stable machine-readable code (`topics_missing`, `not_copartitioned`, …).
    public var code: String
    /// What went wrong and what to do about it.
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
