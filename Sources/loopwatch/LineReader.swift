import Foundation
import LoopwatchCore

/// Reads a file (or standard input) line by line in large blocks, handing each line's bytes
/// (without the newline) to a closure without copying it into a `String`.
final class LineReader {
    private let fd: Int32
    private let ownsFD: Bool

    /// Opens `path` (`-` is standard input); nil when it cannot be opened (errno is set).
    init?(path: String) {
        if path == "-" {
            fd = 0
            ownsFD = false
        } else {
            let f = open(path, O_RDONLY)
            guard f >= 0 else { return nil }
            fd = f
            ownsFD = true
        }
    }

    deinit { if ownsFD { close(fd) } }

    /// Calls `body` for every line; a last line without a newline counts too.
    func forEachLine(_ body: (UnsafeRawBufferPointer) -> Void) {
        let blockSize = 1 << 20
        var buffer = [UInt8](repeating: 0, count: blockSize)
        var filled = 0
        while true {
            if filled == buffer.count { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
            let n = buffer.withUnsafeMutableBytes { raw in
                read(fd, raw.baseAddress! + filled, raw.count - filled)
            }
            if n < 0 {
                if errno == EINTR { continue }
                break
            }
            if n == 0 { break }
            filled += n
            let consumed = buffer.withUnsafeBytes { raw -> Int in
                var start = 0
                var i = 0
                while let nl = memchr(raw.baseAddress! + i, 0x0a, filled - i) {
                    let end = raw.baseAddress!.distance(to: UnsafeRawPointer(nl))
                    body(UnsafeRawBufferPointer(rebasing: raw[start..<end]))
                    start = end + 1
                    i = start
                }
                return start
            }
            if consumed > 0 {
                buffer.withUnsafeMutableBytes { raw in
                    _ = memmove(raw.baseAddress!, raw.baseAddress! + consumed, filled - consumed)
                }
                filled -= consumed
            }
        }
        if filled > 0 {
            buffer.withUnsafeBytes { raw in body(UnsafeRawBufferPointer(rebasing: raw[0..<filled])) }
        }
    }
}

/// A 1 MiB buffer in front of standard output that alerts are encoded straight into, one
/// CloudEvent JSON per line (no per-alert array, no copy).
struct OutputBuffer {
    static let flushAt = 1 << 20
    private var writer = JSONWriter(capacity: OutputBuffer.flushAt + 64 * 1024)

    /// Appends `alert` as one line; writes the buffer out once it holds 1 MiB.
    mutating func write(_ alert: Alert, with encoder: AlertEncoder) {
        encoder.encode(alert, into: &writer)
        writer.newline()
        if writer.bytes.count >= Self.flushAt { flush() }
    }

    /// Writes everything buffered to standard output.
    mutating func flush() {
        var offset = 0
        writer.bytes.withUnsafeBytes { raw in
            while offset < raw.count {
                let n = Foundation.write(1, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 {
                    if n < 0, errno == EINTR { continue }
                    return
                }
                offset += n
            }
        }
        writer.removeAll()
    }
}
