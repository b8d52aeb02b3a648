// swift-tools-version:6.0
import PackageDescription

// libFuzzer harnesses for every parser a user's file reaches. A package of its own so that
// the root package never sees fuzzer flags; build and run them with tools/fuzz/run.
// Each harness is one executable whose LLVMFuzzerTestOneInput feeds the bytes to the real
// entry point; libFuzzer (linked by -sanitize=fuzzer) supplies main.
let package = Package(
    name: "zoo-fuzz",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "fuzz-onnx", targets: ["FuzzONNX"]),
        .executable(name: "fuzz-keras", targets: ["FuzzKeras"]),
        .executable(name: "fuzz-torch", targets: ["FuzzTorch"]),
        .executable(name: "fuzz-zoofile", targets: ["FuzzZooFile"]),
        .executable(name: "fuzz-npy", targets: ["FuzzNPY"]),
        .executable(name: "fuzz-image", targets: ["FuzzImage"]),
    ],
    dependencies: [.package(name: "zoo", path: "../..")],
    targets: [
        .target(name: "FuzzSupport"),
        .executableTarget(name: "FuzzONNX", dependencies: ["FuzzSupport", .product(name: "ZooReaders", package: "zoo")]),
        .executableTarget(name: "FuzzKeras", dependencies: ["FuzzSupport", .product(name: "ZooReaders", package: "zoo")]),
        .executableTarget(name: "FuzzTorch", dependencies: ["FuzzSupport", .product(name: "ZooReaders", package: "zoo")]),
        .executableTarget(name: "FuzzZooFile", dependencies: ["FuzzSupport", .product(name: "ZooReaders", package: "zoo")]),
        .executableTarget(name: "FuzzNPY", dependencies: [.product(name: "ZooReaders", package: "zoo")]),
        .executableTarget(name: "FuzzImage", dependencies: [.product(name: "ZooReaders", package: "zoo")]),
    ]
)
