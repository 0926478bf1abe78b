// swift-tools-version: 6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "loopwatch",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "loopwatch", targets: ["loopwatch"]),
        .library(name: "LoopwatchCore", targets: ["LoopwatchCore"]),
        .library(name: "KafkaClient", targets: ["KafkaClient"]),
        .library(name: "LoopwatchWorker", targets: ["LoopwatchWorker"]),
        .library(name: "LoopwatchReport", targets: ["LoopwatchReport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
    ],
    targets: [
        // librdkafka (Debian librdkafka-dev 2.0.2) as a system library.
        .systemLibrary(
            name: "CRdKafka",
            pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]
        ),
        // What Swift cannot call directly (variadic C functions).
        .target(
            name: "CRdKafkaShim",
            dependencies: ["CRdKafka"]
        ),
        .target(
            name: "KafkaClient",
            dependencies: [
                "CRdKafka", "CRdKafkaShim",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "LoopwatchCore",
            swiftSettings: strict
        ),
        // The YAML reader: builds and validates the domain configuration (SPEC §7).
        .target(
            name: "LoopwatchConfiguration",
            dependencies: [
                "LoopwatchCore", "KafkaClient",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "LoopwatchWorker",
            dependencies: [
                "LoopwatchCore", "KafkaClient",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // `loopwatch report`: the social status of recorded events (SPEC §9), as JSON or one HTML page.
        .target(
            name: "LoopwatchReport",
            dependencies: ["LoopwatchCore"],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "loopwatch",
            dependencies: [
                // KafkaClient: `demo` produces its sample stream and reads the alerts itself.
                "LoopwatchCore", "LoopwatchConfiguration", "LoopwatchWorker", "KafkaClient", "LoopwatchReport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "KafkaClientTests",
            dependencies: ["KafkaClient", "LoopwatchTestSupport", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        // Helpers shared by the test targets (bounded waits, a seeded generator, noida brokers:
        // KafkaClient creates their topics).
        .target(
            name: "LoopwatchTestSupport",
            dependencies: ["KafkaClient", .product(name: "Logging", package: "swift-log")],
            path: "Tests/LoopwatchTestSupport",
            swiftSettings: strict
        ),
        .testTarget(
            name: "loopwatchTests",
            dependencies: [
                "loopwatch", "KafkaClient", "LoopwatchCore", "LoopwatchConfiguration", "LoopwatchReport", "LoopwatchWorker",
                "LoopwatchTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "LoopwatchWorkerTests",
            dependencies: [
                "LoopwatchWorker", "LoopwatchCore", "LoopwatchReport", "KafkaClient", "LoopwatchTestSupport",
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "LoopwatchCoreTests",
            dependencies: [
                "LoopwatchCore", "LoopwatchTestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "LoopwatchConfigurationTests",
            dependencies: [
                "LoopwatchConfiguration", "LoopwatchCore", "KafkaClient",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "LoopwatchReportTests",
            dependencies: [
                "LoopwatchReport", "LoopwatchCore", "LoopwatchTestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: strict
        ),
    ]
)
