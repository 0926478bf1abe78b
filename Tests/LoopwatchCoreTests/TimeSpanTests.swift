import Testing

@testable import LoopwatchCore

@Suite struct TimeSpanTests {
    @Test(
        arguments: [("15m", 900_000), ("100ms", 100), ("30d", 2_592_000_000), ("1h30m", 5_400_000), ("5s", 5000)]
            as [(String, Int64)])
    func parsesDurations(text: String, millis: Int64) {
        #expect(TimeSpan.parse(text)?.millis == millis)
        #expect(TimeSpan.parse(TimeSpan(millis: millis).description)?.millis == millis)
    }

    @Test(arguments: ["", "15", "m", "15x", "-5m", "1.5h", "99999999999999999999d"])
    func rejectsBadDurations(text: String) {
        #expect(TimeSpan.parse(text) == nil)
    }

    @Test func formatsTimestamps() {
        #expect(RFC3339.format(Timestamp(millis: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(RFC3339.format(Timestamp(millis: 1_798_761_600_123)) == "2027-01-01T00:00:00.123Z")
        #expect(RFC3339.format(Timestamp(millis: -1)) == "1969-12-31T23:59:59.999Z")
    }
}
