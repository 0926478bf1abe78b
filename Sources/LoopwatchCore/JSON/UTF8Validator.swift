/// Strict UTF-8 validation (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF)
/// with a word-at-a-time fast path for ASCII.
enum UTF8Validator {
    /// The offset of the first byte that does not start or continue a valid UTF-8 sequence,
    /// or nil when the whole buffer is valid.
    static func firstInvalidOffset(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard let p = bytes.baseAddress else { return nil }
        let n = bytes.count
        var i = 0
        while i < n {
            // ASCII fast path: 16 bytes per step while the high bits are clear.
            while i &+ 16 <= n {
                let a = p.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                let b = p.loadUnaligned(fromByteOffset: i &+ 8, as: UInt64.self)
                if (a | b) & 0x8080_8080_8080_8080 != 0 { break }
                i &+= 16
            }
            guard i < n else { return nil }
            let b0 = p.load(fromByteOffset: i, as: UInt8.self)
            if b0 < 0x80 {
                i &+= 1
                continue
            }
            @inline(__always) func cont(_ k: Int) -> UInt8? {
                guard i &+ k < n else { return nil }
                let c = p.load(fromByteOffset: i &+ k, as: UInt8.self)
                return c & 0xC0 == 0x80 ? c : nil
            }
            switch b0 {
            case 0xC2...0xDF:
                guard cont(1) != nil else { return i }
                i &+= 2
            case 0xE0...0xEF:
                guard let c1 = cont(1), cont(2) != nil else { return i }
                if b0 == 0xE0 && c1 < 0xA0 { return i }  // overlong
                if b0 == 0xED && c1 > 0x9F { return i }  // UTF-16 surrogate
                i &+= 3
            case 0xF0...0xF4:
                guard let c1 = cont(1), cont(2) != nil, cont(3) != nil else { return i }
                if b0 == 0xF0 && c1 < 0x90 { return i }  // overlong
                if b0 == 0xF4 && c1 > 0x8F { return i }  // above U+10FFFF
                i &+= 4
            default:
                return i
            }
        }
        return nil
    }
}
