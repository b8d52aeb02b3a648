import Foundation
import ZooGraph
import ZooModels
import ZooPyTorch
import ZooTensor

/// Imports a PyTorch state dict (`.pth`) into a graph for a known architecture, matching
/// parameters by name and shape. PyTorch layouts become zoo's here, once: conv weights
/// OIHW -> HWIO, Linear weights [out, in] -> [in, out].
public enum TorchImporter {
    /// The architectures a `.pth` can be imported as.
    public static let architectures = ["efficientnet-lite0"]

    public static func importGraph(from url: URL, architecture: String? = nil) throws -> Graph {
        let checkpoint = try TorchCheckpoint.load(url)
        let arch = try architecture ?? recognise(checkpoint)
        switch arch {
        case "efficientnet-lite0":
            let classes = checkpoint["_fc.bias"]?.shape.dims.first ?? 1000
            let spec = EfficientNetLite.lite0StateDict(classes: classes)
            let tensors = try matched(checkpoint, spec: spec)
            return try EfficientNetLite.lite0(classes: classes) { name in
                guard let t = tensors[name] else { throw ImportError.missingTensor(name: name, file: url) }
                return zooLayout(t)
            }
        default:
            throw ImportError.malformed(file: url, at: "--arch", detail: "unknown architecture '\(arch)' for a .pth (known: \(architectures.joined(separator: ", ")))")
        }
    }

    /// Names the architecture from the parameter names, as a person reading the file would.
    static func recognise(_ checkpoint: TorchCheckpoint) throws -> String {
        if checkpoint["_conv_stem.weight"] != nil, checkpoint["_blocks.0._depthwise_conv.weight"] != nil,
           checkpoint["_blocks.15._project_conv.weight"] != nil, checkpoint["_blocks.16._project_conv.weight"] == nil {
            return "efficientnet-lite0"
        }
        throw ImportError.malformed(file: checkpoint.file, at: "state dict",
                                    detail: "cannot tell the architecture from its parameter names; pass --arch (\(architectures.joined(separator: ", ")))")
    }

    /// The checkpoint's tensors by name, after checking them against `spec`: every missing,
    /// unexpected or mis-shaped entry is reported in one error.
    static func matched(_ checkpoint: TorchCheckpoint, spec: [(name: String, shape: Shape)]) throws -> [String: Tensor] {
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
        case 4: t.transposed([2, 3, 1, 0])
        case 2: t.transposed([1, 0])
        default: t
        }
    }
}
