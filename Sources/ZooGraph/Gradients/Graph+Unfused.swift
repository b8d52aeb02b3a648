import ZooKernels

extension Graph {
    /// The same computation with every fused convolution or dense layer split back into its
    /// linear part, residual add and activation, so that each pre-activation is a value of its
    /// own (an activation's gradient needs its input, which fusion threw away). A fused node
    /// `N` becomes `N/linear` (+ `N/residual`) and the last piece keeps the name `N`, so a
    /// layer name means the same values in both graphs. A folded batch norm stays folded: it is
    /// part of the convolution's weights and bias.
    public func unfusedForGradients() throws -> Graph {
        var (builder, ids) = try replayed(name: name) { builder, node, inputIDs in
            let (linear, activation) = node.op.splitEpilogue
            let hasResidual = node.inputs.count == 4 && activation != nil
            guard let activation, linear != node.op || hasResidual else {
                return try builder.add(node.op, inputs: inputIDs, name: node.name)
            }
            let hasActivation = activation != .none
            var current = try builder.add(linear, inputs: Array(inputIDs.prefix(3)),
                                          name: hasResidual || hasActivation ? node.name + "/linear" : node.name)
            if hasResidual {
                current = try builder.add(.binary(.add), inputs: [current, inputIDs[3]],
                                          name: hasActivation ? node.name + "/residual" : node.name)
            }
            if hasActivation { current = try builder.add(.activation(activation), inputs: [current], name: node.name) }
            return current
        }
        for out in outputs {
            guard let id = ids[out.value] else { throw GraphError.unknownValue(node: "outputs", name: out.name) }
            builder.output(id, name: out.name)
        }
        return builder.build()
    }
}

extension Op {
    /// A conv or dense op without its fused activation, and that activation; nil activation for
    /// ops that fuse nothing.
    var splitEpilogue: (linear: Op, activation: Activation?) {
        switch self {
        case .conv2d(var p):
            let act = p.activation
            p.activation = .none
            return (.conv2d(p), act)
        case .dense(var p):
            let act = p.activation
            p.activation = .none
            return (.dense(p), act)
        default:
            return (self, nil)
        }
    }
}
