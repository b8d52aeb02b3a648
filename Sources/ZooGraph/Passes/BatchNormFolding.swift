import ZooTensor

/// Folds an inference batch norm into the conv or dense layer before it:
/// with s = gamma / sqrt(var + eps), W'[..., o] = W[..., o] * s[o] and b' = (b - mean) * s + beta.
enum BatchNormFolding {
    static func apply(_ graph: Graph) -> Graph {
        var g = graph
        for n in g.nodes.indices {
            // Read the working copy: earlier folds rewired the nodes after them.
            let bn = g.nodes[n]
            guard case .batchNorm(let epsilon) = bn.op else { continue }
            let consumers = g.consumers()
            guard let p = g.producers()[bn.inputs[0]], g.soleConsumer(of: bn.inputs[0], in: consumers) == n,
                  let folded = fold(g.nodes[p], epsilon: epsilon, bn: bn, in: &g) else { continue }
            g.nodes[p] = folded
            g.replaceUses(of: bn.output, with: bn.inputs[0])
            g.detach(n)
        }
        return g.compacted()
    }

    /// The producer with the batch norm's scale and shift baked into new weight constants,
    /// or nil when it is not a foldable conv/dense (already activated, fused, or non-constant).
    private static func fold(_ layer: Node, epsilon: Float, bn: Node, in g: inout Graph) -> Node? {
        switch layer.op {
        case .conv2d(let p) where p.activation == .none: break
        case .dense(let p) where p.activation == .none: break
        default: return nil
        }
        guard layer.inputs.count == 3,
              let weights = g.values[layer.inputs[1]].constant, let bias = g.values[layer.inputs[2]].constant else { return nil }
        let params = bn.inputs.dropFirst().map { g.values[$0].constant?.floats }
        guard let gamma = params[0], let beta = params[1], let mean = params[2], let variance = params[3] else { return nil }

        let scale = (0..<gamma.count).map { Double(gamma[$0]) / (Double(variance[$0]) + Double(epsilon)).squareRoot() }
        var w = weights.converted(to: .float32)
        let channels = scale.count
        w.withUnsafeMutableFloats { buf in
            for i in 0..<buf.count { buf[i] = Float(Double(buf[i]) * scale[i % channels]) }
        }
        let b = bias.floats
        let newBias = (0..<channels).map { Float((Double(b[$0]) - Double(mean[$0])) * scale[$0] + Double(beta[$0])) }

        var folded = layer
        folded.inputs[1] = g.addConstant(w, name: layer.name + "/kernel_bn")
        folded.inputs[2] = g.addConstant(Tensor(shape: [channels], floats: newBias), name: layer.name + "/bias_bn")
        return folded
    }
}
