import ZooKernels
import ZooTensor

/// The one place that maps ops to their vector-Jacobian products, by an exhaustive switch
/// like `KernelDispatch`: a new op does not compile until it says how gradients cross it.
enum NodeVJP {
    /// The gradient of each input of `node` given its output gradient `dy`; nil for inputs not
    /// `wanted`. `value` returns any value's forward result, `shapes` all shapes at this batch.
    /// Fused epilogues must have been split off (`Graph.unfusedForGradients()`).
    static func inputGradients(_ node: Node, wanted: [Bool], shapes: [Shape], value: (ValueID) -> [Float],
                               outputGradient dy: [Float]) throws -> [[Float]?] {
        func fail(_ detail: String) -> GraphError { .invalidNode(node: node.name, op: node.op.name, detail: detail) }
        func only(_ grads: [Float]...) -> [[Float]?] {
            grads.enumerated().map { wanted[$0.offset] ? $0.element : nil } + Array(repeating: nil, count: max(0, wanted.count - grads.count))
        }
        let x = shapes[node.inputs[0]], out = shapes[node.output]
        switch node.op {
        case .conv2d(let p):
            guard p.activation == .none, node.inputs.count == 3 else { throw fail("differentiate the unfused graph (fused activation or residual)") }
            let w = shapes[node.inputs[1]]
            let g = Conv2DGeometry(batch: x[0], inH: x[1], inW: x[2], inC: x[3], outC: w[3], params: p)
            let r = ConvolutionVJP.backward(g, input: value(node.inputs[0]), weights: value(node.inputs[1]),
                                            outputGradient: dy, needsWeights: wanted[1])
            return only(r.input, r.weights, r.bias)
        case .dense(let p):
            guard p.activation == .none, node.inputs.count == 3 else { throw fail("differentiate the unfused graph (fused activation or residual)") }
            let w = shapes[node.inputs[1]]
            let r = DenseVJP.backward(rows: x.elementCount / w[0], inFeatures: w[0], outFeatures: w[1],
                                      input: value(node.inputs[0]), weights: value(node.inputs[1]),
                                      outputGradient: dy, needsWeights: wanted[1])
            return only(r.input, r.weights, r.bias)
        case .batchNorm(let epsilon):
            guard !wanted.dropFirst().contains(true) else { throw fail("gradients of batch-norm parameters are not computed") }
            return only(TensorOpsVJP.batchNorm(gamma: value(node.inputs[1]), variance: value(node.inputs[4]),
                                               epsilon: epsilon, outputGradient: dy))
        case .activation(let a):
            return only(ActivationVJP.backward(a, input: value(node.inputs[0]), outputGradient: dy))
        case .softmax(let axis):
            return only(TensorOpsVJP.softmax(output: value(node.output), outer: x.dims[..<axis].reduce(1, *), axis: x[axis],
                                             inner: x.dims[(axis + 1)...].reduce(1, *), outputGradient: dy))
        case .pool2d(let p):
            return only(PoolingVJP.pool2d(p, batch: x[0], inH: x[1], inW: x[2], channels: x[3],
                                          input: value(node.inputs[0]), outputGradient: dy))
        case .globalPool(let kind, _):
            return only(PoolingVJP.globalPool(kind, batch: x[0], spatial: x[1] * x[2], channels: x[3],
                                              input: value(node.inputs[0]), outputGradient: dy))
        case .binary(let op):
            let b = shapes[node.inputs[1]]
            let r = TensorOpsVJP.binary(op, a: value(node.inputs[0]), aShape: x, b: value(node.inputs[1]), bShape: b,
                                        outShape: out, outputGradient: dy)
            return only(r.a, r.b)
        case .concat(let axis):
            let parts = TensorOpsVJP.concat(inputs: node.inputs.map { shapes[$0] }, axis: axis, outShape: out, outputGradient: dy)
            return parts.enumerated().map { wanted[$0.offset] ? $0.element : nil }
        case let .pad(before, _, _):
            return only(TensorOpsVJP.pad(input: x, before: before, outShape: out, outputGradient: dy))
        case .transpose(let perm):
            return only(TensorOpsVJP.transpose(outShape: out, permutation: perm, outputGradient: dy))
        case .flatten, .reshape, .identity:
            return only(dy)
        }
    }
}
