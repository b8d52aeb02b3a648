// swift-tools-version:6.0
// In-process load timer for tools/bench/load_time.py: times each phase of loading a model
// with zoo's own library (the same calls `zoo info` and `Zoo.load(file:)` make). A separate
// package so the benchmark adds nothing to zoo's own products. Build:
//   swift build -c release --package-path tools/bench/LoadTimer --scratch-path .build-bench-timer
import PackageDescription

let package = Package(
    name: "LoadTimer",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "zoo", path: "../../..")],
    targets: [
        .executableTarget(name: "zoo-load-timer", dependencies: [.product(name: "Zoo", package: "zoo")], path: "Sources/LoadTimer"),
    ]
)
