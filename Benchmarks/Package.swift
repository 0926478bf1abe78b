// swift-tools-version: 6.1
// Benchmarks live in their own package so `make test` (CI) never builds them: `make bench`.
import Foundation
import PackageDescription

/// SwiftPM names a path dependency after its folder, which differs between checkouts.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent.lowercased()

let package = Package(
    name: "loopwatch-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.0", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
    ],
    targets: [
        // Micro benchmarks (ordo-one/benchmark): engine, decoder vs Foundation, scheduler.
        .executableTarget(
            name: "EngineBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "LoopwatchCore", package: root),
                "Workload",
            ],
            path: "Benchmarks/EngineBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // System benchmarks: memory, restore, replay, Kafka end to end, alert delay.
        .executableTarget(
            name: "LoopwatchBench",
            dependencies: [
                .product(name: "LoopwatchCore", package: root),
                .product(name: "KafkaClient", package: root),
                .product(name: "LoopwatchWorker", package: root),
                .product(name: "LoopwatchReport", package: root),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                "Workload",
            ],
            path: "Sources/LoopwatchBench"
        ),
        .target(name: "Workload", dependencies: [.product(name: "LoopwatchCore", package: root)], path: "Sources/Workload"),
    ]
)
