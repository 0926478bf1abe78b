extension ConfigError {
    /// What kind of problem a ``ConfigError`` is; stable, for tools and tests. The description
    /// is the snake_case name (`unknown_key`).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: String, Hashable, Sendable {
            case unreadable
            case empty
            case yamlSyntax = "yaml_syntax"
            case duplicateKey = "duplicate_key"
            case unknownKey = "unknown_key"
            case missingKey = "missing_key"
            case wrongType = "wrong_type"
            case invalidValue = "invalid_value"
            case invalidDuration = "invalid_duration"
            case invalidRegex = "invalid_regex"
            case invalidSubstitution = "invalid_substitution"
            case missingEnv = "missing_env"
            case missingFile = "missing_file"
            case unknownCalendar = "unknown_calendar"
            case duplicateName = "duplicate_name"
        }

        private let backing: Backing

        private init(_ backing: Backing) { self.backing = backing }

        /// The snake_case name (`invalid_duration`).
        public var description: String { backing.rawValue }

        /// The configuration file cannot be read.
        public static let unreadable = Code(.unreadable)
        /// The file holds no document.
        public static let empty = Code(.empty)
        /// The text is not valid YAML.
        public static let yamlSyntax = Code(.yamlSyntax)
        /// A mapping repeats a key.
        public static let duplicateKey = Code(.duplicateKey)
        /// A key the section does not accept (often a typo).
        public static let unknownKey = Code(.unknownKey)
        /// A required key is absent or null.
        public static let missingKey = Code(.missingKey)
        /// A value of the wrong shape (a list where a mapping belongs, text for a number, …).
        public static let wrongType = Code(.wrongType)
        /// A value out of range or not one of the allowed ones.
        public static let invalidValue = Code(.invalidValue)
        /// Not a duration (`15m`), or not positive where it must be.
        public static let invalidDuration = Code(.invalidDuration)
        /// An `ignore.text_matches` pattern that is not a POSIX extended regular expression.
        public static let invalidRegex = Code(.invalidRegex)
        /// A malformed or unknown `${…}`.
        public static let invalidSubstitution = Code(.invalidSubstitution)
        /// `${env:NAME}` names a variable that is not set.
        public static let missingEnv = Code(.missingEnv)
        /// `${file:PATH}` names a file that cannot be read.
        public static let missingFile = Code(.missingFile)
        /// A policy names a calendar that is not defined.
        public static let unknownCalendar = Code(.unknownCalendar)
        /// Two policies have the same name.
        public static let duplicateName = Code(.duplicateName)
    }
}
