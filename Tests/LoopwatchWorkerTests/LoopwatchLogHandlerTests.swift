import Foundation
import Logging
import Testing

@testable import LoopwatchWorker

@Suite struct LoopwatchLogHandlerTests {
    static let date = Date(timeIntervalSince1970: 1_793_610_000.25)

    @Test func journalLinesCarrySyslogPriorityAndNoTimestamp() {
        let line = LoopwatchLogHandler.render(
            format: .journal, level: .warning, label: "loopwatch", message: "Kafka not reachable; retrying",
            metadata: ["retry_in": "2 seconds", "error": "broker down"], date: Self.date)
        #expect(line == "<4>Kafka not reachable; retrying error=\"broker down\" retry_in=\"2 seconds\"\n")
    }

    @Test func consoleLinesAreForPeople() {
        let line = LoopwatchLogHandler.render(
            format: .console, level: .info, label: "loopwatch", message: "partition restored",
            metadata: ["partition": "3"],
            date: Self.date)
        #expect(line == "2026-11-02T09:00:00.250Z INFO    loopwatch: partition restored partition=3\n")
    }

    @Test func jsonLinesAreOneObjectEach() throws {
        let line = LoopwatchLogHandler.render(
            format: .json, level: .error, label: "loopwatch", message: "commit failed", metadata: ["error": "fenced"],
            date: Self.date)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(
            object == [
                "time": "2026-11-02T09:00:00.250Z", "level": "error", "logger": "loopwatch", "message": "commit failed",
                "error": "fenced",
            ])
    }

    @Test func journalFormatIsChosenUnderSystemd() {
        #expect(LoopwatchLogHandler.Format.automatic(environment: ["JOURNAL_STREAM": "8:12345"]) == .journal)
        #expect(LoopwatchLogHandler.Format.automatic(environment: [:]) == .console)
    }

    @Test(arguments: [(Logger.Level.critical, 2), (.error, 3), (.warning, 4), (.notice, 5), (.info, 6), (.debug, 7)])
    func syslogPriorities(level: Logger.Level, priority: Int) {
        #expect(LoopwatchLogHandler.syslogPriority(level) == priority)
    }
}
