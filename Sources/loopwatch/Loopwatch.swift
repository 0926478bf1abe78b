import ArgumentParser
import Foundation
import LoopwatchConfiguration
import LoopwatchCore

/// `loopwatch`: keeps brands honest on social media (SPEC §8).
@main
struct Loopwatch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loopwatch",
        abstract: "Raises an alert when a customer's concern stays unanswered past its SLA.",
        version: LoopwatchVersion.string,
        subcommands: [
            RunCommand.self, CheckConfigCommand.self, TopicsCommand.self, ReplayCommand.self, ReportCommand.self,
            DemoCommand.self,
        ]
    )
}

/// The version printed by `--version`.
enum LoopwatchVersion {
    static let string = "0.1.0"
}

/// Exit statuses shared by the commands (sysexits.h where one fits).
enum ExitStatus {
    /// EX_CONFIG: the configuration is invalid.
    static let badConfig = ExitCode(78)
    /// EX_NOINPUT: an input file cannot be opened.
    static let noInput = ExitCode(66)
}

/// Loads a configuration for a command: on any error prints every `file:line:column: message`
/// to standard error and exits 78 (SPEC §6). Kafka-free commands load it `.offline` (the
/// broker's credentials in `kafka.properties` need not be present), the others `.full`.
func loadConfigurationOrExit(_ path: String, purpose: ConfigLoader.Purpose) throws -> LoopwatchConfig {
    do {
        return try ConfigLoader.load(path: path, environment: ProcessInfo.processInfo.environment, purpose: purpose)
    } catch {
        StandardError.write("\(error)\n")
        throw error.isConfigurationError ? ExitStatus.badConfig : ExitCode.failure
    }
}
