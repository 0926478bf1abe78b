import CRdKafka

#if canImport(Glibc)
    import Glibc
#endif

/// Which kind of client a librdkafka property applies to — the `C/P` column of librdkafka's
/// own property table, read once from the linked library (`rd_kafka_conf_properties_show`), so
/// it is always the one of the version in use.
public enum KafkaPropertyScope: Sendable, Hashable {
    /// Consumers and producers alike (`*`).
    case any
    /// Consumers only (`C`): `group.instance.id`, `session.timeout.ms`, `isolation.level`, …
    case consumer
    /// Producers only (`P`): `transactional.id`, `linger.ms`, `acks`, …
    case producer
    /// Not a property of this librdkafka (left for `rd_kafka_conf_set` to reject).
    case unknown

    /// The scope of property `key`.
    public init(of key: String) {
        self = Self.table[key] ?? .unknown
    }

    /// Whether a property of this scope belongs in a client of `kind`.
    public func applies(to kind: KafkaPropertyScope) -> Bool {
        self == .any || self == .unknown || self == kind
    }

    private static let table: [String: KafkaPropertyScope] = {
        var buffer: UnsafeMutablePointer<CChar>? = nil
        var size = 0
        guard let stream = open_memstream(&buffer, &size) else { return [:] }
        rd_kafka_conf_properties_show(stream)
        fclose(stream)
        defer { free(buffer) }
        guard let buffer else { return [:] }
        var table: [String: KafkaPropertyScope] = [:]
        for line in String(cString: buffer).split(separator: "\n") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false)
            guard cells.count > 2 else { continue }
            let name = String(trimmed(cells[0]))
            switch trimmed(cells[1]) {
            case "*": table[name] = .any
            case "C": table[name] = .consumer
            case "P": table[name] = .producer
            default: continue
            }
        }
        return table
    }()

    private static func trimmed(_ cell: Substring) -> Substring {
        var s = cell
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return s
    }
}

extension KafkaConfiguration {
    /// This configuration without the properties that do not apply to a client of `kind`
    /// (`.consumer` or `.producer`): librdkafka warns (`CONFWARN`) about each one it ignores.
    public func only(for kind: KafkaPropertyScope) -> KafkaConfiguration {
        var copy = self
        for (key, _) in entries where !KafkaPropertyScope(of: key).applies(to: kind) {
            copy[key] = nil
        }
        return copy
    }
}
