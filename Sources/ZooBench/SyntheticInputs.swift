import ZooGraph
import ZooTensor

/// The inputs `zoo bench` feeds: every graph input at the benchmark's batch size, filled with
/// values in [-1, 1] from a fixed formula, so every run and every machine computes on the same
/// numbers (random-looking, so no kernel gets an easy all-zero case).
public enum SyntheticInputs {
    /// One tensor per graph input at `batch`, from the fixed formula.
    public static func make(for graph: Graph, batch: Int) throws -> [String: Tensor] {
        var feeds: [String: Tensor] = [:]
        for id in graph.inputs {
            let value = graph.values[id]
            guard value.dtype == .float32 else {
                throw BenchError("input \(value.name) is \(value.dtype): only float32 inputs can be synthesised")
            }
            var dims = value.shape.dims
            if !dims.isEmpty { dims[0] = batch }
            let shape = Shape(dims)
            // Knuth's multiplicative hash of the index, scaled to [-1, 1].
            let floats = (0..<shape.elementCount).map { i in
                Float(UInt32(truncatingIfNeeded: UInt64(i) &* 2_654_435_761)) / Float(1 << 31) - 1
            }
            feeds[value.name] = Tensor(shape: shape, floats: floats)
        }
        return feeds
    }
}
