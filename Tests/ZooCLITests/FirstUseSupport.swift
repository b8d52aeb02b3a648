import Foundation
import Testing
import ZooFetch
import ZooTestSupport

/// A fresh `ZOO_HOME` whose own manifests (`$ZOO_HOME/manifests`) name small models of zoo
/// architectures, with weights a loopback server serves under the publishers' URL paths:
/// what a new user's first `zoo predict` meets, at KB scale. Full-size VGG and ResNet weights
/// are far too big for fixtures, so the weights are the importers' existing fixtures:
/// MobileNetV2 alpha 0.35 at 96x96 in keras-applications' weights-only layout (16 classes,
/// tools/keras/make_fixtures.py) and a reduced-width torchvision ResNet-18 state dict
/// (10 classes, tools/pytorch/make_torchvision_fixtures.py).
struct FirstUseHome {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let kerasWeights = repository.appendingPathComponent("Tests/ZooKerasTests/Fixtures/mobilenetv2_035_96_weights.h5")
    static let torchWeights = repository.appendingPathComponent("Tests/ZooPyTorchTests/Fixtures/torchvision/tv-resnet18_zip.pth")
    static let photo = SampleImages.url("cat.jpg").path

    /// keras-applications' name for these weights, which also tells zoo their input size.
    static let kerasFile = "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96.h5"
    static let kerasPath = "/tensorflow/keras-applications/mobilenet_v2/" + kerasFile
    /// Never resolves (RFC 2606): only `ZOO_MIRROR` can make these URLs reachable.
    static let publisher = "https://publisher.invalid"

    let root: URL

    init() throws {
        root = try CLIRunner.temporaryFolder()
        try FileManager.default.createDirectory(at: manifests, withIntermediateDirectories: true)
    }

    var manifests: URL { root.appendingPathComponent("manifests") }
    var weights: URL { root.appendingPathComponent("weights") }
    func converted(_ name: String) -> URL { root.appendingPathComponent("models/\(name).zoo") }

    func remove() { try? FileManager.default.removeItem(at: root) }

    /// The environment of a `zoo` run on this home, fetching from `server` (nil: no mirror).
    func environment(_ server: LocalHTTPServer?) -> [String: String] {
        ["ZOO_HOME": root.path, "ZOO_MIRROR": server.map { "http://127.0.0.1:\($0.port)" } ?? "", "ZOO_OFFLINE": ""]
    }

    /// `team-mobilenet`: the Keras fixture, checked by `md5` (as Keras' `get_file` checks
    /// most application weights) unless `weights` overrides the weights entry.
    func addKerasModel(name: String = "team-mobilenet", weights: [String: Any]? = nil) throws {
        let entry = try weights ?? ["file": Self.kerasFile, "url": Self.publisher + Self.kerasPath,
                                    "md5": MD5.hex(ofFile: Self.kerasWeights)]
        try addManifest([
            "name": name, "family": "Keras applications", "architecture": "mobilenetv2_0.35_96",
            "input": ["name": "input_layer", "size": 96, "layout": "nhwc"],
            "preprocessing": ["geometry": "resize", "size": 96, "filter": "nearest", "mode": "tf"],
            "output": "probabilities", "embedding": "global_average_pooling2d", "labels": "team_16_classes.json",
            "weights": [entry], "license": "test fixture",
        ], labels: 16)
    }

    /// `team-resnet18`: the torchvision fixture under a torchvision-style name whose `-HEX.`
    /// is `prefix` (by default the right one: the start of the file's sha256).
    func addTorchModel(prefix: String? = nil) throws -> (file: String, path: String) {
        let file = "resnet18-\(try prefix ?? String(SHA256.hex(ofFile: Self.torchWeights).prefix(8))).pth"
        try addManifest([
            "name": "team-resnet18", "family": "torchvision", "architecture": "tv-resnet18",
            "input": ["name": "input", "size": 224, "layout": "nchw"],
            "preprocessing": ["geometry": "shorter_side_center_crop", "resize": 256, "crop": 224, "filter": "bilinear", "mode": "torch"],
            "output": "logits", "embedding": "features", "labels": "team_10_classes.json",
            "weights": [["file": file, "url": Self.publisher + "/models/" + file, "verify": "sha256-prefix-in-name"]],
            "license": "test fixture",
        ], labels: 10)
        return (file, "/models/" + file)
    }

