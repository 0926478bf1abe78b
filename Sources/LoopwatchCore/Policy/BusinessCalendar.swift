/// Business hours in an IANA time zone, with holidays. STUB: replaced by the calendar work.
public struct BusinessCalendar: Sendable {
    /// The calendar's name in the configuration.
    public var name: String
    /// IANA time zone identifier.
    public var timeZone: String

    public init(name: String, timeZone: String) {
        self.name = name
        self.timeZone = timeZone
    }

    /// `start` moved forward by `span` of business time.
    public func add(_ span: TimeSpan, to start: Timestamp) -> Timestamp { start + span }

    /// Business time between two instants.
    public func businessTime(from: Timestamp, to: Timestamp) -> TimeSpan { to - from }
}
