/// Drops identity nodes (Identity, inference-mode Dropout): readers use the input directly.
enum IdentityRemoval {
    static func apply(_ graph: Graph) -> Graph {
        var g = graph
        for node in graph.nodes where node.op == .identity {
            g.replaceUses(of: node.output, with: node.inputs[0])
        }
        return g.compacted()
    }
}
