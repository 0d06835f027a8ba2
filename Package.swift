// swift-tools-version: 6.2
import PackageDescription

/// Every target builds in Swift 6 mode, warnings are errors.
let strict: [SwiftSetting] = [
    .treatAllWarnings(as: .error),
    .enableUpcomingFeature("ExistentialAny"),
]

let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")
let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")
let lifecycle: Target.Dependency = .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")

let package = Package(
    name: "crossfold",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "crossfold", targets: ["crossfold"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // C libraries, one module each (Debian: libopenblas-dev, libssl-dev, libzmq3-dev).
        .systemLibrary(name: "CBLAS", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CCrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CZeroMQ", providers: [.apt(["libzmq3-dev"])]),

        // JSON text: a parser, a Codable decoder over its tree and a sorted-keys encoder, used for
        // results (Evaluation), Clarifai's replies and message headers (Wire).
        .target(name: "JSON", swiftSettings: strict),

        // The evaluation core: pure, no I/O beyond reading dataset files.
        .target(name: "Datasets", dependencies: ["CCrypto", "JSON"], swiftSettings: strict),
        .target(name: "Folds", dependencies: ["Datasets"], swiftSettings: strict),
        .target(name: "Learners", dependencies: ["Datasets", "CBLAS"], swiftSettings: strict),
        .target(name: "Evaluation", dependencies: ["Datasets", "JSON"], swiftSettings: strict),
        .target(name: "Reports", dependencies: ["Evaluation", "Datasets", "JSON"], swiftSettings: strict),

        // Transport and the cluster.
        .target(name: "ZeroMQ", dependencies: ["CZeroMQ"], swiftSettings: strict),
        .target(name: "Wire", dependencies: ["Datasets", "JSON"], swiftSettings: strict),
        .target(
            name: "Cluster",
            dependencies: ["Datasets", "Folds", "Learners", "Evaluation", "Reports", "Wire", "ZeroMQ", logging, lifecycle],
            swiftSettings: strict
        ),

        // Clarifai's remote evaluation.
        .target(name: "Clarifai", dependencies: ["Evaluation", "JSON", logging], swiftSettings: strict),

        // The executable: argument parsing and wiring only.
        .executableTarget(
            name: "crossfold",
            dependencies: [
                argumentParser, logging, lifecycle, "Datasets", "Folds", "Learners", "Evaluation", "Reports", "Wire", "JSON",
                "Cluster", "Clarifai",
            ],
            swiftSettings: strict
        ),

        // The pure scheduler with simulated workers on a mock clock (docs/benchmarks/scheduling.sh).
        .executableTarget(name: "scheduler-simulation", dependencies: ["Cluster"], swiftSettings: strict),

        // Fixtures shared by the tests: small datasets, a mock clock, python oracles, a fake Clarifai.
        .target(name: "TestSupport", dependencies: ["Datasets", "Evaluation", "Folds", "JSON", logging], swiftSettings: strict),

        // Corpus/: hostile files the fuzz tests found, read by path (#filePath), not bundled.
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "TestSupport"], exclude: ["Corpus"], swiftSettings: strict),
        .testTarget(name: "FoldsTests", dependencies: ["Folds", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "LearnersTests", dependencies: ["Learners", "Folds", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "ZeroMQTests", dependencies: ["ZeroMQ"], swiftSettings: strict),
        .testTarget(name: "WireTests", dependencies: ["Wire", "JSON"], swiftSettings: strict),
        .testTarget(name: "ClusterTests", dependencies: ["Cluster", "TestSupport", "ZeroMQ"], swiftSettings: strict),
        .testTarget(name: "ClarifaiTests", dependencies: ["Clarifai", "TestSupport"], swiftSettings: strict),
        // Multi-process and multi-host runs of the built executable on the namespace lab (cluster/lab).
        .testTarget(name: "IntegrationTests", dependencies: ["TestSupport", "crossfold"], swiftSettings: strict),
        .testTarget(
            name: "CrossfoldTests",
            dependencies: ["crossfold", "TestSupport", "Datasets", "Evaluation"],
            swiftSettings: strict
        ),
    ]
)
