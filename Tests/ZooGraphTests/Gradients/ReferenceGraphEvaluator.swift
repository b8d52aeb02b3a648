import Foundation
import ZooGraph
import ZooKernels
import ZooTensor

/// Runs a graph node by node with the float64 reference kernels: the function whose finite
/// differences the gradient tests compare against. Slow on purpose; for small graphs only.
struct ReferenceGraphEvaluator {
    let graph: Graph

    /// Every value of the graph (by value id), in float64, for these inputs; `values` may
    /// also replace constants by name (to perturb weights).
    func evaluate(_ given: [String: [Double]], batch: Int) throws -> [[Double]] {
        let shapes = try graph.shapes(batch: batch)
        var values = graph.values.map { $0.constant.map { $0.converted(to: .float32).floats.map(Double.init) } ?? [] }
        for (name, v) in given { values[graph.value(named: name)!] = v }
        for node in graph.nodes {
            let x = shapes[node.inputs[0]], out = shapes[node.output]
            let v = node.inputs.map { values[$0] }
            switch node.op {
            case .conv2d(let p):
                let g = Conv2DGeometry(batch: x[0], inH: x[1], inW: x[2], inC: x[3], outC: shapes[node.inputs[1]][3], params: p)
                values[node.output] = ReferenceKernels.conv2d(g, input: v[0], weights: v[1], bias: v[2], residual: v.count == 4 ? v[3] : nil)
            case .dense(let p):
                let w = shapes[node.inputs[1]]
                values[node.output] = ReferenceKernels.dense(rows: x.elementCount / w[0], inFeatures: w[0], outFeatures: w[1], input: v[0],
                                                             weights: v[1], bias: v[2], residual: v.count == 4 ? v[3] : nil, activation: p.activation)
            case .batchNorm(let eps):
                let scale = zip(v[1], v[4]).map { $0 / ($1 + Double(eps)).squareRoot() }
                let shift = (0..<scale.count).map { v[2][$0] - v[3][$0] * scale[$0] }
                values[node.output] = ReferenceKernels.channelAffine(input: v[0], scale: scale, shift: shift, channels: scale.count)
            case .activation(let a):
                values[node.output] = ReferenceKernels.activation(a, v[0])
            case .softmax(let axis):
                values[node.output] = ReferenceKernels.softmax(input: v[0], outer: x.dims[..<axis].reduce(1, *), axis: x[axis],
                                                               inner: x.dims[(axis + 1)...].reduce(1, *))
            case .pool2d(let p):
                values[node.output] = ReferenceKernels.pool2d(p, batch: x[0], inH: x[1], inW: x[2], channels: x[3], input: v[0])
            case .globalPool(let kind, _):
                values[node.output] = ReferenceKernels.globalPool(kind, batch: x[0], spatial: x[1] * x[2], channels: x[3], input: v[0])
            case .binary(let op):
                values[node.output] = ReferenceKernels.binary(op, a: v[0], aShape: x, b: v[1], bShape: shapes[node.inputs[1]], outShape: out)
            case .concat(let axis):
                values[node.output] = ReferenceKernels.concat(inputs: node.inputs.map { (values[$0], shapes[$0]) }, axis: axis, outShape: out)
            case let .pad(before, after, value):
                values[node.output] = ReferenceKernels.constantPad(input: v[0], inShape: x, before: before, after: after, value: Double(value))
            case .transpose(let perm):
                // Transpose the element indices (exact in float32 for small tensors) and gather.
                let order = Tensor(shape: x, floats: (0..<v[0].count).map { Float($0) }).transposed(perm).floats
                values[node.output] = order.map { v[0][Int($0)] }
            case .flatten, .reshape, .identity:
                values[node.output] = v[0]
            }
        }
        return values
    }
}
