/// Fuses `add(layer(x), shortcut)` into the conv/dense layer's epilogue, `act(acc + b + shortcut)`,
/// when the layer's output feeds only the add and the shapes match without broadcasting.
enum ResidualAddFusion {
    static func apply(_ graph: Graph) -> Graph {
        var g = graph
        var order = Array(graph.nodes.indices)  // position of each node in the final order
        var removed = Set<Int>()
        for n in g.nodes.indices {
            // Read the working copy: an earlier fusion may have rewired this add's inputs.
            let node = g.nodes[n]
            guard node.op == .binary(.add) else { continue }
            let consumers = g.consumers(), producers = g.producers()
            let outShape = g.values[node.output].shape
            for (mine, other) in [(0, 1), (1, 0)] {
                let fused = node.inputs[mine], shortcut = node.inputs[other]
                guard let p = producers[fused], g.soleConsumer(of: fused, in: consumers) == n,
                      g.values[shortcut].shape == outShape, fused != shortcut, isFusable(g.nodes[p]) else { continue }
                g.nodes[p].inputs.append(shortcut)
                g.replaceUses(of: node.output, with: fused)
                g.detach(n)
                removed.insert(n)
                // The shortcut must exist before the layer runs: if it is computed later, run the layer at the add's place.
                if let s = producers[shortcut], order[s] > order[p] { order[p] = order[n] }
                break
            }
        }
        let kept = g.nodes.indices.filter { !removed.contains($0) }.sorted { (order[$0], $0) < (order[$1], $1) }
        g.nodes = kept.map { g.nodes[$0] }
        return g.compacted()
    }

    private static func isFusable(_ node: Node) -> Bool {
        guard node.inputs.count == 3 else { return false }
        switch node.op {
        case .conv2d(let p): return p.activation == .none
        case .dense(let p): return p.activation == .none
        default: return false
        }
    }
}
