/// Writes JSON straight into memory the caller has sized, with no capacity or uniqueness check
/// per piece: for a document whose shape is fixed (an alert), where the caller adds up the bound
/// of what it writes first (``JSONEscape/quotedBound(utf8Count:)`` for each string, ``intBound``,
/// ``timestampBound``, the fixed text). Strings are escaped as ``JSONWriter`` escapes them
/// (``JSONEscape``). Commas and colons are the caller's: fixed text carries them.
struct JSONCursor {
    /// The next byte to write.
    private(set) var position: UnsafeMutablePointer<UInt8>

    /// The most bytes ``int(_:)`` writes.
    static let intBound = 20
    /// The most bytes ``timestamp(_:)`` writes (quoted).
    static let timestampBound = RFC3339.formattedLength + 2

    init(_ start: UnsafeMutablePointer<UInt8>) { position = start }

    /// Copies `text` as it is (fixed JSON: names, punctuation).
    @inline(__always) mutating func raw(_ text: StaticString) {
        position.update(from: text.utf8Start, count: text.utf8CodeUnitCount)
        position += text.utf8CodeUnitCount
    }

    @inline(__always) private mutating func byte(_ b: UInt8) {
        position.pointee = b
        position += 1
    }

    /// A string value, quoted and escaped.
    mutating func quoted(_ s: String) {
        byte(UInt8(ascii: "\""))
        // A native string lends its bytes without a copy of the String (and its retain).
        if s.utf8.withContiguousStorageIfAvailable({ escaped($0) }) == nil {
            var s = s
            s.withUTF8 { escaped($0) }
        }
        byte(UInt8(ascii: "\""))
    }

    /// `utf8`, escaped.
    @inline(__always) private mutating func escaped(_ utf8: UnsafeBufferPointer<UInt8>) {
        var runStart = 0
        var i = 0
        let n = utf8.count
        while i < n {
            // Eight bytes at a time while none of them can need escaping (the common case).
            if i &+ 8 <= n,
                !JSONEscape.mayNeedEscape(UnsafeRawPointer(utf8.baseAddress! + i).loadUnaligned(as: UInt64.self))
            {
                i &+= 8
                continue
            }
            guard let (escape, skip) = JSONEscape.escape(utf8, at: i) else {
                i += 1
                continue
            }
            copy(utf8, runStart, i)
            if escape.utf8CodeUnitCount > 0 {
                raw(escape)
            } else {
                let c = utf8[i]
                raw("\\u00")
                byte(JSONEscape.hex.utf8Start[Int(c >> 4)])
                byte(JSONEscape.hex.utf8Start[Int(c & 0xF)])
            }
            i += skip
            runStart = i
        }
        copy(utf8, runStart, n)
    }

    @inline(__always) private mutating func copy(_ utf8: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) {
        guard to > from else { return }
        position.update(from: utf8.baseAddress! + from, count: to - from)
        position += to - from
    }

    /// An integer value.
    mutating func int(_ value: Int64) {
        if value == 0 {
            byte(UInt8(ascii: "0"))
            return
        }
        if value < 0 { byte(UInt8(ascii: "-")) }
        var v = value.magnitude
        var digits = 0
        var probe = v
        while probe != 0 {
            digits += 1
            probe /= 10
        }
        var i = digits
        while v != 0 {
            i -= 1
            position[i] = UInt8(truncatingIfNeeded: v % 10) &+ 48
            v /= 10
        }
        position += digits
    }

    /// An instant as a quoted RFC 3339 UTC string with milliseconds (``RFC3339/format(_:)``).
    mutating func timestamp(_ t: Timestamp) {
        byte(UInt8(ascii: "\""))
        RFC3339.write(t, to: position)
        position += RFC3339.formattedLength
        byte(UInt8(ascii: "\""))
    }

    /// `true` or `false`.
    mutating func bool(_ value: Bool) {
        if value { raw("true") } else { raw("false") }
    }
}
