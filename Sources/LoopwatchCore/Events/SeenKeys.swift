/// The member names of one JSON object seen so far, for duplicate detection without building
/// strings: up to eight unescaped names are kept as spans of the buffer and compared byte-wise;
/// past eight, or once a name has escapes, every name goes into a `Set<String>` (bounded cost on
/// any input, exact on escaped spellings such as `"\u0061"` for `"a"`).
struct SeenKeys {
    private var spans: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
    private var count = 0
    private var names: Set<String>?

    /// Adds a name; false when it was already there.
    mutating func insert(_ key: JSONScanner.StringToken, in s: JSONScanner) -> Bool {
        if names == nil, !key.hasEscapes, count < 8 {
            let n = key.rawCount
            let found = withUnsafeBytes(of: &spans) { raw -> Bool in
                let words = raw.bindMemory(to: UInt64.self)
                for k in 0..<count {
                    let start = Int(words[k] >> 32)
                    let length = Int(words[k] & 0xffff_ffff)
                    if length == n, JSONScanner.bytesEqual(s.base + start, s.base + key.start, n) { return true }
                }
                return false
            }
            if found { return false }
            let word = UInt64(key.start) << 32 | UInt64(n)
            withUnsafeMutableBytes(of: &spans) { $0.storeBytes(of: word, toByteOffset: count &* 8, as: UInt64.self) }
            count &+= 1
            return true
        }
        if names == nil {
            var set = Set<String>()
            withUnsafeBytes(of: &spans) { raw in
                let words = raw.bindMemory(to: UInt64.self)
                for k in 0..<count {
                    let start = Int(words[k] >> 32)
                    let length = Int(words[k] & 0xffff_ffff)
                    set.insert(
                        s.makeString(JSONScanner.StringToken(start: start, end: start + length, hasEscapes: false)))
                }
            }
            names = set
        }
        return names!.insert(s.makeString(key)).inserted
    }
}
