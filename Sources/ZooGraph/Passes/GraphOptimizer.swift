/// The passes that turn an imported graph into the one we run. Each preserves outputs
/// (to float rounding); their order matters: batch norm folds before activations fuse.
public enum GraphOptimizer {
    /// `graph` after every pass (batch-norm folding, fusion, pad folding, dead-node removal), computing the same outputs.
    public static func optimize(_ graph: Graph) -> Graph {
        var g = IdentityRemoval.apply(graph)
        g = BatchNormFolding.apply(g)
        g = PadFolding.apply(g)
        g = ResidualAddFusion.apply(g)
        g = ActivationFusion.apply(g)
        g = g.compacted()
        // Graphs rebuilt for other inputs get the same passes.
        g.specializer = graph.specializer.map { TransformingSpecializer(base: $0, transform: { optimize($0) }) }
        return g
    }
}
