import Foundation
import KafkaClient
import LoopwatchTestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `/metrics`, `/healthz`, `/readyz` of the running binary — and every metric the shipped
/// dashboard and alert rules use exists there.
@Suite(.serialized) struct MetricsEndpointTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func get(_ url: String) async throws -> (Int, String) {
        let (data, response) = try await URLSession.shared.data(from: URL(string: url)!)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    /// `loopwatch_*` names in a dashboard or rules file (histogram series map to their base name).
    static func metricNames(in text: String) -> Set<String> {
        var names: Set<String> = []
        let scanner = text.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") })
        for token in scanner where token.hasPrefix("loopwatch_") {
            var name = String(token)
            for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) { name.removeLast(suffix.count) }
            names.insert(name)
        }
        return names
    }

    @Test func endpointsServeAndDashboardMetricsExist() async throws {
        let cluster = try DaemonTests.cluster()
        defer { cluster.destroy() }
        let port = Int.random(in: 20_000...60_000)
        let yaml = DaemonTests.config(bootstrap: cluster.bootstrapServers, group: "metrics")
            .replacingOccurrences(of: "listen: off", with: "listen: 127.0.0.1:\(port)")
        let path = try temporaryFile("lw.yaml", yaml)
        let p = try LoopwatchProcess(["run", "--config", path, "--instance-id", "m1"])
        defer { p.signal(SIGKILL) }
        try await waitUntil(timeout: .seconds(60)) { (try? await Self.get("http://127.0.0.1:\(port)/readyz").0) == 200 }

        let (healthz, _) = try await Self.get("http://127.0.0.1:\(port)/healthz")
        #expect(healthz == 200)
        let (status, metrics) = try await Self.get("http://127.0.0.1:\(port)/metrics")
        #expect(status == 200)
        #expect(metrics.contains("loopwatch_ready 1"))
        let (missing, _) = try await Self.get("http://127.0.0.1:\(port)/nope")
        #expect(missing == 404)

        let live = Self.metricNames(in: metrics)
        for file in ["deploy/grafana/loopwatch.json", "deploy/prometheus/loopwatch-rules.yaml"] {
            let used = Self.metricNames(
                in: try String(contentsOf: Self.root.appendingPathComponent(file), encoding: .utf8))
            #expect(!used.isEmpty, "\(file) uses no loopwatch metric")
            #expect(
                used.subtracting(live).isEmpty,
                "\(file) uses metrics /metrics does not have: \(used.subtracting(live).sorted())")
        }
    }
}
