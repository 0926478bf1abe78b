/// The string escaping rules of RFC 8259 as loopwatch writes them (``JSONCursor/quoted(_:)``,
/// through which ``JSONWriter`` writes its strings too): `"` and `\`, control characters as `\n \r \t \b \f` or `\u00XX`, U+2028 and
/// U+2029 as `\u2028` / `\u2029` (safe to embed in JavaScript); everything else raw UTF-8.
enum JSONEscape {
    /// The most bytes a string of `utf8Count` UTF-8 bytes takes quoted and escaped (`\u00XX`: six
    /// bytes for one).
    @inline(__always) static func quotedBound(utf8Count: Int) -> Int { 2 &+ 6 &* utf8Count }

    /// The escape of the byte at `i` of `utf8`, if it needs one: the sequence (empty: `\u00XX`
    /// of the byte) and how many bytes it replaces. Nil: copy the byte as it is.
    @inline(__always) static func escape(_ utf8: UnsafeBufferPointer<UInt8>, at i: Int) -> (StaticString, Int)? {
        switch utf8[i] {
        case UInt8(ascii: "\""): ("\\\"", 1)
        case UInt8(ascii: "\\"): ("\\\\", 1)
        case 0x0A: ("\\n", 1)
        case 0x0D: ("\\r", 1)
        case 0x09: ("\\t", 1)
        case 0x08: ("\\b", 1)
        case 0x0C: ("\\f", 1)
        case 0..<0x20: ("", 1)  // \u00XX
        case 0xE2 where i + 2 < utf8.count && utf8[i + 1] == 0x80 && (utf8[i + 2] == 0xA8 || utf8[i + 2] == 0xA9):
            (utf8[i + 2] == 0xA8 ? "\\u2028" : "\\u2029", 3)
        default: nil
        }
    }

    /// Lowercase hex digits of `\u00XX`.
    static let hex: StaticString = "0123456789abcdef"

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
}
