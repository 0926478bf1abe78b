import ArgumentParser
import Foundation
import LoopwatchCore

/// `loopwatch check-config FILE`: validates a configuration (exit 0 valid, 78 invalid).
struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate a configuration file; errors are printed as file:line:column: message."
    )

    @Argument(help: "The YAML configuration file.")
    var file: String

    func run() throws {
        let config = try loadConfigurationOrExit(file, purpose: .full)
        let policies = config.policies.policies
        print(
            "\(file): OK — \(policies.count) \(policies.count == 1 ? "policy" : "policies") "
                + "(\(policies.map(\.name).joined(separator: ", "))), "
                + "\(config.calendars.count) \(config.calendars.count == 1 ? "calendar" : "calendars"), "
                + "input topics \(config.kafka.inputTopics.joined(separator: ", "))")
    }
}

/// Unbuffered writes to standard error.
enum StandardError {
    static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
