import ArgumentParser
import Foundation
import LoopwatchCore
import LoopwatchReport

/// `loopwatch report`: the social status of recorded events (SPEC §9) — is the loop closed?
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "The social status of recorded events: how many customer concerns were answered, and how fast.",
        discussion: """
            Runs the events through the policies as replay does and writes, per channel and per \
            policy, the concerns answered within target, late, closed or still open, response-time \
            percentiles, the daily trend and the breaches by hour of week — as one self-contained \
            HTML page (the default) or as JSON. Bad lines are counted and skipped; a summary goes to \
            standard error.
            """
    )

    /// Output format.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case html, json
    }

    @Option(name: .long, help: "The YAML configuration (its policies, calendars and processing settings).")
    var config: String

    @Option(name: .long, help: "Events, one JSON object per line ('-' for standard input).")
    var events: String

    @Option(name: .long, help: "First instant of the period, RFC 3339 (default: the earliest occurred_at).")
    var since: String?

    @Option(
        name: .long,
        help: "Last instant of the period, RFC 3339 (default: the latest occurred_at); later events are not read.")
    var until: String?

    @Option(name: .long, help: "IANA time zone of the heat map and the daily trend.")
    var timezone: String = "UTC"

    @Option(name: .long, help: "html (one self-contained page) or json.")
    var format: Format = .html

    @Option(name: .long, help: "Write the report to this file instead of standard output.")
    var out: String?

    /// EX_CANTCREAT: the output file cannot be written.
    static let cannotCreate = ExitCode(73)

    func validate() throws {
        _ = try options()
    }

    /// The period and zone asked for; a usage error (exit 64) when one is wrong.
    func options(policyNames: [String] = []) throws -> SocialStatusReport.Options {
        func instant(_ flag: String, _ text: String?) throws -> Timestamp? {
            guard let text else { return nil }
            guard let t = RFC3339.parse(text) else {
                throw ValidationError("--\(flag): \"\(text)\" is not an RFC 3339 timestamp with offset")
            }
            return t
        }
        do {
            return try SocialStatusReport.Options(
                since: instant("since", since), until: instant("until", until),
                timeZone: ReportTimeZone(identifier: timezone), policyNames: policyNames)
        } catch let e as ReportError {
            throw ValidationError(e.message)
        }
    }

    func run() throws {
        let loaded = try loadConfigurationOrExit(config, purpose: .offline)
        let options = try options(policyNames: loaded.policies.policies.map(\.name))
        var isDirectory: ObjCBool = false
        if events != "-", FileManager.default.fileExists(atPath: events, isDirectory: &isDirectory),
            isDirectory.boolValue
        {
            StandardError.write("\(events): cannot read: is a directory\n")
            throw ExitStatus.noInput
        }
        guard let reader = LineReader(path: events) else {
            StandardError.write("\(events): cannot open: \(String(cString: strerror(errno)))\n")
            throw ExitStatus.noInput
        }
        let engine = SLAEngine.reporting(policies: loaded.policies, processing: loaded.processing)
        var driver = ReportDriver(engine: engine, processing: loaded.processing, options: options)
        reader.forEachLine { line in driver.feed(line: line) }
        let status = driver.finish()
        var bytes: [UInt8]
        switch format {
        case .json:
            bytes = status.json()
            bytes.append(0x0a)
        case .html:
            bytes = Array(status.html().utf8)
        }
        try write(bytes)
        StandardError.write(Self.describe(driver, status, to: out))
    }

    /// Writes the report to `--out` (through a temporary file renamed into place) or stdout.
    func write(_ bytes: [UInt8]) throws {
        guard let out else {
            FileHandle.standardOutput.write(Data(bytes))
            return
        }
        let temporary = out + ".tmp-\(getpid())"
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: temporary))
            if rename(temporary, out) != 0 {
                let reason = String(cString: strerror(errno))
                unlink(temporary)
                throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: reason])
            }
        } catch {
            StandardError.write("\(out): cannot write the report: \(error.localizedDescription)\n")
            throw Self.cannotCreate
        }
    }

    static func describe(_ d: ReportDriver<SLAEngine>, _ s: SocialStatus, to out: String?) -> String {
        var text = "report: \(d.lines) lines, \(d.events) events, \(s.badEvents) bad"
        if d.afterUntil > 0 { text += ", \(d.afterUntil) after --until (not read)" }
        text += "; \(s.overall.concerns) concerns, \(s.overall.open) open, status \(s.overall.status.rawValue)"
        if let out { text += " → \(out)" }
        return text + "\n"
    }
}
