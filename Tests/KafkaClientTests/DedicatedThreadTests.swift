import Foundation
import KafkaClient
import Testing

/// What `top -H`, `ps -L` and `perf` show for the threads loopwatch starts.
@Suite struct DedicatedThreadTests {
    static func threadName(started name: String) async -> String {
        await DedicatedThread.run(name: name) {
            let comm = (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? ""
            return comm.trimmingCharacters(in: .newlines)
        }
    }

    @Test func aThreadCarriesItsName() async {
        #expect(await Self.threadName(started: "lw-pipeline") == "lw-pipeline")
    }

    @Test func aNameLongerThanTheKernelKeepsIsCutToFifteenBytes() async {
        #expect(await Self.threadName(started: "loopwatch-pipeline") == "loopwatch-pipel")
    }
}
