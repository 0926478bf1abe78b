/// A small streaming JSON writer that appends UTF-8 to a byte buffer (for alerts).
///
/// Commas are inserted automatically; the writer trusts the call sequence (a `key` before each
/// object member value, balanced `begin`/`end`) and does not check it. Strings are escaped per
/// RFC 8259: `"` and `\`, control characters as `\n \r \t \b \f` or `\u00XX`, and U+2028/U+2029
/// as `\u2028`/`\u2029` (safe to embed in JavaScript); everything else is written as raw UTF-8.
///
/// ```swift
/// var w = JSONWriter()
/// w.beginObject(); w.key("id"); w.string("a-1"); w.key("n"); w.int(2); w.endObject()
/// w.string  // {"id":"a-1","n":2}
/// ```
public struct JSONWriter: Sendable {
    /// The JSON written so far.
    public var bytes: [UInt8]
    /// Whether the next value or key needs a comma before it.
    private var needsComma = false

    /// Creates an empty writer, reserving `capacity` bytes.
    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// The JSON written so far, as a string.
    public var string: String { String(decoding: bytes, as: UTF8.self) }

    @inline(__always) private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    /// Starts an object (`{`).
    public mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
    }

    /// Ends the current object (`}`).
    public mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    /// Starts an array (`[`).
    public mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
        needsComma = false
    }

    /// Ends the current array (`]`).
    public mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// Writes an object member name and the `:`; the next call writes its value.
    public mutating func key(_ name: String) {
        separate()
        appendQuoted(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    /// Writes an object member name that needs no escaping — ASCII without `"`, `\` or control
    /// characters, such as the fixed names of a schema — and the `:`, copying it as it is.
    public mutating func key(ascii name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    /// Ends a top-level value with a newline (JSON Lines): the next value starts a new line,
    /// with no comma before it.
    public mutating func newline() {
        bytes.append(0x0A)
        needsComma = false
    }

    /// Empties the writer, keeping its buffer (for output written out in blocks).
    public mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        needsComma = false
    }

    /// Writes a string value.
    public mutating func string(_ value: String) {
        separate()
        appendQuoted(value)
        needsComma = true
    }

    /// Writes an integer value.
    public mutating func int(_ value: Int64) {
        separate()
        if value == 0 {
            bytes.append(UInt8(ascii: "0"))
        } else {
            var v = value.magnitude
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
                var i = 20
                while v != 0 {
                    i -= 1
                    digits[i] = UInt8(truncatingIfNeeded: v % 10) &+ 48
                    v /= 10
                }
                if value < 0 { bytes.append(UInt8(ascii: "-")) }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[i...]))
            }
        }
        needsComma = true
    }

    /// Writes an integer value.
    public mutating func int(_ value: Int) { int(Int64(value)) }

    /// Writes `true` or `false`.
    public mutating func bool(_ value: Bool) {
        separate()
        bytes.append(contentsOf: value ? "true".utf8 : "false".utf8)
        needsComma = true
    }

    /// Writes `null`.
    public mutating func null() {
        separate()
        bytes.append(contentsOf: "null".utf8)
        needsComma = true
    }

    /// Writes an instant as an RFC 3339 UTC string with milliseconds (``RFC3339/format(_:)``).
    public mutating func timestamp(_ t: Timestamp) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        RFC3339.format(t, into: &bytes)
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    // MARK: Escaping

    /// The string quoted and escaped (``JSONEscape``), appended in one piece.
    private mutating func appendQuoted(_ s: String) {
        appendWritten(maxBytes: JSONEscape.quotedBound(utf8Count: s.utf8.count)) { $0.quoted(s) }
    }

    /// Appends a JSON value of at most `maxBytes` bytes that `write` writes through the
    /// ``JSONCursor`` it is given, after a comma when one is due.
    mutating func value(maxBytes: Int, _ write: (inout JSONCursor) -> Void) {
        separate()
        appendWritten(maxBytes: maxBytes, write)
        needsComma = true
    }

    /// Appends what `write` writes through a ``JSONCursor`` into scratch space of `maxBytes`.
    private mutating func appendWritten(maxBytes: Int, _ write: (inout JSONCursor) -> Void) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maxBytes) { scratch in
            let start = scratch.baseAddress!
            var cursor = JSONCursor(start)
            write(&cursor)
            bytes.append(contentsOf: UnsafeBufferPointer(start: start, count: cursor.position - start))
        }
    }

    // MARK: Truncation

    /// `s` cut to at most `maxUTF8Bytes` UTF-8 bytes on a `Character` (grapheme cluster)
    /// boundary, with `…` appended when cut; the ellipsis counts toward the limit. Returns `s`
    /// unchanged when it fits, and `""` when not even the ellipsis fits.
    public static func truncated(_ s: String, maxUTF8Bytes: Int) -> String {
        if s.utf8.count <= maxUTF8Bytes { return s }
        let ellipsis = "…"
        let budget = maxUTF8Bytes - ellipsis.utf8.count
        guard budget >= 0 else { return "" }
        var used = 0
        var end = s.startIndex
        for ch in s {
            let n = ch.utf8.count
            if used + n > budget { break }
            used += n
            end = s.index(after: end)
        }
        return String(s[..<end]) + ellipsis
    }
}
