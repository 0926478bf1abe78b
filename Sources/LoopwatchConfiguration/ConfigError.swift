/// One configuration problem, located in the file (SPEC §6: `file:line:column: message`).
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file as given to the loader.
    public var file: String
    /// 1-based line and column of the offending value (0 when unknown).
    public var line: Int
    public var column: Int
    /// What kind of problem this is (``Code/invalidDuration``, ``Code/unknownKey``, …).
    public var code: Code
    /// What is wrong, naming the key path and the bad value (never a secret).
    public var message: String

    public init(file: String, line: Int, column: Int, code: Code, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.code = code
        self.message = message
    }

    /// Always true: a configuration error means exit status 78 (EX_CONFIG, SPEC §6), whatever
    /// its code — so a caller can map it without a list of codes.
    public var isConfigurationError: Bool { true }

    public var description: String { "\(file):\(line):\(column): \(message)" }
}

/// Every problem found in a configuration file, in file order.
public struct ConfigErrors: Error, Sendable, Equatable, CustomStringConvertible {
    public var errors: [ConfigError]

    public init(_ errors: [ConfigError]) { self.errors = errors }

    /// True when any of the problems is a configuration error (so far: always; see
    /// ``ConfigError/isConfigurationError``): exit status 78.
    public var isConfigurationError: Bool { errors.contains(where: \.isConfigurationError) }

    /// One `file:line:column: message` per line.
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
