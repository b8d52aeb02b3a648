/// Drops identity nodes (Identity, inference-mode Dropout): readers use the input directly.
enum IdentityRemoval {
    static func apply(_ graph: Graph) -> Graph {
        var g = graph
        for n in g.nodes.indices where g.nodes[n].op == .identity {
            // The working copy's input: a chain of identities collapses onto its first input.
            g.replaceUses(of: g.nodes[n].output, with: g.nodes[n].inputs[0])
            g.detach(n)
        }
        return g.compacted()
    }
}
