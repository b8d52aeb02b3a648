import Foundation
import Testing
import ZooGraph
import ZooImport
import ZooTensor
import ZooTestSupport

/// The tiny torchvision checkpoints written by tools/pytorch/make_torchvision_fixtures.py
/// (torchvision's classes at reduced widths, random weights and BN statistics), run through
/// the importer and compared with PyTorch's logits.
@Suite struct TorchvisionImportTests {
    static let fixtures = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/torchvision")
    static let architectures = ["tv-resnet18", "tv-resnet34", "tv-resnet50", "tv-vgg16", "tv-vgg19", "tv-mobilenetv2"]

    /// One entry of expected.json: an architecture's input shape and PyTorch logits, or the
    /// three names the broken checkpoint gets wrong.
    struct Expected: Decodable {
        var input: [Int]?
        var logits: [Float]?
        var classes: Int?
        var missing, extra, misshaped: String?
    }

    static let expected: [String: Expected] = {
        let url = fixtures.appendingPathComponent("expected.json")
        guard let data = try? Data(contentsOf: url), let table = try? JSONDecoder().decode([String: Expected].self, from: data) else {
            preconditionFailure("\(url.path) is missing or unreadable: run tools/pytorch/make_torchvision_fixtures.py")
        }
        return table
    }()

    func fixture(_ name: String) -> URL { Self.fixtures.appendingPathComponent(name) }

    /// The script's input (`tiny_input`), exact in float32: scrambled noise over a ramp that
    /// differs per image and channel. `byte` is bits 24-31 of `i * 2654435761` (i the flat index).
    static func tinyInput(_ shape: [Int]) -> Tensor {
        let (channels, height, width) = (shape[1], shape[2], shape[3])
        var values: [Float] = []
        values.reserveCapacity(shape.reduce(1, *))
        for n in 0..<shape[0] {
            for c in 0..<channels {
                for h in 0..<height {
                    for w in 0..<width {
                        let i = ((n * channels + c) * height + h) * width + w
                        let byte = Int((UInt32(truncatingIfNeeded: i) &* 2_654_435_761) >> 24)
                        let ramp = ((h * (n + 1) + w * (c + 2)) * (n + c + 1)) % 64 - 32
                        values.append(Float(byte / 4 - 32 + 2 * ramp) / 64)
                    }
                }
            }
        }
        return Tensor(shape: Shape(shape), floats: values)
    }

    /// Index of the largest value in each row of `[rows, classes]` logits.
    static func top1(_ logits: [Float], classes: Int) -> [Int] {
        stride(from: 0, to: logits.count, by: classes).map { start in
            let row = logits[start..<start + classes]
            return row.indices.max { row[$0] < row[$1] }! - start
        }
    }

    /// Runs `graph` on the architecture's input, as built and after the inference passes,
    /// and checks both against PyTorch: relative L2 <= 1e-4 and the same top-1 per image.
    func expectMatchesPyTorch(_ graph: Graph, _ arch: String, file: String) throws {
        let e = try #require(Self.expected[arch])
        let shape = try #require(e.input), reference = try #require(e.logits), classes = try #require(e.classes)
        let input = Self.tinyInput(shape)
        for (label, g) in [("as imported", graph), ("optimised", GraphOptimizer.optimize(graph))] {
            let logits = try runGraph(g, input).floats
            #expect(logits.count == reference.count, "\(file) \(label)")
            guard logits.count == reference.count else { continue }
            let error = relativeL2(logits, reference)
            #expect(error <= 1e-4, "\(file) \(label): relative L2 \(error)")
            #expect(Self.top1(logits, classes: classes) == Self.top1(reference, classes: classes), "\(file) \(label)")
        }
    }

    @Test(arguments: architectures, ["zip", "legacy"])
    func outputsMatchPyTorch(arch: String, layout: String) throws {
        let file = "\(arch)_\(layout).pth"
        let size = try #require(Self.expected[arch]?.input?[2])
        let graph = try TorchImporter.importGraph(from: fixture(file), architecture: arch, imageSize: size)
        try expectMatchesPyTorch(graph, arch, file: file)
    }

