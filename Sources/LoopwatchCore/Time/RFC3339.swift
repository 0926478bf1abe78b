/// RFC 3339 timestamps without Foundation: formatting for alerts, parsing for events.
///
/// Parsing accepts `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` with these conventions:
/// - the date/time separator may be `T`, `t` or a single space (RFC 3339 §5.6 note); `Z` may be
///   lowercase;
/// - the fraction may have any number of digits (at least one); it is truncated to milliseconds;
/// - a leap second (`:60`) is accepted and clamped to `:59.999` of the same minute, so instants
///   stay ordered and representable as Unix milliseconds;
/// - the offset is required (a local time without offset is rejected); `-00:00` means UTC;
///   offsets are at most `23:59`;
/// - years are `0000`–`9999`; month, day-of-month (leap years included), hour, minute and second
///   are range-checked.
///
/// Formatting always writes UTC with milliseconds (`2026-11-02T09:30:00.000Z`); instants outside
/// years 0000–9999 are clamped to that range.
public enum RFC3339 {
    /// Bytes written by ``format(_:)``: `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    public static let formattedLength = 24

    /// The earliest instant ``format(_:)`` can write: 0000-01-01T00:00:00.000Z.
    @usableFromInline static let minFormattable: Int64 = -62_167_219_200_000
    /// The latest instant ``format(_:)`` can write: 9999-12-31T23:59:59.999Z.
    @usableFromInline static let maxFormattable: Int64 = 253_402_300_799_999

    // MARK: Formatting

    /// Formats an instant as `YYYY-MM-DDTHH:MM:SS.mmmZ` (UTC, always milliseconds).
    public static func format(_ t: Timestamp) -> String {
        // Measured faster than `String(unsafeUninitializedCapacity:)`.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: formattedLength) { buffer in
            write(t, to: buffer.baseAddress!)
            return String(decoding: UnsafeBufferPointer(buffer), as: UTF8.self)
        }
    }

    /// Appends the ``format(_:)`` spelling of `t` (24 ASCII bytes) to `out`.
    public static func format(_ t: Timestamp, into out: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: formattedLength) { buffer in
            write(t, to: buffer.baseAddress!)
            out.append(contentsOf: UnsafeBufferPointer(buffer))
        }
    }

    /// Writes exactly ``formattedLength`` bytes at `p`.
    static func write(_ t: Timestamp, to p: UnsafeMutablePointer<UInt8>) {
        let millis = min(max(t.millis, minFormattable), maxFormattable)
        var ms = millis % 86_400_000
        var days = millis / 86_400_000
        if ms < 0 {
            ms += 86_400_000
            days -= 1
        }
        let (y, m, d) = civil(fromDays: days)
        let secs = ms / 1000
        let year = Int(y)
        p[0] = digit(year / 1000)
        p[1] = digit(year / 100 % 10)
        put2(Int(year % 100), p + 2)
        p[4] = UInt8(ascii: "-")
        put2(Int(m), p + 5)
        p[7] = UInt8(ascii: "-")
        put2(Int(d), p + 8)
        p[10] = UInt8(ascii: "T")
        put2(Int(secs / 3600), p + 11)
        p[13] = UInt8(ascii: ":")
        put2(Int(secs / 60 % 60), p + 14)
        p[16] = UInt8(ascii: ":")
        put2(Int(secs % 60), p + 17)
        p[19] = UInt8(ascii: ".")
        let frac = Int(ms % 1000)
        p[20] = digit(frac / 100)
        put2(frac % 100, p + 21)
        p[23] = UInt8(ascii: "Z")
    }

    @inline(__always) private static func digit(_ v: Int) -> UInt8 { UInt8(truncatingIfNeeded: v) &+ 48 }

    @inline(__always) private static func put2(_ v: Int, _ p: UnsafeMutablePointer<UInt8>) {
        p[0] = digit(v / 10)
        p[1] = digit(v % 10)
    }

    // MARK: Parsing

    /// Parses an RFC 3339 timestamp with offset from UTF-8 bytes (see the type's conventions).
    /// Returns nil unless the whole buffer is one valid timestamp. Does not allocate.
    public static func parse(_ bytes: UnsafeRawBufferPointer) -> Timestamp? {
        let n = bytes.count
        // Shortest form: "YYYY-MM-DDTHH:MM:SSZ".
        guard n >= 20, let p = bytes.baseAddress else { return nil }
        @inline(__always) func b(_ i: Int) -> UInt8 { p.load(fromByteOffset: i, as: UInt8.self) }
        @inline(__always) func d2(_ i: Int) -> Int64? {
            let hi = b(i) &- 48
            let lo = b(i + 1) &- 48
            guard hi <= 9, lo <= 9 else { return nil }
            return Int64(hi) * 10 + Int64(lo)
        }
        guard let yHi = d2(0), let yLo = d2(2), b(4) == UInt8(ascii: "-"),
            let month = d2(5), b(7) == UInt8(ascii: "-"), let day = d2(8),
            b(10) == UInt8(ascii: "T") || b(10) == UInt8(ascii: "t") || b(10) == UInt8(ascii: " "),
            let hour = d2(11), b(13) == UInt8(ascii: ":"), let minute = d2(14),
            b(16) == UInt8(ascii: ":"), var second = d2(17)
        else { return nil }
        let year = yHi * 100 + yLo
        guard month >= 1, month <= 12, day >= 1, day <= daysInMonth(year: year, month: month),
            hour <= 23, minute <= 59, second <= 60
        else { return nil }

        var i = 19
        var millis: Int64 = 0
        if b(i) == UInt8(ascii: ".") {
            i += 1
            let start = i
            while i < n {
                let v = b(i) &- 48
                guard v <= 9 else { break }
                if i - start < 3 { millis = millis * 10 + Int64(v) }
                i += 1
            }
            let digits = i - start
            guard digits > 0 else { return nil }
            if digits == 1 { millis *= 100 } else if digits == 2 { millis *= 10 }
        }
        if second == 60 {
            second = 59
            millis = 999
        }

        guard i < n else { return nil }
        var offsetSeconds: Int64 = 0
        switch b(i) {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            i += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard n - i == 6, let oh = d2(i + 1), b(i + 3) == UInt8(ascii: ":"), let om = d2(i + 4),
                oh <= 23, om <= 59
            else { return nil }
            offsetSeconds = oh * 3600 + om * 60
            if b(i) == UInt8(ascii: "-") { offsetSeconds = -offsetSeconds }
            i += 6
        default:
            return nil
        }
        guard i == n else { return nil }

        let local = days(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second
        return Timestamp(millis: (local - offsetSeconds) * 1000 + millis)
    }

    /// Parses an RFC 3339 timestamp with offset (see ``parse(_:)-(UnsafeRawBufferPointer)``).
    public static func parse(_ text: String) -> Timestamp? {
        var text = text
        return text.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
    }

    /// Parses an RFC 3339 timestamp with offset (see ``parse(_:)-(UnsafeRawBufferPointer)``).
    public static func parse(_ text: Substring) -> Timestamp? {
        var text = text
        return text.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
    }

    // MARK: Civil calendar

    /// Whether `year` is a leap year of the proleptic Gregorian calendar.
    @inlinable public static func isLeapYear(_ year: Int64) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    /// The number of days in `month` (1–12) of `year`.
    @inlinable public static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    @inlinable public static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The proleptic Gregorian date of a day number (days since 1970-01-01).
    @inlinable public static func civil(fromDays z0: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}
