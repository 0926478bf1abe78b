/// A report request that cannot be honoured: an unknown time zone, or a period that ends before
/// it starts.
public struct ReportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, as a stable code.
    public enum Code: String, Sendable {
        /// `--timezone` names no IANA time zone.
        case unknownTimeZone = "unknown_time_zone"
        /// `--since` is after `--until`.
        case periodReversed = "period_reversed"
    }

    /// The stable code.
    public var code: Code
    /// One readable line naming the offending value.
    public var message: String

    /// An error with its code and message.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
