import ArgumentParser
import Foundation
import LoopwatchConfiguration
import LoopwatchCore

/// `loopwatch replay`: what the policies would have flagged for recorded events (no Kafka).
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Run recorded events through the policies on an event-time clock and print the alerts.",
        discussion: """
            Alerts go to standard output, one CloudEvent JSON per line; a summary goes to standard \
            error. Bad lines are counted and skipped. At the end of input the clock advances to \
            --until (default: the latest occurred_at).
            """
    )

    @Option(name: .long, help: "The YAML configuration (its policies, calendars and processing settings).")
    var config: String

    @Option(name: .long, help: "Events, one JSON object per line ('-' for standard input).")
    var events: String

    @Option(name: .long, help: "Advance the clock to this RFC 3339 instant at the end of input.")
    var until: String?

    func run() throws {
        let loaded = try loadConfigurationOrExit(config, purpose: .offline)
        var untilInstant: Timestamp? = nil
        if let until {
            guard let t = RFC3339.parse(until) else {
                throw ValidationError("--until: \"\(until)\" is not an RFC 3339 timestamp with offset")
            }
            untilInstant = t
        }
        guard let reader = LineReader(path: events) else {
            StandardError.write("\(events): cannot open: \(String(cString: strerror(errno)))\n")
            throw ExitStatus.noInput
        }
        let started = ContinuousClock.now
        var driver = ReplayDriver(policies: loaded.policies, processing: loaded.processing)
        let encoder = AlertEncoder(groupID: loaded.kafka.groupID)
        var out = OutputBuffer()
        reader.forEachLine { line in driver.feed(line: line) { out.write($0, with: encoder) } }
        driver.finish(until: untilInstant) { out.write($0, with: encoder) }
        out.flush()
        let elapsed = ContinuousClock.now - started
        StandardError.write(Self.describe(driver.summary, elapsed: elapsed, file: events))
    }

    static func describe(_ s: ReplayDriver.Summary, elapsed: Duration, file: String) -> String {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let bad = s.badEvents.values.reduce(0, +)
        let alerts = s.alerts.values.reduce(0, +)
        var text = "replay: \(s.lines) lines, \(s.events) events, \(bad) bad, \(alerts) alerts"
        if seconds > 0 { text += String(format: " in %.2fs (%.0f lines/s)", seconds, Double(s.lines) / seconds) }
        text += "\n"
        if !s.alerts.isEmpty {
            text +=
                "  alerts: "
                + Alert.Kind.allCases.compactMap { k in s.alerts[k].map { "\(k.name) \($0)" } }
                .joined(separator: ", ") + "\n"
        }
        if !s.results.isEmpty {
            text +=
                "  events: "
                + SLAEngine.ApplyResult.allCases.compactMap { r in s.results[r].map { "\(r.name) \($0)" } }
                .joined(separator: ", ") + "\n"
        }
        if bad > 0 {
            text +=
                "  bad: "
                + BadEventReason.allCases.compactMap { r in s.badEvents[r].map { "\(r.rawValue) \($0)" } }
                .joined(separator: ", ") + "\n"
            for (line, error) in s.firstBadLines { text += "  \(file):\(line): \(error)\n" }
        }
        text += "  conversations held \(s.conversations), open concerns \(s.openConcerns)"
        if let t = s.latestOccurredAt { text += ", latest occurred_at \(t)" }
        return text + "\n"
    }
}
