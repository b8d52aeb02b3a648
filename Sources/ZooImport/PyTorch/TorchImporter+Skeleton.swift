import Foundation
import ZooGraph
import ZooModels
import ZooTensor

extension TorchImporter {
    /// `arch` at torchvision's standard sizes (1000 classes) with placeholder weights, costing no
    /// memory (see `PlaceholderWeights`): the network as `torchvision.models.resnet18(weights=None)`
    /// describes it, for `zoo info` without the weights file.
    public static func skeleton(_ arch: TorchArchitecture, imageSize: Int = 224) throws -> Graph {
        // Only a bug could raise these: the spec and the builder are defined together.
        let subject = URL(fileURLWithPath: arch.rawValue)
        return try build(arch, imageSize: imageSize, shape: { _ in nil }, reordersFlattenRows: false) { spec in
            let shapes = Dictionary(spec.map { ($0.name, zooLayout($0.shape)) }) { first, _ in first }
            let largest = shapes.values.compactMap(\.checkedElementCount).max() ?? 0
            guard let placeholders = PlaceholderWeights(byteCount: largest * DType.float32.byteSize) else {
                throw ImportError.malformed(file: subject, at: "architecture", detail: "cannot map \(largest) placeholder weights")
            }
            return { name in
                guard let shape = shapes[name], let t = placeholders.tensor(shape) else {
                    throw ImportError.malformed(file: subject, at: "architecture", detail: "\(name) is not in its state-dict spec")
                }
                return t
            }
        }
    }

    /// The zoo-layout shape of a PyTorch-layout tensor, as `zooLayout` moves its data:
    /// OIHW -> HWIO, [out, in] -> [in, out].
    static func zooLayout(_ shape: Shape) -> Shape {
        let d = shape.dims
        switch d.count {
        case 4: return [d[2], d[3], d[1], d[0]]
        case 2: return [d[1], d[0]]
        default: return shape
        }
    }
}