    private func addManifest(_ manifest: [String: Any], labels: Int) throws {
        let name = try #require(manifest["name"] as? String)
        let json = try JSONSerialization.data(withJSONObject: manifest, options: [.prettyPrinted, .sortedKeys])
        try json.write(to: manifests.appendingPathComponent(name + ".json"))
        var index: [String: [String]] = [:]
        for i in 0..<labels { index[String(i)] = ["team\(i)", "team class \(i)"] }
        let labelFile = manifests.appendingPathComponent(try #require(manifest["labels"] as? String))
        try JSONSerialization.data(withJSONObject: index).write(to: labelFile)
    }
}

/// The top-k lines `zoo predict` prints for one image (`  1  label  id  score`).
func predictionLines(_ stdout: String) -> [String] {
    stdout.split(separator: "\n").map(String.init).filter { $0.hasPrefix("  ") }
}

/// The lines a `zoo` run wrote on stderr.
func stderrLines(_ r: ZooRun) -> [String] {
    r.stderr.split(separator: "\n").map(String.init)
}

/// A refused download: exit status 1, exactly one `zoo: error:` line containing `text`, and
/// nothing else but the `fetching` step line before it.
func expectRefused(_ r: ZooRun, containing text: String, _ comment: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(r.status == 1, "\(comment): status \(r.status), stderr \(r.stderr)", sourceLocation: sourceLocation)
    let lines = stderrLines(r)
    let errors = lines.filter { $0.hasPrefix("zoo: error: ") }
    #expect(errors.count == 1 && errors[0].contains(text), "\(comment): \(r.stderr)", sourceLocation: sourceLocation)
    #expect(lines.allSatisfy { $0.hasPrefix("zoo: error: ") || $0.hasPrefix("zoo: fetching ") }, "\(comment): \(r.stderr)",
            sourceLocation: sourceLocation)
}

/// A `zoo` process running in the background, its stderr collected as it arrives, so a test
/// can wait for a line before it lets the server go on.
final class BackgroundCLI: @unchecked Sendable {
    private let process = Process()
    private let out = Pipe(), err = Pipe()
    private let lock = NSLock()
    private var errText = Data()

    init(_ arguments: [String], environment: [String: String]) throws {
        process.executableURL = ZooExecutable.url
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = out
        process.standardError = err
        err.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let chunk = handle.availableData
            guard let self, !chunk.isEmpty else { return }
            self.lock.withLock { self.errText.append(chunk) }
        }
        try process.run()
    }

    /// What it wrote on stderr so far.
    var stderr: String { lock.withLock { String(decoding: errText, as: UTF8.self) } }

    /// Waits (polling, at most `seconds`) until `condition` holds; false on timeout.
    static func wait(seconds: Double, until condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition() {
            if Date() > deadline { return false }
            usleep(20_000)
        }
        return true
    }

    /// Waits for the process to end (killing it after `seconds`) and returns what it printed.
    func finish(seconds: Double = 60) -> ZooRun {
        if !Self.wait(seconds: seconds, until: { !process.isRunning }) { process.terminate() }
        process.waitUntilExit()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        err.fileHandleForReading.readabilityHandler = nil
        let rest = err.fileHandleForReading.readDataToEndOfFile()
        lock.withLock { errText.append(rest) }
        return ZooRun(status: process.terminationStatus, output: stdout, stderr: stderr)
    }
}

/// The names in a cache's weights folder (empty when it does not exist).
func cachedNames(_ folder: URL) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
}
