/// One configuration problem, located in the file (SPEC §6: `file:line:column: message`).
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file as given to the loader.
    public var file: String
    /// 1-based line and column of the offending value (0 when unknown).
    public var line: Int
    public var column: Int
    /// Stable code (`invalid_duration`, `unknown_key`, `missing_key`, …).
    public var code: String
    /// What is wrong, naming the key path and the bad value (never a secret).
    public var message: String

    public init(file: String, line: Int, column: Int, code: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.code = code
        self.message = message
    }

    public var description: String { "\(file):\(line):\(column): \(message)" }
}

/// Every problem found in a configuration file, in file order.
public struct ConfigErrors: Error, Sendable, Equatable, CustomStringConvertible {
    public var errors: [ConfigError]

    public init(_ errors: [ConfigError]) { self.errors = errors }

    /// One `file:line:column: message` per line.
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
