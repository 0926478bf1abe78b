import Logging
import Synchronization

/// Thread-safe storage of captured log lines.
public final class LineStore: Sendable {
    private let lines = Mutex<[String]>([])
    public init() {}
    public var all: [String] { lines.withLock { $0 } }
    public func append(_ line: String) { lines.withLock { $0.append(line) } }
}

/// A LogHandler recording each message, prefixed by its librdkafka facility when it has one
/// (`CONFWARN: …`).
public struct CapturingLogHandler: LogHandler {
    public let lines: LineStore
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .trace

    public init(lines: LineStore) { self.lines = lines }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let facility = event.metadata?["rdkafka.facility"].map { "\($0): " } ?? ""
        lines.append("\(facility)\(event.message)")
    }
}
