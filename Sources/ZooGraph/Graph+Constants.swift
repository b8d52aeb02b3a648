import ZooTensor

extension Graph {
    /// The same graph with some constants replaced: `replacement` returns a new tensor (same
    /// shape and dtype) for a constant value, or nil to keep it. For experiments such as
    /// randomising a layer's weights.
    public func replacingConstants(_ replacement: (_ name: String, _ tensor: Tensor) -> Tensor?) -> Graph {
        var g = self
        for i in g.values.indices {
            guard let tensor = g.values[i].constant, let new = replacement(g.values[i].name, tensor) else { continue }
            precondition(new.shape == tensor.shape, "replacement for \(g.values[i].name) has shape \(new.shape), expected \(tensor.shape)")
            g.values[i].kind = .constant(new)
            g.values[i].dtype = new.dtype
        }
        return g
    }
}
