/// Customer responses that open no concern ("thanks!", a lone emoji). STUB: replaced by the
/// policy-loader work (POSIX extended regular expressions, case-insensitive).
public struct IgnoreRules: Sendable {
    /// The patterns as written in the configuration.
    public var textMatches: [String]

    public init(textMatches: [String] = []) { self.textMatches = textMatches }

    /// Whether a customer response with this text opens no concern.
    public func ignores(text: String?) -> Bool { false }
}
