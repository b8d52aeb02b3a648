import Testing
import ZooGraph
@testable import ZooImport
import ZooModels
import ZooTensor

/// The full-size torchvision architectures without weight files: state-dict specs against
/// torchvision's own counts, recognition from names alone, `--arch` spellings, and graphs.
@Suite struct TorchvisionArchitectureTests {
    /// torchvision's figures: `sum(p.numel() for p in model.parameters())` and the number of
    /// `state_dict()` entries without `num_batches_tracked`.
    @Test(arguments: [
        (TorchArchitecture.resnet18, 11_689_512, 102),
        (.resnet34, 21_797_672, 182),
        (.resnet50, 25_557_032, 267),
        (.vgg16, 138_357_544, 32),
        (.vgg19, 143_667_240, 38),
        (.mobileNetV2, 3_504_872, 262),
    ])
    func stateDictSpecMatchesTorchvision(arch: TorchArchitecture, parameters: Int, entries: Int) {
        let spec = Self.spec(arch)
        #expect(spec.count == entries)
        // Running statistics are buffers, not parameters.
        let counted = spec.filter { !$0.name.hasSuffix("running_mean") && !$0.name.hasSuffix("running_var") }
        #expect(counted.map(\.shape.elementCount).reduce(0, +) == parameters)
        #expect(Set(spec.map(\.name)).count == spec.count, "names are unique")
    }

    static func spec(_ arch: TorchArchitecture) -> [StateDictEntry] {
        switch arch {
        case .efficientNetLite0: EfficientNetLite.lite0StateDict()
        case .resnet18: TorchvisionResNet.stateDict(.resnet18())
        case .resnet34: TorchvisionResNet.stateDict(.resnet34())
        case .resnet50: TorchvisionResNet.stateDict(.resnet50())
        case .vgg16: TorchvisionVGG.stateDict(.vgg16())
        case .vgg19: TorchvisionVGG.stateDict(.vgg19())
        case .mobileNetV2: TorchvisionMobileNetV2.stateDict(.init())
        }
    }

