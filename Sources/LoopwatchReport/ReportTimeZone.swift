import Foundation
import LoopwatchCore

/// The IANA time zone a report is drawn in (`--timezone`, default UTC): which local day a concern
/// started on and which hour of the week a breach fell in (DST respected).
public struct ReportTimeZone: Sendable, Equatable {
    /// The identifier as given (`Asia/Qatar`).
    public let identifier: String
    private let zone: TimeZone
    /// UTC: every offset is 0 (no Foundation call per instant).
    private let isUTC: Bool

    /// UTC.
    public static let utc = ReportTimeZone(zone: TimeZone(secondsFromGMT: 0)!, identifier: "UTC")

    private init(zone: TimeZone, identifier: String) {
        self.zone = zone
        self.identifier = identifier
        // Only `.utc` (a fixed offset of 0) is named "UTC": `init(identifier:)` maps "UTC" to it.
        isUTC = identifier == "UTC"
    }

    /// The zone named `identifier`; throws ``ReportError/Code/unknownTimeZone`` when there is none.
    public init(identifier: String) throws {
        if identifier == "UTC" {
            self = .utc
            return
        }
        guard !identifier.isEmpty, let zone = TimeZone(identifier: identifier) else {
            throw ReportError(
                .unknownTimeZone, "--timezone: \"\(identifier)\" is not an IANA time zone (e.g. Asia/Qatar, UTC)")
        }
        self.init(zone: zone, identifier: identifier)
    }

    /// The zone's offset from UTC at instant `t`, in milliseconds.
    public func offset(at t: Timestamp) -> Int64 {
        if isUTC { return 0 }
        return Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(t.millis) / 1000))) * 1000
    }

    /// The local wall-clock time of `t` as milliseconds since the local 1970-01-01 00:00.
    public func localMillis(_ t: Timestamp) -> Int64 { t.millis + offset(at: t) }

    /// The local date of `t` as days since 1970-01-01.
    public func localDay(_ t: Timestamp) -> Int64 { Self.floorDiv(localMillis(t), 86_400_000) }

    /// The local weekday (0 = Monday … 6 = Sunday) and hour (0…23) of `t`.
    public func hourOfWeek(_ t: Timestamp) -> (weekday: Int, hour: Int) {
        let local = localMillis(t)
        let day = Self.floorDiv(local, 86_400_000)
        let hour = Int((local - day * 86_400_000) / 3_600_000)
        // 1970-01-01 was a Thursday: Monday-first index 3.
        let weekday = Int(((day % 7) + 7 + 3) % 7)
        return (weekday, hour)
    }

    /// `YYYY-MM-DD` of a local day number.
    public static func dateString(day: Int64) -> String {
        let c = RFC3339.civil(fromDays: day)
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(c.year)-\(two(c.month))-\(two(c.day))"
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    public static func == (l: ReportTimeZone, r: ReportTimeZone) -> Bool { l.identifier == r.identifier }
}
