/// A short UTF-8 text kept inline (40 bytes, no heap block): a conversation's
/// `last_customer_text` preview. Holds up to ``capacity`` bytes; a longer text is cut on a
/// Unicode scalar boundary and ends in `…`.
///
/// Compared to a `String?` this saves the 80-byte heap block per open conversation and the
/// allocation (and release of the previous one) on every customer response.
public struct InlineText: Sendable, Equatable, Comparable {
    /// Bytes the preview can hold.
    public static let capacity = 39
    /// The longest text kept whole: longer ones are cut to this many bytes, then `…`.
    public static let previewBytes = capacity - 3

    // Bytes 0…38 text, byte 39 length (0xFF: none).
    private var w0: UInt64 = 0, w1: UInt64 = 0, w2: UInt64 = 0, w3: UInt64 = 0, w4: UInt64 = 0xFF << 56

    /// No text.
    public init() {}

    /// `text` when it has at most `limit` bytes (and fits), else its first `limit` bytes (at
    /// most ``capacity`` − 3) cut on a scalar boundary and followed by `…`.
    public init(_ text: String, limit: Int) {
        var text = text
        self = text.withUTF8 { InlineText(utf8: UnsafeRawBufferPointer($0), limit: limit) }
    }

    /// ``init(_:limit:)`` over UTF-8 bytes.
    public init(utf8 bytes: UnsafeRawBufferPointer, limit: Int) {
        var n = bytes.count
        var ellipsis = false
        if n > limit || n > Self.capacity {
            n = min(max(0, limit), Self.capacity - 3)
            while n > 0, UTF8.isContinuation(bytes[n]) { n -= 1 }
            ellipsis = true
        }
        withUnsafeMutableBytes(of: &self) { out in
            if n > 0 { out.baseAddress!.copyMemory(from: bytes.baseAddress!, byteCount: n) }
            if ellipsis {
                out[n] = 0xE2
                out[n + 1] = 0x80
                out[n + 2] = 0xA6  // …
                n += 3
            }
            out[Self.capacity] = UInt8(n)
        }
    }

    /// Whether there is a text.
    public var isNone: Bool { w4 >> 56 == 0xFF }

    /// The text, or nil.
    public var string: String? {
        guard !isNone else { return nil }
        var copy = self
        return withUnsafeBytes(of: &copy) { raw in
            String(decoding: raw.prefix(Int(raw[Self.capacity])), as: UTF8.self)
        }
    }

    /// Byte-wise order of the texts (none before any text): a total order for tie-breaking.
    public static func < (l: InlineText, r: InlineText) -> Bool {
        if l.isNone || r.isNone { return l.isNone && !r.isNone }
        var l = l
        var r = r
        return withUnsafeBytes(of: &l) { a in
            withUnsafeBytes(of: &r) { b in
                a.prefix(Int(a[capacity])).lexicographicallyPrecedes(b.prefix(Int(b[capacity])))
            }
        }
    }
}