    /// The names in torchvision's layout that tell the models apart.
    @Test func specsCarryTorchvisionNames() {
        let r50 = Set(Self.spec(.resnet50).map(\.name))
        #expect(r50.isSuperset(of: ["layer1.0.conv3.weight", "layer1.0.downsample.0.weight", "layer1.0.downsample.1.running_var",
                                    "layer4.2.bn3.bias", "fc.weight"]))
        #expect(!r50.contains("layer1.1.downsample.0.weight"))
        #expect(Self.spec(.resnet18).first { $0.name == "layer2.0.downsample.0.weight" }?.shape == [128, 64, 1, 1])
        #expect(!Set(Self.spec(.resnet18).map(\.name)).contains("layer1.0.downsample.0.weight"), "layer1 keeps 64 channels, stride 1")
        let vgg19 = Self.spec(.vgg19).map(\.name)
        #expect(vgg19.prefix(4) == ["features.0.weight", "features.0.bias", "features.2.weight", "features.2.bias"])
        #expect(vgg19.contains("features.34.weight") && vgg19.contains("features.5.weight"))
        #expect(Self.spec(.vgg16).first { $0.name == "classifier.0.weight" }?.shape == [4096, 25088])
        let mnv2 = Self.spec(.mobileNetV2)
        #expect(mnv2.first { $0.name == "features.1.conv.0.0.weight" }?.shape == [32, 1, 3, 3], "t=1: depthwise first")
        #expect(mnv2.first { $0.name == "features.1.conv.1.weight" }?.shape == [16, 32, 1, 1])
        #expect(mnv2.first { $0.name == "features.2.conv.0.0.weight" }?.shape == [96, 16, 1, 1], "t=6: expand first")
        #expect(mnv2.first { $0.name == "features.2.conv.3.running_mean" }?.shape == [24])
        #expect(mnv2.first { $0.name == "features.18.0.weight" }?.shape == [1280, 320, 1, 1])
    }

    @Test(arguments: TorchArchitecture.allCases)
    func fullSizeNamesAreRecognised(arch: TorchArchitecture) {
        var shapes: [String: Shape] = [:]
        for (name, shape) in Self.spec(arch) { shapes[name] = shape }
        #expect(TorchArchitecture.recognise(shapes).architecture == arch)
    }

    /// Near misses are not guessed: the hint says what the names look like.
    @Test func nearMissesAreNotRecognised() {
        func shapes(_ spec: [StateDictEntry], renaming: (String) -> String? = { $0 }) -> [String: Shape] {
            var result: [String: Shape] = [:]
            for (name, shape) in spec { if let n = renaming(name) { result[n] = shape } }
            return result
        }
        let resnet101 = shapes(TorchvisionResNet.stateDict(TorchvisionResNet.Config(block: .bottleneck, blocks: [3, 4, 23, 3])))
        #expect(TorchArchitecture.recognise(resnet101).architecture == nil)
        #expect(TorchArchitecture.recognise(resnet101).hint?.contains("[3, 4, 23, 3]") == true)
        var vggBN = shapes(Self.spec(.vgg16))
        vggBN["features.1.running_var"] = [64]
        #expect(TorchArchitecture.recognise(vggBN).architecture == nil)
        let unrelated = TorchArchitecture.recognise(["weight": [3]])
        #expect(unrelated.architecture == nil && unrelated.hint == nil)
    }

    /// Widths and class counts read back from a spec give the config that wrote it, for
    /// configs other than torchvision's defaults.
    @Test func configsAreInferredFromShapes() {
        func lookup(_ spec: [StateDictEntry]) -> (String) -> Shape? {
            var shapes: [String: Shape] = [:]
            for (name, shape) in spec { shapes[name] = shape }
            return { shapes[$0] }
        }
        var resnet = TorchvisionResNet.Config.resnet50(classes: 7)
        resnet.stem = 8
        resnet.stages = resnet.stages.enumerated().map { i, s in .init(blocks: s.blocks, width: 4 * (i + 1), output: 16 * (i + 1), stride: s.stride) }
        #expect(TorchvisionResNet.Config.resnet50().inferred(from: lookup(TorchvisionResNet.stateDict(resnet))) == resnet)
        var vgg = TorchvisionVGG.Config.vgg19(classes: 3)
        vgg.layers = vgg.layers.enumerated().map { i, l in l == .pool ? .pool : .conv(i + 1) }
        vgg.hidden = 20
        #expect(TorchvisionVGG.Config.vgg19().inferred(from: lookup(TorchvisionVGG.stateDict(vgg))) == vgg)
        let mobile = TorchvisionMobileNetV2.Config(widthMultiplier: 0.5, classes: 5)
        #expect(mobile.stem == 16 && mobile.last == 1280)
        #expect(TorchvisionMobileNetV2.Config().inferred(from: lookup(TorchvisionMobileNetV2.stateDict(mobile))) == mobile)
    }

    /// A zero or missing leading dimension is not taken as a width (it would build a
    /// zero-channel layer, or divide by zero): the default stays and the state-dict check
    /// reports the tensor.
    @Test func degenerateShapesAreNotInferred() {
        let zero: (String) -> Shape? = { _ in [0, 3, 3, 3] }
        let scalar: (String) -> Shape? = { _ in [] }
        for shape in [zero, scalar] {
            #expect(TorchvisionMobileNetV2.Config().inferred(from: shape) == TorchvisionMobileNetV2.Config())
            #expect(TorchvisionResNet.Config.resnet18().inferred(from: shape) == .resnet18())
            #expect(TorchvisionVGG.Config.vgg16().inferred(from: shape) == .vgg16())
        }
    }

    @Test(arguments: [
        ("tv-resnet18", TorchArchitecture.resnet18), ("resnet18", .resnet18), ("resnet34", .resnet34), ("tv_resnet50", .resnet50),
        ("vgg16", .vgg16), ("TV-VGG19", .vgg19), ("mobilenet_v2", .mobileNetV2), ("tv-mobilenetv2", .mobileNetV2),
        ("mobilenetv2", .mobileNetV2), ("efficientnet-lite0", .efficientNetLite0), ("efficientnet_lite0", .efficientNetLite0),
    ])
    func archSpellings(text: String, arch: TorchArchitecture) {
        #expect(TorchArchitecture(parsing: text) == arch)
    }

    @Test(arguments: ["resnet101", "vgg16_bn", "mobilenet_v3_small", "tv-", ""])
    func unknownSpellings(text: String) {
        #expect(TorchArchitecture(parsing: text) == nil)
    }

    /// Full-size graphs (zero weights) have torchvision's output and embedding widths.
    @Test(arguments: [(TorchArchitecture.resnet18, 512), (.resnet50, 2048), (.mobileNetV2, 1280)])
    func fullSizeGraphShapes(arch: TorchArchitecture, featureWidth: Int) throws {
        // Zoo's layouts: OIHW -> HWIO, [out, in] -> [in, out].
        var zooShapes: [String: Shape] = [:]
        for (name, shape) in Self.spec(arch) {
            let d = shape.dims
            zooShapes[name] = d.count == 4 ? [d[2], d[3], d[1], d[0]] : Shape(d.reversed())
        }
        let zeros: (String) throws -> Tensor = { Tensor(zeros: zooShapes[$0]!) }
        let graph: Graph = switch arch {
        case .resnet18: try TorchvisionResNet.graph(.resnet18(), weight: zeros)
        case .resnet50: try TorchvisionResNet.graph(.resnet50(), weight: zeros)
        default: try TorchvisionMobileNetV2.graph(.init(), weight: zeros)
        }
        let shapes = try graph.shapes(batch: 2)
        #expect(shapes[try #require(graph.value(named: "logits"))] == [2, 1000])
        #expect(shapes[try #require(graph.value(named: "features"))] == [2, featureWidth])
        #expect(graph.values[graph.inputs[0]].shape == [1, 3, 224, 224], "fed NCHW, like PyTorch")
    }
}
