import Foundation
import Testing
import Zoo
import ZooFormat
import ZooTensor
import ZooTestSupport
import ZooVision

/// The kinds of file a user hands zoo, each with a small valid example for tests to break.
enum InputFormat: String, CaseIterable, Sendable {
    case onnx, h5, keras, pthZip, pthLegacy, zoo, npy, jpeg, png

    static let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()

    var fileName: String {
        switch self {
        case .onnx: "model.onnx"
        case .h5: "model.h5"
        case .keras: "model.keras"
        case .pthZip, .pthLegacy: "model.pth"
        case .zoo: "model.zoo"
        case .npy: "x.npy"
        case .jpeg: "photo.jpg"
        case .png: "photo.png"
        }
    }

    var isModel: Bool { ![.npy, .jpeg, .png].contains(self) }

    /// The error type its reader throws, with the case for the two enums (`ImportError`, `VisionError`).
    func errorKind(importError: String, visionError: String) -> String {
        switch self {
        case .onnx, .h5, .keras: "ImportError.\(importError)"
        case .pthZip, .pthLegacy: "CheckpointError"
        case .zoo: "ZooFileError"
        case .npy: "NPYError"
        case .jpeg, .png: "VisionError.\(visionError)"
        }
    }

    func validBytes() throws -> Data {
        switch self {
        case .onnx: return Data(ONNXModelWriter.convReLU().serialized())
        case .h5: return try fixture("ZooKerasTests/Fixtures/sequential_k3.h5")
        case .keras: return try fixture("ZooKerasTests/Fixtures/sequential_k3.keras")
        case .pthZip: return try fixture("ZooPyTorchTests/Fixtures/tiny_zip.pth")
        case .pthLegacy: return try fixture("ZooPyTorchTests/Fixtures/tiny_legacy.pth")
        case .zoo:
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-valid-\(UUID().uuidString).zoo")
            defer { try? FileManager.default.removeItem(at: url) }
            try ZooFileWriter.write(try Zoo.loadGraph("tiny-cnn"), metadata: ZooFileMetadata(), to: url)
            return try Data(contentsOf: url)
        case .npy: return NPY.encode(Tensor(shape: [1, 4, 4, 3], floats: (0..<48).map(Float.init)))
        case .jpeg: return try fixture("ZooVisionTests/Fixtures/cat.jpg")
        case .png: return try fixture("ZooVisionTests/Fixtures/levels.png")
        }
    }

    private func fixture(_ path: String) throws -> Data {
        try Data(contentsOf: Self.tests.appendingPathComponent(path))
    }
}

/// How reading a file failed: the error's kind (`ImportError.truncated`, `CheckpointError`) and text.
struct Refusal {
    var kind: String
    var message: String

    init(_ error: any Error) {
        message = String(describing: error)
        let type = String(describing: Swift.type(of: error))
        let mirror = Mirror(reflecting: error)
        kind = mirror.displayStyle == .enum ? mirror.children.first?.label.map { "\(type).\($0)" } ?? type : type
    }

    /// Reads `url` the way zoo reads a user's file of `format` (models by `Zoo.load(file:)`,
    /// arrays by `NPY.read`, images by `ImageDecoder`); nil when it loaded.
    init?(reading url: URL, as format: InputFormat) {
        do {
            switch format {
            case .npy: _ = try NPY.read(contentsOf: url)
            case .jpeg, .png: _ = try ImageDecoder.decode(contentsOf: url)
            default: _ = try Zoo.load(file: url)
            }
            return nil
        } catch {
            self.init(error)
        }
    }
}

/// Expects reading `url` as `format` to fail with an error of `kind` that names the file and
/// contains `text`. For a model, converting it must fail too and leave nothing in its folder.
func expectRefused(_ url: URL, as format: InputFormat, kind: String, containing text: String, in scratch: Scratch,
                   sourceLocation: SourceLocation = #_sourceLocation) {
    guard let refusal = Refusal(reading: url, as: format) else {
        Issue.record("\(url.lastPathComponent) loaded without error", sourceLocation: sourceLocation)
        return
    }
    #expect(refusal.kind == kind, "\(refusal.message)", sourceLocation: sourceLocation)
    #expect(refusal.message.hasPrefix(url.lastPathComponent + ": ") || refusal.message.hasPrefix(url.path + ": "),
            "does not start with the file: \(refusal.message)", sourceLocation: sourceLocation)
    #expect(refusal.message.contains(text), "\(refusal.message)", sourceLocation: sourceLocation)
    guard format.isModel else { return }
    let before = scratch.contents
    let output = scratch.folder.appendingPathComponent("converted.zoo")
    do {
        _ = try ModelConverter.convert(url.path, to: output)
        Issue.record("\(url.lastPathComponent) converted without error", sourceLocation: sourceLocation)
    } catch {
        #expect("\(error)".contains(url.lastPathComponent) && "\(error)".contains(text), "convert: \(error)", sourceLocation: sourceLocation)
    }
    #expect(scratch.contents == before, "convert left \(scratch.contents.subtracting(before))", sourceLocation: sourceLocation)
}

/// tiny-cnn as a `.zoo` whose graph JSON has its first `original` replaced by `replacement`:
/// a file whose header and data are sound but whose graph lies.
func zooFile(replacingInGraph original: String, with replacement: String) throws -> Data {
    let bytes = try InputFormat.zoo.validBytes()
    let length = Int(bytes.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
    var header = try #require(try JSONSerialization.jsonObject(with: bytes.subdata(in: 8..<(8 + length))) as? [String: Any])
    var metadata = try #require(header["__metadata__"] as? [String: String])
    let graph = try #require(metadata["graph"])
    let range = try #require(graph.range(of: original), "the graph JSON has no \(original)")
    metadata["graph"] = graph.replacingCharacters(in: range, with: replacement)
    header["__metadata__"] = metadata
    let patched = try JSONSerialization.data(withJSONObject: header)
    return Data((0..<8).map { UInt8(truncatingIfNeeded: patched.count >> (8 * $0)) }) + patched + bytes.suffix(from: 8 + length)
}
