/// A forward-only RFC 8259 tokenizer over a UTF-8 buffer that has already been validated as UTF-8.
///
/// It never builds a tree: callers walk the document with ``beginObject()``, ``nextKey()``,
/// ``afterMember()`` (and the array counterparts), read the tokens they care about and
/// ``skipValue(depth:)`` the rest. String tokens are spans of the buffer; ``makeString(_:)``
/// builds a `String` directly from the span, unescaping only when the span has a backslash.
///
/// The buffer must stay valid and unchanged while the scanner is used.
struct JSONScanner {
    /// The JSON type of a value, for dispatch and for error messages.
    enum ValueKind {
        case string, number, object, array, bool, null

        /// `"a string"`, `"an object"`, … for sentences like "expected a string, found a number".
        var phrase: String {
            switch self {
            case .string: "a string"
            case .number: "a number"
            case .object: "an object"
            case .array: "an array"
            case .bool: "a boolean"
            case .null: "null"
            }
        }
    }

    /// The content of a string literal (without the quotes), as a span of the buffer.
    struct StringToken {
        /// Offset of the first content byte.
        var start: Int
        /// Offset of the closing quote.
        var end: Int
        /// Whether the span contains escape sequences (and so needs unescaping).
        var hasEscapes: Bool

        /// Length of the raw (still escaped) content in bytes.
        var rawCount: Int { end &- start }
    }

    /// Deepest nesting of objects and arrays accepted (the top-level value is depth 1).
    static let maxDepth = 64

    let base: UnsafeRawPointer
    let count: Int
    /// Offset of the next unread byte.
    var pos: Int

    init(base: UnsafeRawPointer, count: Int, pos: Int = 0) {
        self.base = base
        self.count = count
        self.pos = pos
    }

    @inline(__always) func byte(_ i: Int) -> UInt8 { base.load(fromByteOffset: i, as: UInt8.self) }

    /// The next byte, or nil at the end of the buffer.
    @inline(__always) func peek() -> UInt8? { pos < count ? byte(pos) : nil }

    @inline(__always) func fail(_ problem: StaticString, at offset: Int) -> JSONSyntaxError {
        JSONSyntaxError(offset: offset, problem: problem)
    }

    // MARK: Structure

    /// Skips JSON whitespace (space, tab, line feed, carriage return).
    @inline(__always) mutating func skipWhitespace() {
        while pos < count {
            switch byte(pos) {
            case 0x20, 0x0A, 0x0D, 0x09: pos &+= 1
            default: return
            }
        }
    }

    /// The type of the value starting at ``pos`` (after whitespace), without consuming it.
    @inline(__always)
    mutating func kindOfValue() throws(JSONSyntaxError) -> ValueKind {
        guard pos < count else { throw fail("unexpected end of input, expected a value", at: pos) }
        switch byte(pos) {
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        case UInt8(ascii: "n"): return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        default: throw fail("expected a value", at: pos)
        }
    }

