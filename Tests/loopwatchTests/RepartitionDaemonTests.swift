import Foundation
import LoopwatchTestSupport
import Testing

/// `kafka.repartition_topic` with the real binary: kill -9 in the middle of stage 1, restart,
/// nothing lost or doubled; a missing or mis-sized repartition topic is exit 78 naming it.
///
/// On librdkafka 2.0.2's mock cluster, which keeps no transaction markers: records of the killed
/// process's open transaction stay visible to read_committed readers, so "not doubled" is checked
/// where the design makes it hold on the mock too — alert ids (deterministic) and the engines'
/// duplicate detection (a re-keyed event seen twice changes nothing) — and the repartition
/// topic is only checked for nothing lost. On an isolating broker it holds record by record.
@Suite(.serialized) struct RepartitionDaemonTests {
    @Test func killNineInTheMiddleOfStageOneLosesNothingAndDoublesNoAlert() async throws {
        let f = try RepartitionDaemonFixture(.mock, target: .seconds(12))
        defer { f.shutdown() }
        let path = try f.configFile(group: "rp-kill9")
        func produce(_ conversations: Range<Int>) async throws {
            for i in conversations { try await f.produce(i) }
            try await f.plant(conversations.lowerBound)
        }

        try await produce(0..<40)
        let first = try f.daemon(config: path, instance: "rp1")
        // Stage 1 has produced into the repartition topic: kill -9 now, mid-stream.
        try await f.waitUntilReKeyed(moreThan: 0, timeout: .seconds(60))
        first.signal(SIGKILL)
        _ = try await first.exitStatus()
        try await produce(40..<80)

        let second = try f.daemon(config: path, instance: "rp1")
        let expectedSubjects = f.expectedBreaches()
        #expect(expectedSubjects == Set((0..<80).filter { $0 % 2 == 1 }.map { "rk-\($0)" }))
        let wanted = expectedSubjects.count
        try await waitUntil(timeout: .seconds(120)) {
            Set(try await f.alerts().map(\.subject)).count >= wanted
        }
        second.signal(SIGTERM)
        #expect(try await second.exitStatus(within: .seconds(45)) == 0)

        let alerts = try await f.alerts()
        #expect(Set(alerts.map(\.subject)) == expectedSubjects, "every unanswered conversation breached, no other")
        // One breach per conversation: a record seen twice on the mock is the same id.
        #expect(Set(alerts.map(\.id)).count == expectedSubjects.count)

        let repartitioned = try await f.read(f.topics.repartition)
        let values = Set(repartitioned.compactMap { $0.value.map { String(decoding: $0, as: UTF8.self) } })
        #expect(values == Set(f.good), "every good input event re-keyed, none lost")
        let dlq = try await f.read(f.topics.deadLetter)
        #expect(Set(dlq.compactMap { $0.value.map { String(decoding: $0, as: UTF8.self) } }) == Set(f.planted))
        #expect(
            !dlq.contains { m in m.headers.contains { $0.0 == "loopwatch.error" && $0.1 == Array("wrong_key".utf8) } })
    }

    @Test(arguments: [nil, 3] as [Int?])
    func aMissingOrMisSizedRepartitionTopicIsExit78NamingIt(partitions: Int?) async throws {
        let f = try RepartitionDaemonFixture(.mock, target: .seconds(12), repartitionPartitions: partitions)
        defer { f.shutdown() }
        let path = try f.configFile(group: "rp-78")
        let (status, _, err) = try await LoopwatchProcess.run(["run", "--config", path])
        #expect(status == 78)
        #expect(err.contains("lw-repartition"), "got: \(err)")
        #expect(err.contains("--partitions 2"), "got: \(err)")
    }
}
