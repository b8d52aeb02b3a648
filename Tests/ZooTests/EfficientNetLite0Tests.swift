import Foundation
import Testing
import Zoo
import ZooFetch
import ZooTensor
import ZooVision

/// The real EfficientNet-Lite0 weights (cached by tools/setup, in CI too) against the
/// package's own PyTorch model: reference values from tools/pytorch/efficientnet_reference.py.
@Suite struct EfficientNetLite0Tests {
    static let fixtures = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/efficientnet-lite0")
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("zoo/samples")

    struct Reference: Decodable {
        struct Image: Decodable { var top5: [Int]; var probabilities: [Double] }
        var images: [String: Image]
    }

    static func model() throws -> Model {
        do { return try Zoo.load("efficientnet-lite0") } catch ZooError.weightsNotCached {
            Issue.record("EfficientNet-Lite0 weights are not cached: run tools/setup (or `zoo fetch efficientnet-lite0`)")
            throw ZooError.weightsNotCached(model: "efficientnet-lite0", file: "")
        }
    }

    static func reference() throws -> Reference {
        try JSONDecoder().decode(Reference.self, from: Data(contentsOf: fixtures.appendingPathComponent("reference.json")))
    }

    static let names = ["cat.jpg", "coffee.jpg", "rocket.jpg", "astronaut.jpg"]

    /// On PIL's own 224x224 crops: the network alone against PyTorch.
    @Test(arguments: names)
    func networkMatchesPyTorchOnTheSameCrop(name: String) throws {
        let model = try Self.model()
        let expected = try #require(try Self.reference().images[name])
        let crop = try ImageDecoder.decode(contentsOf: Self.fixtures.appendingPathComponent(name.replacingOccurrences(of: ".jpg", with: "_crop.png")))
        let input = try model.pipeline!.preprocessing.tensor(from: [crop], layout: .nchw)
        let logits = try model.run(["input": input])["logits"]!.floats
        let probabilities = softmax64(logits)
        let order = topIndices(5, of: probabilities.map(Float.init))
        #expect(order == expected.top5, "\(name): top-5 \(order), PyTorch \(expected.top5)")
        for (i, index) in expected.top5.enumerated() {
            #expect(abs(probabilities[index] - expected.probabilities[i]) <= 1e-4,
                    "\(name): class \(index) probability \(probabilities[index]), PyTorch \(expected.probabilities[i])")
        }
    }

    /// From the JPEG, through zoo's decoder, resize and crop: the whole pipeline against PyTorch + PIL.
    @Test(arguments: names)
    func pipelineMatchesPyTorchFromTheJPEG(name: String) throws {
        let model = try Self.model()
        let expected = try #require(try Self.reference().images[name])
        let predictions = try model.classify(.file(Self.samples.appendingPathComponent(name)), top: 5)
        #expect(predictions.map(\.index) == expected.top5, "\(name)")
        for (p, q) in zip(predictions, expected.probabilities) {
            #expect(abs(Double(p.score) - q) <= 1e-4, "\(name): \(p.label) \(p.score), PyTorch \(q)")
        }
    }

    @Test func theCatIsACat() throws {
        let top = try Self.model().classify(.file(Self.samples.appendingPathComponent("cat.jpg")), top: 1)[0]
        #expect((281...285).contains(top.index), "top-1 \(top.label) (\(top.index)) is one of ImageNet's domestic cats")
    }

    @Test func embeddingIsThePooledFeatures() throws {
        let model = try Self.model()
        let features = try model.embed(.file(Self.samples.appendingPathComponent("coffee.jpg")))
        #expect(features.count == 1280)
        #expect(features.allSatisfy { $0 >= 0 }, "pooled ReLU6 features are non-negative")
    }

    @Test func innerLayerEmbeddingIsStableAcrossCalls() throws {
        let model = try Self.model()
        let image = ImageSource.file(Self.samples.appendingPathComponent("cat.jpg"))
        // The head conv after BN folding and ReLU6 fusion: a [1, 7, 7, 1280] map, one row per image.
        let first = try model.embeddings([image], layer: "_conv_head")
        let second = try model.embeddings([image], layer: "_conv_head")
        #expect(first.shape == [1, 7 * 7 * 1280])
        #expect(first.floats == second.floats)
        #expect(first.floats.allSatisfy { $0 >= 0 && $0 <= 6 }, "ReLU6 outputs")
    }

    private func softmax64(_ logits: [Float]) -> [Double] {
        let top = Double(logits.max() ?? 0)
        let e = logits.map { Foundation.exp(Double($0) - top) }
        let s = e.reduce(0, +)
        return e.map { $0 / s }
    }
}
