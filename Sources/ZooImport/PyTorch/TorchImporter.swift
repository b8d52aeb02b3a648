import Foundation
import ZooGraph
import ZooModels
import ZooPyTorch
import ZooTensor

/// Imports a PyTorch state dict (`.pth`) into a graph for a known architecture, matching
/// parameters by name and shape. PyTorch layouts become zoo's here, once: conv weights
/// OIHW -> HWIO, Linear weights [out, in] -> [in, out], and VGG's first classifier rows from
/// the C,H,W order of PyTorch's flatten to the H,W,C order of zoo's.
public enum TorchImporter {
    /// The architectures a `.pth` can be imported as (`--arch` values).
    public static let architectures = TorchArchitecture.allCases.map(\.rawValue)

    /// Reads `url` and builds the graph for `architecture` (recognised from the parameter
    /// names when nil) at `imageSize` x `imageSize`. Widths and the class count come from the
    /// checkpoint's shapes, so fine-tuned heads and reduced widths import too.
    public static func importGraph(from url: URL, architecture: String? = nil, imageSize: Int = 224) throws -> Graph {
        let checkpoint = try TorchCheckpoint.load(url)
        var shapes: [String: Shape] = [:]
        for (name, tensor) in checkpoint.tensors { shapes[name] = tensor.shape }
        let arch = try resolve(architecture, shapes: shapes, file: url)
        return try build(arch, imageSize: imageSize, shape: { shapes[$0] }, reordersFlattenRows: true) { spec in
            // The builders ask only for names of the spec `matched` has checked.
            let tensors = try matched(checkpoint, spec: spec)
            return { name in
                guard let t = tensors[name] else { throw ImportError.missingTensor(name: name, file: url) }
                return zooLayout(t)
            }
        }
    }

    /// Builds `arch` at `imageSize` x `imageSize`: widths and the class count from `shape` (a
    /// checkpoint's shapes; nil everywhere gives torchvision's standard sizes), each tensor of
    /// the architecture's state-dict spec from `weights(spec)`, in zoo layout. VGG's first
    /// classifier rows are reordered from PyTorch's C,H,W flatten to zoo's H,W,C when
    /// `reordersFlattenRows` (weights that are all zero need no reordering).
    static func build(_ arch: TorchArchitecture, imageSize: Int, shape: (String) -> Shape?, reordersFlattenRows: Bool,
                      weights: ([StateDictEntry]) throws -> (String) throws -> Tensor) throws -> Graph {
        switch arch {
        case .efficientNetLite0:
            let classes = shape("_fc.bias")?.dims.first.flatMap { $0 > 0 ? $0 : nil } ?? 1000
            return try EfficientNetLite.lite0(imageSize: imageSize, classes: classes,
                                              weight: weights(EfficientNetLite.lite0StateDict(classes: classes)))
        case .resnet18, .resnet34, .resnet50:
            let standard: TorchvisionResNet.Config = arch == .resnet18 ? .resnet18() : arch == .resnet34 ? .resnet34() : .resnet50()
            let config = standard.inferred(from: shape)
            return try TorchvisionResNet.graph(config, imageSize: imageSize, name: arch.rawValue,
                                               weight: weights(TorchvisionResNet.stateDict(config)))
        case .vgg16, .vgg19:
            let config = (arch == .vgg16 ? TorchvisionVGG.Config.vgg16() : .vgg19()).inferred(from: shape)
            let weight = try weights(TorchvisionVGG.stateDict(config))
            let side = TorchvisionVGG.pooledSize
            return try TorchvisionVGG.graph(config, imageSize: imageSize, name: arch.rawValue) { name in
                let t = try weight(name)
                guard reordersFlattenRows, name == "classifier.0.weight" else { return t }
                return Layout.hwcRows(t, channels: config.lastChannels, height: side, width: side)
            }
        case .mobileNetV2:
            let config = TorchvisionMobileNetV2.Config().inferred(from: shape)
            return try TorchvisionMobileNetV2.graph(config, imageSize: imageSize, name: arch.rawValue,
                                                    weight: weights(TorchvisionMobileNetV2.stateDict(config)))
        }
    }

    /// The `--arch` value parsed, or the architecture recognised from the parameter names.
    static func resolve(_ architecture: String?, shapes: [String: Shape], file: URL) throws -> TorchArchitecture {
        let known = architectures.joined(separator: ", ")
        if let architecture {
            guard let arch = TorchArchitecture(parsing: architecture) else {
                throw ImportError.malformed(file: file, at: "--arch", detail: "unknown architecture '\(architecture)' for a .pth (known: \(known))")
            }
            return arch
        }
        let (arch, hint) = TorchArchitecture.recognise(shapes)
        if let arch { return arch }
        let seen = hint.map { "it looks like \($0), which zoo does not define; " } ?? ""
        throw ImportError.malformed(file: file, at: "state dict",
                                    detail: "cannot tell the architecture from its parameter names; \(seen)pass --arch (\(known))")
    }

    /// The checkpoint's tensors by name, after checking them against `spec`: every missing,
    /// unexpected or mis-shaped entry is reported in one error.
    static func matched(_ checkpoint: TorchCheckpoint, spec: [StateDictEntry]) throws -> [String: Tensor] {
        var byName: [String: Tensor] = [:]
        for (name, tensor) in checkpoint.tensors { byName[name] = tensor }
        var problems: [ImportError] = []
        for (name, shape) in spec {
            guard let t = byName[name] else { problems.append(.missingTensor(name: name, file: checkpoint.file)); continue }
            if t.shape != shape { problems.append(.shapeMismatch(tensor: name, expected: shape, found: t.shape, file: checkpoint.file)) }
            if t.dtype != .float32 && t.dtype != .float16 {
                problems.append(.unsupportedDType(tensor: name, dtype: t.dtype.rawValue, file: checkpoint.file))
            }
        }
        let expected = Set(spec.map(\.name))
        let extra = checkpoint.tensors.map(\.name).filter { !expected.contains($0) }
        if !extra.isEmpty { problems.append(.unusedTensors(names: extra, file: checkpoint.file)) }
        if problems.count == 1 { throw problems[0] }
        if !problems.isEmpty { throw ImportError.many(problems) }
        return byName
    }

    /// PyTorch layout to zoo layout: OIHW -> HWIO for convs, [out, in] -> [in, out] for Linear.
    static func zooLayout(_ t: Tensor) -> Tensor {
        switch t.shape.rank {
        case 4: Layout.hwio(fromOIHW: t)
        case 2: Layout.inputMajor(fromOutputMajor: t)
        default: t
        }
    }
}