    @Test(arguments: architectures)
    func architectureIsRecognisedFromParameterNames(arch: String) throws {
        let size = try #require(Self.expected[arch]?.input?[2])
        let graph = try TorchImporter.importGraph(from: fixture("\(arch)_zip.pth"), imageSize: size)
        #expect(graph.name == arch)
        #expect(graph.outputs.map(\.name) == ["logits"])
        #expect(graph.value(named: "features") != nil, "the embedding value")
    }

    /// torchvision's own function names work as `--arch` too.
    @Test(arguments: [("resnet18", "tv-resnet18"), ("vgg19", "tv-vgg19"), ("mobilenet_v2", "tv-mobilenetv2"), ("TV_ResNet50", "tv-resnet50")])
    func torchvisionNamesAreAliases(alias: String, arch: String) throws {
        let size = try #require(Self.expected[arch]?.input?[2])
        let graph = try TorchImporter.importGraph(from: fixture("\(arch)_legacy.pth"), architecture: alias, imageSize: size)
        #expect(graph.name == arch)
    }

    /// A DataParallel training checkpoint: `module.` prefixes inside {"epoch", "state_dict"}.
    @Test func wrappedDataParallelCheckpointImports() throws {
        let graph = try TorchImporter.importGraph(from: fixture("wrapped_vgg16.pth"))
        #expect(graph.name == "tv-vgg16")
        try expectMatchesPyTorch(graph, "tv-vgg16", file: "wrapped_vgg16.pth")
    }

    /// One key missing, one extra and one mis-shaped: one error names all three, whether the
    /// architecture was recognised or given.
    @Test(arguments: [nil, "tv-vgg16"] as [String?])
    func everyProblemIsReportedInOneError(arch: String?) throws {
        let e = try #require(Self.expected["broken_vgg16"])
        let url = fixture("broken_vgg16.pth")
        do {
            _ = try TorchImporter.importGraph(from: url, architecture: arch)
            Issue.record("broken_vgg16.pth imported")
        } catch let error as ImportError {
            guard case .many(let problems) = error else { Issue.record("one problem only: \(error)"); return }
            #expect(problems.count == 3, "\(error)")
            let text = error.description
            for name in [e.missing, e.extra, e.misshaped].compactMap({ $0 }) {
                #expect(text.contains(name), "\(name) not named in: \(text)")
            }
            #expect(text.contains("broken_vgg16.pth: features.12.bias: missing"), "\(text)")
            #expect(text.contains("classifier.3.weight: expected [12,12], found [12,11]"), "\(text)")
        }
    }

    /// A ResNet-34 read as a ResNet-18: the blocks ResNet-18 lacks are named as unused.
    @Test func wrongArchitectureNamesTheUnusedTensors() throws {
        #expect {
            try TorchImporter.importGraph(from: fixture("tv-resnet34_zip.pth"), architecture: "tv-resnet18", imageSize: 64)
        } throws: { error in
            let text = "\(error)"
            return text.contains("tensors not used by the architecture") && text.contains("layer1.2.conv1.weight")
                && text.contains("layer3.5.bn2.running_var")
        }
    }

    @Test func unknownArchitectureListsTheKnownOnes() throws {
        #expect {
            try TorchImporter.importGraph(from: fixture("tv-vgg16_zip.pth"), architecture: "vgg16_bn")
        } throws: { error in
            let text = "\(error)"
            return text.contains("unknown architecture 'vgg16_bn'") && text.contains("tv-mobilenetv2")
        }
    }

    /// A checkpoint of another model: no guess, a request for --arch.
    @Test func unrecognisedCheckpointAsksForArch() throws {
        let tiny = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/tiny_zip.pth")
        #expect {
            try TorchImporter.importGraph(from: tiny)
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("tiny_zip.pth: state dict: cannot tell the architecture") && text.contains("pass --arch")
        }
    }

    /// VGG's AdaptiveAvgPool2d((7, 7)) is supported where it is a plain pool; 160 px gives a
    /// 5x5 map, which it is not.
    @Test func vggRefusesInputSizesTheAdaptivePoolCannotMap() throws {
        #expect {
            try TorchImporter.importGraph(from: fixture("tv-vgg16_zip.pth"), imageSize: 160)
        } throws: { error in
            "\(error)".contains("5x5 feature map") && "\(error)".contains("AdaptiveAvgPool2d")
        }
    }
}
