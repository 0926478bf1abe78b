extension JSONScanner {
    // MARK: Strings

    /// A mask with the high bit set in the first (lowest-addressed) byte of the 8 at `i` that is
    /// `"`, `\` or a control character (< 0x20), and possibly in later bytes; 0 when none is.
    /// Only the lowest set bit is exact (borrows can mark bytes after a real match).
    @inline(__always) func specialBytes(at i: Int) -> UInt64 {
        let w = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self))
        let ones: UInt64 = 0x0101_0101_0101_0101
        let quote = w ^ (ones &* 0x22)
        let slash = w ^ (ones &* 0x5C)
        let hasQuote = (quote &- ones) & ~quote
        let hasSlash = (slash &- ones) & ~slash
        let hasControl = (w &- ones &* 0x20) & ~w
        return (hasQuote | hasSlash | hasControl) & 0x8080_8080_8080_8080
    }

    /// Reads a string literal starting at the opening quote at ``pos``, validating escapes
    /// (including `\uXXXX` surrogate pairs) and rejecting raw control characters.
    @inline(__always)
    mutating func scanString() throws(JSONSyntaxError) -> StringToken {
        let open = pos
        let start = pos &+ 1
        var i = start
        var escapes = false
        while true {
            // Eight bytes at a time up to the first special byte.
            while i &+ 8 <= count {
                let mask = specialBytes(at: i)
                if mask != 0 {
                    i &+= mask.trailingZeroBitCount >> 3
                    break
                }
                i &+= 8
            }
            // Here `i` is at a special byte, or within 8 bytes of the end.
            guard i < count else { throw fail("unterminated string", at: open) }
            let c = byte(i)
            if c == UInt8(ascii: "\"") {
                pos = i &+ 1
                return StringToken(start: start, end: i, hasEscapes: escapes)
            } else if c == UInt8(ascii: "\\") {
                escapes = true
                i = try scanEscape(at: i)
            } else if c < 0x20 {
                throw fail("control character in a string", at: i)
            } else {
                i &+= 1
            }
        }
    }

    /// Validates the escape sequence at `i` (a backslash); returns the offset after it.
    private func scanEscape(at i: Int) throws(JSONSyntaxError) -> Int {
        guard i &+ 1 < count else { throw fail("unterminated string", at: i) }
        switch byte(i &+ 1) {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
            UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            return i &+ 2
        case UInt8(ascii: "u"):
            guard let unit = hex4(at: i &+ 2) else { throw fail("invalid \\u escape", at: i) }
            switch unit {
            case 0xD800...0xDBFF:
                guard i &+ 11 < count, byte(i &+ 6) == UInt8(ascii: "\\"), byte(i &+ 7) == UInt8(ascii: "u"),
                    let low = hex4(at: i &+ 8), (0xDC00...0xDFFF).contains(low)
                else { throw fail("unpaired UTF-16 surrogate in a \\u escape", at: i) }
                return i &+ 12
            case 0xDC00...0xDFFF:
                throw fail("unpaired UTF-16 surrogate in a \\u escape", at: i)
            default:
                return i &+ 6
            }
        default:
            throw fail("invalid escape sequence", at: i)
        }
    }

    /// The value of four hex digits at `i`, or nil.
    private func hex4(at i: Int) -> UInt32? {
        guard i &+ 4 <= count else { return nil }
        var v: UInt32 = 0
        for k in 0..<4 {
            let c = byte(i &+ k)
            let d: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c &- 48
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c &- 87
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c &- 55
            default: return nil
            }
            v = v << 4 | UInt32(d)
        }
        return v
    }

    /// The raw bytes of a token (escapes not resolved).
    @inline(__always) func rawBytes(_ t: StringToken) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base + t.start, count: t.rawCount)
    }

    /// Builds the string value of a token (already validated by ``scanString()``).
    @inline(__always)
    func makeString(_ t: StringToken) -> String {
        if !t.hasEscapes {
            // Measured: `String(decoding:as:)` is ~4× faster than `String(unsafeUninitializedCapacity:)`
            // for short strings (it builds small strings in place).
            let span = UnsafeBufferPointer(
                start: (base + t.start).assumingMemoryBound(to: UInt8.self), count: t.rawCount)
            return String(decoding: span, as: UTF8.self)
        }
        // Unescaping never makes a string longer: `\n` → 1 byte, `\uXXXX` → ≤ 3, a pair → 4.
        return String(unsafeUninitializedCapacity: t.rawCount) { out in unescape(t, into: out.baseAddress!) }
    }

    /// Writes the unescaped value of `t` at `out`; returns the byte count.
    private func unescape(_ t: StringToken, into out: UnsafeMutablePointer<UInt8>) -> Int {
        var i = t.start
        var o = 0
        while i < t.end {
            let c = byte(i)
            guard c == UInt8(ascii: "\\") else {
                out[o] = c
                o &+= 1
                i &+= 1
                continue
            }
            let e = byte(i &+ 1)
            i &+= 2
            let simple: UInt8
            switch e {
            case UInt8(ascii: "b"): simple = 0x08
            case UInt8(ascii: "f"): simple = 0x0C
            case UInt8(ascii: "n"): simple = 0x0A
            case UInt8(ascii: "r"): simple = 0x0D
            case UInt8(ascii: "t"): simple = 0x09
            case UInt8(ascii: "u"):
                var scalar = hex4(at: i) ?? 0xFFFD
                i &+= 4
                if (0xD800...0xDBFF).contains(scalar) {
                    let low = hex4(at: i &+ 2) ?? 0xDC00
                    scalar = 0x10000 &+ ((scalar &- 0xD800) << 10) &+ (low &- 0xDC00)
                    i &+= 6
                }
                o &+= Self.encodeUTF8(scalar, into: out + o)
                continue
            default: simple = e  // `"`, `\`, `/`
            }
            out[o] = simple
            o &+= 1
        }
        return o
    }

    /// Writes `scalar` as UTF-8 at `out`; returns the byte count.
    private static func encodeUTF8(_ scalar: UInt32, into out: UnsafeMutablePointer<UInt8>) -> Int {
        switch scalar {
        case 0..<0x80:
            out[0] = UInt8(scalar)
            return 1
        case 0x80..<0x800:
            out[0] = UInt8(0xC0 | scalar >> 6)
            out[1] = UInt8(0x80 | scalar & 0x3F)
            return 2
        case 0x800..<0x10000:
            out[0] = UInt8(0xE0 | scalar >> 12)
            out[1] = UInt8(0x80 | scalar >> 6 & 0x3F)
            out[2] = UInt8(0x80 | scalar & 0x3F)
            return 3
        default:
            out[0] = UInt8(0xF0 | scalar >> 18)
            out[1] = UInt8(0x80 | scalar >> 12 & 0x3F)
            out[2] = UInt8(0x80 | scalar >> 6 & 0x3F)
            out[3] = UInt8(0x80 | scalar & 0x3F)
            return 4
        }
    }

    /// Whether the token's value equals `literal` (an ASCII name). Compares raw bytes when the
    /// token has no escapes.
    @inline(__always) func equals(_ t: StringToken, _ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        if t.hasEscapes {
            return makeString(t).utf8.elementsEqual(UnsafeBufferPointer(start: literal.utf8Start, count: n))
        }
        return t.rawCount == n && Self.bytesEqual(base + t.start, UnsafeRawPointer(literal.utf8Start), n)
    }

    /// Whether `n` bytes at `a` and `b` are equal, compared a word at a time.
    @inline(__always) static func bytesEqual(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ n: Int) -> Bool {
        if n >= 8 {
            var i = 0
            while i &+ 8 < n {
                if a.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                    != b.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                {
                    return false
                }
                i &+= 8
            }
            return a.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
                == b.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
        }
        if n >= 4 {
            return a.loadUnaligned(as: UInt32.self) == b.loadUnaligned(as: UInt32.self)
                && a.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self)
                    == b.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self)
        }
        for k in 0..<n where a.load(fromByteOffset: k, as: UInt8.self) != b.load(fromByteOffset: k, as: UInt8.self) {
            return false
        }
        return true
    }
}
