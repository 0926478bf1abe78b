import Foundation
import Logging
import LoopwatchCore
import Synchronization

/// swift-log output for a daemon: journald-native under systemd (`<N>` syslog priority
/// prefixes, no timestamps of its own, `key=value` metadata), a human console format otherwise,
/// or one JSON object per line.
public struct LoopwatchLogHandler: LogHandler {
    /// The line format.
    public enum Format: String, Sendable, CaseIterable {
        case console, journal, json

        /// `journal` when started by systemd with stderr connected to the journal, else `console`.
        public static func automatic(environment: [String: String] = ProcessInfo.processInfo.environment) -> Format {
            environment["JOURNAL_STREAM"].map { $0.isEmpty ? .console : .journal } ?? .console
        }
    }

    let label: String
    let format: Format
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    static let output = Mutex(())

    public init(label: String, format: Format, level: Logger.Level) {
        self.label = label
        self.format = format
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        let line = Self.render(
            format: format, level: event.level, label: label, message: "\(event.message)", metadata: merged,
            date: Date())
        Self.output.withLock { _ in
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    /// One formatted line, newline included.
    static func render(
        format: Format, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata, date: Date
    ) -> String {
        let keys = metadata.keys.sorted()
        switch format {
        case .journal:
            var s = "<\(syslogPriority(level))>\(message)"
            for k in keys { s += " \(k)=\(quoted("\(metadata[k]!)"))" }
            return s.replacingOccurrences(of: "\n", with: " ") + "\n"
        case .console:
            var s =
                "\(timestamp(date)) \(level.rawValue.uppercased().padding(toLength: 8, withPad: " ", startingAt: 0))\(label): \(message)"
            for k in keys { s += " \(k)=\(quoted("\(metadata[k]!)"))" }
            return s + "\n"
        case .json:
            var object: [String: String] = [
                "time": timestamp(date), "level": level.rawValue, "logger": label, "message": message,
            ]
            for k in keys where object[k] == nil { object[k] = "\(metadata[k]!)" }
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
            return String(decoding: data, as: UTF8.self) + "\n"
        }
    }

    static func syslogPriority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    static func quoted(_ v: String) -> String {
        v.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" })
            ? "\"\(v.replacingOccurrences(of: "\"", with: "\\\""))\"" : v
    }

    static func timestamp(_ date: Date) -> String {
        RFC3339.format(Timestamp(millis: Int64((date.timeIntervalSince1970 * 1000).rounded(.down))))
    }
}
