import ZooKernels
import ZooTensor

/// One row of a Keras-style `summary()`.
public struct LayerSummary: Sendable {
    /// The node's name.
    public var name: String
    /// The op, as printed (`conv2d 3x3/2`, `dense`, ...).
    public var op: String
    /// The output shape at the summarised batch size.
    public var outputShape: Shape
    /// Number of weights the node reads.
    public var parameters: Int
    /// Floating-point operations (a multiply-add counts as two).
    public var flops: Int
}

extension Graph {
    /// Per-node rows at the given batch size: op, output shape, weights read, FLOPs.
    public func summary(batch: Int = 1) throws -> [LayerSummary] {
        let shapes = try shapes(batch: batch)
        return nodes.map { node in
            let params = node.inputs.filter { values[$0].constant != nil }.reduce(0) { $0 + values[$1].shape.elementCount }
            return LayerSummary(name: node.name, op: node.op.name, outputShape: shapes[node.output],
                                parameters: params, flops: Self.flops(node, shapes: shapes))
        }
    }

    static func flops(_ node: Node, shapes: [Shape]) -> Int {
        let out = shapes[node.output]
        switch node.op {
        case .conv2d(let p):
            let w = shapes[node.inputs[1]]
            return 2 * out.elementCount * p.kernel.h * p.kernel.w * w[2]
        case .dense:
            return 2 * out.elementCount * shapes[node.inputs[1]][0]
        case .pool2d(let p):
            return out.elementCount * p.kernel.h * p.kernel.w
        case .globalPool:
            return shapes[node.inputs[0]].elementCount
        case .batchNorm, .binary:
            return 2 * out.elementCount
        case .activation, .softmax:
            return out.elementCount
        case .concat, .pad, .flatten, .reshape, .transpose, .identity:
            return 0
        }
    }
}
