import ZooGraph
import ZooTensor

extension ArchitectureConfig {
    /// The network with placeholder weights (no memory spent on them, see `PlaceholderWeights`): its
    /// layers, shapes, parameter count and FLOPs are all there, as Keras'
    /// `VGG19(weights=None).summary()` shows them without any weights file.
    public func skeletonGraph() throws -> Graph {
        let spec = try weightsSpec()
        let shapes = spec.layers.flatMap { $0.weights.map(\.shape) }
        let largest = shapes.compactMap { $0.checkedElementCount }.max() ?? 0
        guard let placeholders = PlaceholderWeights(byteCount: largest * DType.float32.byteSize) else {
            throw ArchitectureError.invalid(description, "cannot map \(largest) placeholder weights")
        }
        var weights: [String: [Tensor]] = [:]
        for layer in spec.layers {
            weights[layer.name] = try layer.weights.map { weight in
                guard let t = placeholders.tensor(weight.shape) else {
                    throw ArchitectureError.invalid(description, "\(layer.name)/\(weight.name) has shape \(weight.shape)")
                }
                return t
            }
        }
        return try graph(weights: weights)
    }
}
