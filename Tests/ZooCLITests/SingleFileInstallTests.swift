import Foundation
import Testing
import ZooTestSupport

/// `zoo` copied on its own keeps working: the manifests and labels are compiled into it, not
/// read from a SwiftPM resource bundle beside the build (whose accessor would fall back to the
/// build folder's absolute path, and die once the checkout is gone).
@Suite struct SingleFileInstallTests {
    static let names = ["efficientnet-lite0", "mobilenetv2", "resnet101", "resnet152", "resnet50", "tiny-cnn", "tv-mobilenetv2",
                        "tv-resnet18", "tv-resnet34", "tv-resnet50", "tv-vgg16", "tv-vgg19", "vgg16", "vgg19"]

    @Test func copiedAloneItListsAndPredicts() throws {
        let folder = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let copy = folder.appendingPathComponent("zoo")
        try FileManager.default.copyItem(at: ZooExecutable.url, to: copy)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["zoo"], "nothing beside it")

        let binary = try Data(contentsOf: copy, options: .alwaysMapped)
        #expect(Self.resourceBundleNames(in: binary).isEmpty, "no resource bundle is looked up: \(Self.resourceBundleNames(in: binary))")

        let home = folder.appendingPathComponent("home")
        let (status, stdout, stderr) = try Self.run(copy, ["list"], home: home)
        #expect(status == 0, "\(stderr)")
        let listed = stdout.split(separator: "\n").dropFirst().compactMap { $0.split(separator: " ").first.map(String.init) }
        #expect(listed == Self.names, "\(stdout)")

        // And it classifies: the built-in model's labels are compiled in too.
        let photo = SampleImages.url("cat.jpg").path
        let predicted = try Self.run(copy, ["predict", "--model", "tiny-cnn", photo], home: home)
        #expect(predicted.status == 0, "\(predicted.stderr)")
        #expect(predictionLines(predicted.stdout).count == 5 && predicted.stdout.contains("class_"), "\(predicted.stdout)")
    }

    /// Runs the copy in its own folder, with `home` as `ZOO_HOME`.
    static func run(_ copy: URL, _ arguments: [String], home: URL) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = copy
        process.arguments = arguments
        process.currentDirectoryURL = copy.deletingLastPathComponent()
        process.environment = ProcessInfo.processInfo.environment.merging(["ZOO_HOME": home.path]) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, stdout, stderr)
    }

    /// Offline, `fetch` says in one line what to download, from where, and where to put it.
    @Test func offlineFetchSaysWhatToDownload() throws {
        let home = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: home) }
        let r = try ZooExecutable.run(["fetch", "tv-resnet18", "--offline"], environment: ["ZOO_HOME": home.path, "ZOO_MIRROR": ""])
        expectOneErrorLine(r, status: 1, containing: "resnet18-f37072fd.pth: not cached, and zoo is offline (--offline or ZOO_OFFLINE=1): "
            + "download it from https://download.pytorch.org/models/resnet18-f37072fd.pth and put it at "
            + "\(home.path)/weights/resnet18-f37072fd.pth, or pass it with --weights FILE", "fetch --offline")
        let env = try ZooExecutable.run(["fetch", "mobilenetv2"], environment: ["ZOO_HOME": home.path, "ZOO_OFFLINE": "1", "ZOO_MIRROR": ""])
        expectOneErrorLine(env, status: 1, containing: "download it from https://storage.googleapis.com/tensorflow/keras-applications/"
            + "mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224.h5", "ZOO_OFFLINE=1")
    }

    /// The names of SwiftPM resource bundles (`<package>_<target>.resources`) the binary mentions.
    static func resourceBundleNames(in binary: Data) -> [String] {
        var names: [String] = []
        var searchStart = binary.startIndex
        while let found = binary.range(of: Data(".resources".utf8), in: searchStart..<binary.endIndex) {
            let before = binary[max(binary.startIndex, found.lowerBound - 64)..<found.lowerBound]
            let text = String(decoding: before, as: UTF8.self)
            if let name = text.split(whereSeparator: { !$0.isLetter && !$0.isNumber && $0 != "_" }).last, name.hasPrefix("zoo_") {
                names.append(name + ".resources")
            }
            searchStart = found.upperBound
        }
        return names
    }
}
