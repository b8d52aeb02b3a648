import ZooKernels
import ZooTensor

/// A 1x1 convolution's prepared weights inside a fused step: bf16 panels at bf16, float32 panels
/// at fp32 (the step's GEMMs run on a few rows at a time, too few to copy row-major weights into
/// panels at every call), float32 widened from a `--bf16` file where neither was made.
struct PreparedPointwise: Sendable {
    let bf16: PreparedWeight<BF16Weights>?
    let float32: PreparedWeight<Tensor>?
    let panels: PreparedWeight<FP32Panels>?

    func makeWeights() {
        _ = bf16?.weights
        _ = float32?.weights
        _ = panels?.weights
    }

    /// The GEMM's view, `constant` being the node's weights input.
    func weights(_ constant: UnsafePointer<Float>) -> PointwiseWeights {
        PointwiseWeights(float32: float32.map(KernelDispatch.floats) ?? constant, bf16: bf16?.weights, panels: panels?.weights)
    }
}

extension KernelDispatch {
    /// MobileNetV2's inverted residual block starting at node `index` as one step: a 1x1
    /// convolution, the depthwise convolution that alone reads it, and the 1x1 convolution that
    /// alone reads that (or, with no expansion, the last two), when `InvertedResidual` fuses them.
    /// `kernel` is node `index`'s prepared kernel; `readOnlyByNext(j)` says whether node j's output
    /// is read by node j + 1 alone (and is not a graph output or an alias). Returns the step's
    /// kernel, its last node and its inputs (each node's, the chained activation left out).
    static func invertedResidual(startingAt index: Int, kernel: PreparedKernel, graph: Graph, shapes: [Shape],
                                 constants: [Tensor?], preparedWeights: PreparedWeights, kernels: KernelOptions,
                                 readOnlyByNext: (Int) -> Bool) throws -> (kernel: PreparedKernel, last: Int, inputs: [ValueID])? {
        guard case let .conv2d(first, _, _, _, firstResidual, _) = kernel, !firstResidual else { return nil }
        let chain = first.isDepthwise ? [index, index + 1] : [index, index + 1, index + 2]
        guard chain.last! < graph.nodes.count else { return nil }
        for j in chain.dropLast() {
            let next = graph.nodes[j + 1]
            guard readOnlyByNext(j), next.inputs.first == graph.nodes[j].output,
                  !next.inputs.dropFirst().contains(graph.nodes[j].output) else { return nil }
        }
        var prepared = [kernel]
        for j in chain.dropFirst() {
            prepared.append(try prepare(node: graph.nodes[j], index: j, shapes: shapes, constants: constants,
                                        preparedWeights: preparedWeights, kernels: kernels))
        }
        // Each a plain convolution (not Winograd), only the projection with a residual.
        var layers: [(g: Conv2DGeometry, bf16: PreparedWeight<BF16Weights>?, float32: PreparedWeight<Tensor>?)] = []
        for (position, step) in prepared.enumerated() {
            guard case let .conv2d(g, bf16, float32, _, hasResidual, _) = step,
                  !hasResidual || position == prepared.count - 1 else { return nil }
            layers.append((g, bf16, float32))
        }
        let expand = layers.count == 3 ? layers[0] : nil, depthwise = layers[layers.count - 2], project = layers[layers.count - 1]
        guard let block = InvertedResidual(expand: expand?.g, depthwise: depthwise.g, project: project.g, kernels: kernels),
              case let .conv2d(_, _, _, _, hasResidual, _) = prepared.last! else { return nil }
        func pointwise(_ layer: (g: Conv2DGeometry, bf16: PreparedWeight<BF16Weights>?, float32: PreparedWeight<Tensor>?),
                       node: Int) -> PreparedPointwise {
            let panels = layer.bf16 == nil ? fp32Panels(node: graph.nodes[node], index: node, constants: constants,
                                                        preparedWeights: preparedWeights) : nil
            return PreparedPointwise(bf16: layer.bf16, float32: panels == nil ? layer.float32 : nil, panels: panels)
        }
        let fused = PreparedKernel.invertedResidual(block, expand: expand.map { pointwise($0, node: index) },
                                                    depthwise: depthwise.float32,
                                                    project: pointwise(project, node: chain.last!), hasResidual: hasResidual)
        let inputs = graph.nodes[index].inputs + chain.dropFirst().flatMap { graph.nodes[$0].inputs.dropFirst() }
        return (fused, chain.last!, inputs)
    }
}
