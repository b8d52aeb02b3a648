import ZooGraph
import ZooKernels
import ZooTensor

/// Random tensors and small graphs for tests.
public struct TensorFactory {
    public var rng: SeededRandom
    public init(seed: UInt64) { rng = SeededRandom(seed: seed) }

    public mutating func uniform(_ shape: Shape, _ range: ClosedRange<Float> = -1...1) -> Tensor {
        Tensor(shape: shape, floats: rng.floats(shape.elementCount, in: range))
    }

    /// Batch-norm parameters with randomised statistics (variance and scale kept positive).
    public mutating func batchNormParams(_ channels: Int) -> (scale: Tensor, bias: Tensor, mean: Tensor, variance: Tensor) {
        (uniform([channels], 0.5...1.5), uniform([channels], -0.5...0.5), uniform([channels], -0.5...0.5), uniform([channels], 0.2...2))
    }
}

/// Runs a single-input, single-output graph.
public func runGraph(_ graph: Graph, _ input: Tensor, threads: Int = 2) throws -> Tensor {
    let executor = Executor(graph: graph, threads: threads)
    let name = graph.values[graph.inputs[0]].name
    let outputs = try executor.run([name: input])
    return outputs[graph.outputs[0].name]!
}
