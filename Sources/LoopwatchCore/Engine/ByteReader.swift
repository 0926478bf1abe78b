/// Bounds-checked reader for the state encoding, over bytes it borrows (valid while it is used).
struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    var index = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    var isAtEnd: Bool { index == bytes.count }
    var remaining: Int { bytes.count - index }

    mutating func u8() throws(StateDecodingError) -> UInt8 {
        guard index < bytes.count else { throw StateDecodingError(code: "truncated", message: "record ends early") }
        defer { index += 1 }
        return bytes[index]
    }

    mutating func varint() throws(StateDecodingError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try u8()
            guard shift < 64 else { throw StateDecodingError(code: "corrupt", message: "varint too long") }
            result |= UInt64(b & 0x7f) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
        }
    }

    mutating func zigzag() throws(StateDecodingError) -> Int64 {
        let v = try varint()
        return Int64(bitPattern: v >> 1) ^ -Int64(bitPattern: v & 1)
    }

    mutating func string() throws(StateDecodingError) -> String {
        let n = try varint()
        guard n <= UInt64(remaining) else { throw StateDecodingError(code: "truncated", message: "string ends early") }
        let s = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[index..<index + Int(n)]), as: UTF8.self)
        index += Int(n)
        return s
    }
}
