#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Customer responses that open no concern ("thanks!", a lone emoji): POSIX extended regular
/// expressions, matched case-insensitively against the text trimmed of surrounding whitespace.
public struct IgnoreRules: Sendable {
    /// The patterns as written in the configuration.
    public let textMatches: [String]
    let compiled: [CompiledRegex]

    /// No rules: nothing is ignored.
    public init() {
        textMatches = []
        compiled = []
    }

    /// Compiles `patterns`; throws the first that is invalid with regcomp's explanation.
    public init(textMatches patterns: [String]) throws(RegexError) {
        var out: [CompiledRegex] = []
        for p in patterns { out.append(try CompiledRegex(p)) }
        textMatches = patterns
        compiled = out
    }

    /// Whether a customer response with this text opens no concern.
    public func ignores(text: String?) -> Bool {
        guard !compiled.isEmpty, let text else { return false }
        let trimmed = text.trimmingASCIIAndUnicodeWhitespace()
        guard !trimmed.isEmpty else { return false }
        return compiled.contains { $0.matches(trimmed) }
    }

    /// A pattern regcomp refused.
    public struct RegexError: Error, Sendable, Equatable {
        public var pattern: String
        public var message: String
    }
}

/// A compiled POSIX ERE. `@unchecked Sendable`: wraps a C `regex_t` that is never mutated after
/// `regcomp`; glibc's `regexec` is thread-safe on a shared compiled pattern.
final class CompiledRegex: @unchecked Sendable {
    private let regex: UnsafeMutablePointer<regex_t>

    init(_ pattern: String) throws(IgnoreRules.RegexError) {
        // Compile into a local first: throwing before `regex` is set means deinit never runs
        // on a pattern regcomp refused.
        let compiled = UnsafeMutablePointer<regex_t>.allocate(capacity: 1)
        compiled.initialize(to: regex_t())
        let rc = regcomp(compiled, pattern, REG_EXTENDED | REG_ICASE | REG_NOSUB)
        guard rc == 0 else {
            var buffer = [CChar](repeating: 0, count: 256)
            regerror(rc, compiled, &buffer, buffer.count)
            compiled.deallocate()
            let message = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw IgnoreRules.RegexError(pattern: pattern, message: message)
        }
        regex = compiled
    }

    deinit {
        regfree(regex)
        regex.deallocate()
    }

    func matches(_ s: String) -> Bool {
        s.withCString { regexec(regex, $0, 0, nil, 0) == 0 }
    }
}

extension String {
    func trimmingASCIIAndUnicodeWhitespace() -> String {
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s = s.dropFirst() }
        while let c = s.last, c.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