    /// Consumes `{` and following whitespace; returns false (having consumed `}` too) when the
    /// object is empty.
    mutating func beginObject() throws(JSONSyntaxError) -> Bool {
        guard peek() == UInt8(ascii: "{") else { throw fail("expected '{'", at: pos) }
        pos &+= 1
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            pos &+= 1
            return false
        }
        return true
    }

    /// Reads a member name and the `:` after it; leaves ``pos`` at the value.
    @inline(__always)
    mutating func nextKey() throws(JSONSyntaxError) -> StringToken {
        guard peek() == UInt8(ascii: "\"") else {
            throw fail(pos < count ? "expected a quoted object key" : "unexpected end of input in an object", at: pos)
        }
        let key = try scanString()
        skipWhitespace()
        guard peek() == UInt8(ascii: ":") else { throw fail("expected ':' after an object key", at: pos) }
        pos &+= 1
        skipWhitespace()
        return key
    }

    /// After a member value: consumes `,` (returns true, positioned at the next key) or `}`
    /// (returns false).
    @inline(__always)
    mutating func afterMember() throws(JSONSyntaxError) -> Bool {
        skipWhitespace()
        guard pos < count else { throw fail("unexpected end of input in an object", at: pos) }
        switch byte(pos) {
        case UInt8(ascii: ","):
            pos &+= 1
            skipWhitespace()
            return true
        case UInt8(ascii: "}"):
            pos &+= 1
            return false
        default:
            throw fail("expected ',' or '}' after an object member", at: pos)
        }
    }

    /// Consumes `[` and following whitespace; returns false (having consumed `]` too) when the
    /// array is empty.
    mutating func beginArray() throws(JSONSyntaxError) -> Bool {
        guard peek() == UInt8(ascii: "[") else { throw fail("expected '['", at: pos) }
        pos &+= 1
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            pos &+= 1
            return false
        }
        return true
    }

    /// After an array element: consumes `,` (returns true, positioned at the next element) or
    /// `]` (returns false).
    mutating func afterElement() throws(JSONSyntaxError) -> Bool {
        skipWhitespace()
        guard pos < count else { throw fail("unexpected end of input in an array", at: pos) }
        switch byte(pos) {
        case UInt8(ascii: ","):
            pos &+= 1
            skipWhitespace()
            return true
        case UInt8(ascii: "]"):
            pos &+= 1
            return false
        default:
            throw fail("expected ',' or ']' after an array element", at: pos)
        }
    }

    /// Skips one complete value of any type, validating it. `depth` is the nesting depth the
    /// value would have if it is an object or array.
    mutating func skipValue(depth: Int) throws(JSONSyntaxError) {
        switch try kindOfValue() {
        case .string:
            _ = try scanString()
        case .number:
            try scanNumber()
        case .bool:
            _ = try scanBool()
        case .null:
            try scanNull()
        case .object:
            guard depth <= Self.maxDepth else { throw fail("objects and arrays nested too deeply", at: pos) }
            guard try beginObject() else { return }
            repeat {
                _ = try nextKey()
                try skipValue(depth: depth &+ 1)
            } while try afterMember()
        case .array:
            guard depth <= Self.maxDepth else { throw fail("objects and arrays nested too deeply", at: pos) }
            guard try beginArray() else { return }
            repeat {
                try skipValue(depth: depth &+ 1)
            } while try afterElement()
        }
    }

    // MARK: Scalars

    /// Reads `true` or `false`.
    mutating func scanBool() throws(JSONSyntaxError) -> Bool {
        if matchLiteral("true") { return true }
        if matchLiteral("false") { return false }
        throw fail("invalid literal", at: pos)
    }

    /// Reads `null`.
    mutating func scanNull() throws(JSONSyntaxError) {
        guard matchLiteral("null") else { throw fail("invalid literal", at: pos) }
    }

    private mutating func matchLiteral(_ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard count &- pos >= n else { return false }
        let lit = literal.utf8Start
        for k in 0..<n where byte(pos &+ k) != lit[k] { return false }
        pos &+= n
        return true
    }

    /// Reads a number: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    mutating func scanNumber() throws(JSONSyntaxError) {
        var i = pos
        @inline(__always) func isDigit(_ i: Int) -> Bool { i < count && byte(i) &- 48 <= 9 }
        if i < count && byte(i) == UInt8(ascii: "-") { i &+= 1 }
        guard isDigit(i) else { throw fail("invalid number: expected a digit", at: i) }
        if byte(i) == UInt8(ascii: "0") {
            i &+= 1
        } else {
            while isDigit(i) { i &+= 1 }
        }
        if i < count && byte(i) == UInt8(ascii: ".") {
            i &+= 1
            guard isDigit(i) else { throw fail("invalid number: expected a digit after '.'", at: i) }
            while isDigit(i) { i &+= 1 }
        }
        if i < count && (byte(i) | 0x20) == UInt8(ascii: "e") {
            i &+= 1
            if i < count && (byte(i) == UInt8(ascii: "+") || byte(i) == UInt8(ascii: "-")) { i &+= 1 }
            guard isDigit(i) else { throw fail("invalid number: expected a digit in the exponent", at: i) }
            while isDigit(i) { i &+= 1 }
        }
        pos = i
    }
}
