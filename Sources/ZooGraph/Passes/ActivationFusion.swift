/// Fuses an activation into the conv/dense epilogue before it when that layer's output feeds
/// nothing else.
enum ActivationFusion {
    static func apply(_ graph: Graph) -> Graph {
        var g = graph
        for n in g.nodes.indices {
            let node = g.nodes[n]
            guard case .activation(let act) = node.op, let p = g.producers()[node.inputs[0]],
                  g.soleConsumer(of: node.inputs[0], in: g.consumers()) == n else { continue }
            switch g.nodes[p].op {
            case .conv2d(var params) where params.activation == .none:
                params.activation = act
                g.nodes[p].op = .conv2d(params)
            case .dense(var params) where params.activation == .none:
                params.activation = act
                g.nodes[p].op = .dense(params)
            default:
                continue
            }
            g.replaceUses(of: node.output, with: node.inputs[0])
            g.detach(n)
        }
        return g.compacted()
    }
}
