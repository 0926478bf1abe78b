/// FNV-1a 64-bit hashing: stable across processes and versions (unlike `Hasher`), so it can
/// derive alert ids and de-duplication keys that survive restarts.
public struct StableHash: Sendable {
    /// The running hash value.
    public var value: UInt64

    /// Starts a hash; different seeds give independent hash families.
    @inlinable public init(seed: UInt64 = 0xcbf2_9ce4_8422_2325) { value = seed }

    /// Mixes bytes in.
    @inlinable public mutating func combine<S: Sequence>(bytes: S) where S.Element == UInt8 {
        var h = value
        for b in bytes {
            h ^= UInt64(b)
            h &*= 0x0000_0100_0000_01b3
        }
        value = h
    }

    /// Mixes a string's UTF-8 bytes in, followed by a separator so `("ab","c") != ("a","bc")`.
    @inlinable public mutating func combine(_ s: String) {
        var s = s
        s.withUTF8 { combine(bytes: $0) }
        combine(bytes: CollectionOfOne(UInt8(0xff)))
    }

    /// Mixes an integer in (little-endian bytes).
    @inlinable public mutating func combine(_ v: Int64) {
        var x = UInt64(bitPattern: v)
        for _ in 0..<8 {
            combine(bytes: CollectionOfOne(UInt8(truncatingIfNeeded: x)))
            x >>= 8
        }
    }

    /// The FNV-1a hash of a string.
    @inlinable public static func of(_ s: String) -> UInt64 {
        var h = StableHash()
        var s = s
        s.withUTF8 { h.combine(bytes: $0) }
        return h.value
    }

    /// Lower-case hex of a 64-bit value, zero padded to 16 characters.
    public static func hex(_ v: UInt64) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8](repeating: 0, count: 16)
        var x = v
        for i in (0..<16).reversed() {
            out[i] = digits[Int(x & 0xf)]
            x >>= 4
        }
        return String(decoding: out, as: UTF8.self)
    }
}
