#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An instant on the UTC timeline, in milliseconds since the Unix epoch.
///
/// loopwatch keeps every instant as a plain 64-bit integer: compact in conversation state, cheap to
/// compare and to put in a deadline scheduler. Millisecond precision is what the alert contract
/// (RFC 3339 with milliseconds) and Kafka timestamps carry.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public var millis: Int64

    /// Creates an instant from milliseconds since the Unix epoch.
    @inlinable public init(millis: Int64) { self.millis = millis }

    /// The earliest representable instant; sorts before every real timestamp.
    public static let distantPast = Timestamp(millis: Int64.min / 4)
    /// The latest representable instant; sorts after every real timestamp.
    public static let distantFuture = Timestamp(millis: Int64.max / 4)

    @inlinable public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.millis < rhs.millis }

    /// This instant moved by `span` (plain wall-clock arithmetic, not business time).
    @inlinable public static func + (lhs: Timestamp, rhs: TimeSpan) -> Timestamp {
        Timestamp(millis: lhs.millis &+ rhs.millis)
    }

    /// This instant moved back by `span`.
    @inlinable public static func - (lhs: Timestamp, rhs: TimeSpan) -> Timestamp {
        Timestamp(millis: lhs.millis &- rhs.millis)
    }

    /// The wall-clock span between two instants (`lhs - rhs`).
    @inlinable public static func - (lhs: Timestamp, rhs: Timestamp) -> TimeSpan {
        TimeSpan(millis: lhs.millis &- rhs.millis)
    }

    public var description: String { RFC3339.format(self) }
}

/// A length of time in milliseconds (a duration from the configuration, or business time elapsed).
public struct TimeSpan: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Length in milliseconds; may be negative as an intermediate result.
    public var millis: Int64

    /// Creates a span from milliseconds.
    @inlinable public init(millis: Int64) { self.millis = millis }

    /// Zero length.
    public static let zero = TimeSpan(millis: 0)

    /// `n` seconds.
    @inlinable public static func seconds(_ n: Int64) -> TimeSpan { TimeSpan(millis: n * 1000) }
    /// `n` minutes.
    @inlinable public static func minutes(_ n: Int64) -> TimeSpan { TimeSpan(millis: n * 60_000) }
    /// `n` hours.
    @inlinable public static func hours(_ n: Int64) -> TimeSpan { TimeSpan(millis: n * 3_600_000) }
    /// `n` days of 24 hours.
    @inlinable public static func days(_ n: Int64) -> TimeSpan { TimeSpan(millis: n * 86_400_000) }

    @inlinable public static func < (lhs: TimeSpan, rhs: TimeSpan) -> Bool { lhs.millis < rhs.millis }
    @inlinable public static func + (lhs: TimeSpan, rhs: TimeSpan) -> TimeSpan {
        TimeSpan(millis: lhs.millis &+ rhs.millis)
    }
    @inlinable public static func - (lhs: TimeSpan, rhs: TimeSpan) -> TimeSpan {
        TimeSpan(millis: lhs.millis &- rhs.millis)
    }

    /// Whole seconds, rounded down.
    @inlinable public var wholeSeconds: Int64 { millis >= 0 ? millis / 1000 : -((-millis + 999) / 1000) }

    /// Parses a configuration duration: an integer followed by `ms`, `s`, `m`, `h` or `d`
    /// (`"15m"`, `"100ms"`, `"30d"`); several may be chained (`"1h30m"`). Returns nil when invalid.
    public static func parse(_ text: String) -> TimeSpan? {
        var total: Int64 = 0
        var bytes = Array(text.utf8)[...]
        guard !bytes.isEmpty else { return nil }
        while !bytes.isEmpty {
            var n: Int64 = 0
            var digits = 0
            while let b = bytes.first, b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") {
                let (m, o1) = n.multipliedReportingOverflow(by: 10)
                let (s, o2) = m.addingReportingOverflow(Int64(b - UInt8(ascii: "0")))
                if o1 || o2 { return nil }
                n = s
                digits += 1
                bytes = bytes.dropFirst()
            }
            guard digits > 0 else { return nil }
            let unit: Int64
            if bytes.starts(with: "ms".utf8) {
                unit = 1
                bytes = bytes.dropFirst(2)
            } else if let u = bytes.first {
                switch u {
                case UInt8(ascii: "s"): unit = 1000
                case UInt8(ascii: "m"): unit = 60_000
                case UInt8(ascii: "h"): unit = 3_600_000
                case UInt8(ascii: "d"): unit = 86_400_000
                default: return nil
                }
                bytes = bytes.dropFirst()
            } else {
                return nil
            }
            let (v, o3) = n.multipliedReportingOverflow(by: unit)
            let (t, o4) = total.addingReportingOverflow(v)
            if o3 || o4 { return nil }
            total = t
        }
        return TimeSpan(millis: total)
    }

    /// The shortest configuration spelling of this span (`"15m"`, `"1h30m"`, `"250ms"`).
    public var description: String {
        if millis == 0 { return "0s" }
        var rest = millis < 0 ? -millis : millis
        var out = millis < 0 ? "-" : ""
        for (unit, suffix) in [(Int64(86_400_000), "d"), (3_600_000, "h"), (60_000, "m"), (1000, "s"), (1, "ms")] {
            if rest >= unit {
                out += "\(rest / unit)\(suffix)"
                rest %= unit
            }
        }
        return out
    }
}

extension Timestamp {
    /// The wall clock (CLOCK_REALTIME) in milliseconds.
    public static let wallClock: @Sendable () -> Timestamp = {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Timestamp(millis: Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000)
    }
}
