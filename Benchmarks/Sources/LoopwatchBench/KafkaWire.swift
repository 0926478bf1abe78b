import Foundation

/// A copy of the tests' `KafkaWire` (Tests/LoopwatchTestSupport; this package cannot import test
/// targets): just enough of the Kafka wire protocol to probe noida-db and create its topics
/// (ApiVersions v0, CreateTopics v2: noida-db 0.2.3 advertises v0–v7 but drops the
/// connection on v0 and v1), so the test support needs no Kafka client library.
/// Loopback only, one request per connection, bounded by socket timeouts.
struct KafkaWire {
    let port: UInt16
    var timeout: Duration = .seconds(5)

    /// Whether the broker answers an ApiVersions request without error.
    func apiVersions() throws -> Bool {
        var reader = try roundTrip(apiKey: 18, version: 0, body: [])
        return try reader.int16() == 0
    }

    /// Creates topics (`TOPIC_ALREADY_EXISTS` counts as done); throws on any other error code.
    func createTopics(_ topics: [(name: String, partitions: Int32)], configs: [String: String] = [:]) throws {
        var body: [UInt8] = []
        body.int32(Int32(topics.count))
        for t in topics {
            body.string(t.name)
            body.int32(t.partitions)
            body.int16(1)  // replication factor
            body.int32(0)  // no manual assignment
            body.int32(Int32(configs.count))
            for (k, v) in configs.sorted(by: { $0.key < $1.key }) {
                body.string(k)
                body.string(v)
            }
        }
        body.int32(Int32(timeout.components.seconds * 1000))
        body.append(0)  // validate_only: false
        var reader = try roundTrip(apiKey: 19, version: 2, body: body)
        _ = try reader.int32()  // throttle time
        let count = try reader.int32()
        for _ in 0..<count {
            let name = try reader.string()
            let error = try reader.int16()
            let message = try reader.string()
            guard error == 0 || error == 36 else {
                throw BenchBrokerError("CreateTopics \(name): Kafka error code \(error) \(message)")
            }
        }
    }

    private func roundTrip(apiKey: Int16, version: Int16, body: [UInt8]) throws -> Reader {
        let fd = try connect()
        defer { close(fd) }
        var request: [UInt8] = []
        request.int16(apiKey)
        request.int16(version)
        request.int32(1)  // correlation id
        request.string("loopwatch-bench")
        request += body
        var framed: [UInt8] = []
        framed.int32(Int32(request.count))
        framed += request
        try send(fd, framed)
        var header = Reader(bytes: try receive(fd, count: 4))
        let size = try header.int32()
        var reader = Reader(bytes: try receive(fd, count: Int(size)))
        guard try reader.int32() == 1 else { throw BenchBrokerError("unexpected correlation id") }
        return reader
    }

    private func connect() throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BenchBrokerError("socket: \(String(cString: strerror(errno)))") }
        let seconds = timeout.components.seconds
        var tv = timeval(tv_sec: Int(seconds), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = port.bigEndian
        let ok = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard ok else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw BenchBrokerError("connect 127.0.0.1:\(port): \(message)")
        }
        return fd
    }

    private func send(_ fd: Int32, _ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { throw BenchBrokerError("send: \(String(cString: strerror(errno)))") }
            sent += n
        }
    }

    private func receive(_ fd: Int32, count: Int) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        var got = 0
        while got < count {
            let n = buffer[got...].withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { throw BenchBrokerError("receive: connection closed or timed out") }
            got += n
        }
        return buffer
    }

    struct Reader {
        var bytes: [UInt8]
        var at = 0

        mutating func take(_ n: Int) throws -> ArraySlice<UInt8> {
            guard at + n <= bytes.count else { throw BenchBrokerError("short Kafka response") }
            defer { at += n }
            return bytes[at..<(at + n)]
        }

        mutating func int16() throws -> Int16 {
            Int16(bitPattern: try take(2).reduce(UInt16(0)) { $0 << 8 | UInt16($1) })
        }

        mutating func int32() throws -> Int32 {
            Int32(bitPattern: try take(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        }

        mutating func string() throws -> String {
            let n = try int16()
            return n < 0 ? "" : String(decoding: try take(Int(n)), as: UTF8.self)
        }
    }
}

extension [UInt8] {
    fileprivate mutating func int16(_ v: Int16) {
        append(contentsOf: [UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v)])
    }

    fileprivate mutating func int32(_ v: Int32) {
        append(contentsOf: [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: v >> $0) })
    }

    fileprivate mutating func string(_ s: String) {
        int16(Int16(s.utf8.count))
        append(contentsOf: s.utf8)
    }
}
