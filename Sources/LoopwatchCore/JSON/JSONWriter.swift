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

    private mutating func appendQuoted(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { utf8 in
            var runStart = 0
            var i = 0
            let n = utf8.count
            while i < n {
                // Eight bytes at a time while none of them can need escaping (the common case).
                if i &+ 8 <= n,
                    !Self.mayNeedEscape(UnsafeRawPointer(utf8.baseAddress! + i).loadUnaligned(as: UInt64.self))
                {
                    i &+= 8
                    continue
                }
                let c = utf8[i]
                let escape: StaticString?
                var skip = 1
                switch c {
                case UInt8(ascii: "\""): escape = "\\\""
                case UInt8(ascii: "\\"): escape = "\\\\"
                case 0x0A: escape = "\\n"
                case 0x0D: escape = "\\r"
                case 0x09: escape = "\\t"
                case 0x08: escape = "\\b"
                case 0x0C: escape = "\\f"
                case 0..<0x20: escape = ""  // \u00XX below
                case 0xE2 where i + 2 < n && utf8[i + 1] == 0x80 && (utf8[i + 2] == 0xA8 || utf8[i + 2] == 0xA9):
                    escape = utf8[i + 2] == 0xA8 ? "\\u2028" : "\\u2029"
                    skip = 3
                default: escape = nil
                }
                guard let escape else {
                    i += 1
                    continue
                }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<i]))
                if escape.utf8CodeUnitCount > 0 {
                    bytes.append(
                        contentsOf: UnsafeBufferPointer(start: escape.utf8Start, count: escape.utf8CodeUnitCount))
                } else {
                    let hex: StaticString = "0123456789abcdef"
                    bytes.append(contentsOf: "\\u00".utf8)
                    bytes.append(hex.utf8Start[Int(c >> 4)])
                    bytes.append(hex.utf8Start[Int(c & 0xF)])
                }
                i += skip
                runStart = i
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<n]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Whether any of eight bytes is a control character, `"`, `\` or not ASCII (so the
    /// byte-wise check must look at them). Exact as a yes/no: the SWAR "has a byte below n" and
    /// "has a zero byte" tests.
    @inline(__always) static func mayNeedEscape(_ x: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        let control = (x &- ones &* 0x20) & ~x & high
        let q = x ^ (ones &* 0x22)
        let quote = (q &- ones) & ~q & high
        let b = x ^ (ones &* 0x5C)
        let backslash = (b &- ones) & ~b & high
        return (control | quote | backslash | (x & high)) != 0
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
