import Foundation
import LoopwatchCore
import LoopwatchTestSupport
import PropertyBased
import Testing

@testable import LoopwatchReport

/// The builder against the slow model of SPEC §9 on generated inputs.
@Suite struct SocialStatusPropertyTests {
    @Test func theJSONIsTheModelsReadingOfSection9() async throws {
        await propertyCheck(count: 300, input: Gen.int(in: 0...Int(Int32.max)), Gen.int(in: 0...120)) { seed, size in
            let model = ReportGenerator.model(seed: UInt64(seed), size: size)
            let json = JSON.parse(try! model.built().json())
            let expected = model.expected()
            #expect(json == expected, "seed \(seed) size \(size)\n got \(json)\nwant \(expected)")
        }
    }

    @Test func policiesComeInConfigurationOrderAndChannelsSorted() throws {
        var model = ReportGenerator.model(seed: 7, size: 80)
        model.since = nil
        model.until = nil
        let status = try model.built(policyNames: ["urgent", "vip-social", "default"])
        #expect(status.policies.map(\.name) == ["urgent", "vip-social", "default"])
        let names = status.channels.map(\.name)
        #expect(names == names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
    }

    @Test func feedingOrderOfEndedOutcomesDoesNotMatter() async throws {
        await propertyCheck(count: 100, input: Gen.int(in: 0...Int(Int32.max))) { seed in
            var model = ReportGenerator.model(seed: UInt64(seed), size: 60)
            let first = try! model.built().json()
            var rng = SplitMix(seed: UInt64(seed) ^ 0x5eed)
            model.outcomes.shuffle(using: &rng)
            model.events.shuffle(using: &rng)
            model.alerts.shuffle(using: &rng)
            #expect(try! model.built().json() == first)
        }
    }
}
