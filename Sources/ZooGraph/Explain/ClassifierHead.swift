import ZooTensor

/// What the explain code needs to know about a classifier's head, found by walking back from
/// the first graph output: where the scores are before softmax, which layer is the last one
/// with a spatial output, and whether the head is global average pooling + dense (CAM's case).
public struct ClassifierHead: Sendable {
    /// The value holding the class scores before softmax, `[N, classes]`.
    public var logits: ValueID
    /// The last value with a spatial (H x W > 1) NHWC output before the head.
    public var lastSpatialLayer: ValueID
    /// For a GAP + dense head: the layer the pooling reads and the dense node's weights value
    /// (`[C, classes]`) and bias.
    public var camLayer: ValueID?
    /// The dense node's weights value (`[C, classes]`), for a GAP + dense head.
    public var denseWeights: ValueID?

    /// Finds the head of `graph`'s first output; throws when there is no classifier head to explain.
    public init(graph: Graph) throws {
        let shapes = try graph.shapes(batch: 1)
        let producers = graph.producers()
        func producer(_ v: ValueID) -> Node? { producers[v].map { graph.nodes[$0] } }
        func skippingAliases(_ v: ValueID) -> ValueID {
            var v = v
            while let node = producer(v), node.op.isAlias { v = node.inputs[0] }
            return v
        }
        guard let output = graph.outputs.first?.value else {
            throw GraphError.invalidNode(node: graph.name, op: "explain", detail: "the graph has no outputs")
        }
        var logits = skippingAliases(output)
        if let node = producer(logits), case .softmax = node.op { logits = skippingAliases(node.inputs[0]) }
        self.logits = logits
        guard shapes[logits].rank == 2 else {
            throw GraphError.invalidNode(node: graph.values[logits].name, op: "explain",
                                         detail: "class scores must be [N, classes], found \(shapes[logits])")
        }

        var v = logits
        while shapes[v].rank != 4 || shapes[v][1] * shapes[v][2] <= 1 {
            guard let node = producer(v) else {
                throw GraphError.invalidNode(node: graph.values[logits].name, op: "explain",
                                             detail: "no layer with a spatial output leads to the class scores")
            }
            v = node.inputs[0]
        }
        lastSpatialLayer = v

        if let dense = producer(logits), case .dense = dense.op,
           let pool = producer(skippingAliases(dense.inputs[0])), case .globalPool(.average, _) = pool.op,
           graph.values[dense.inputs[1]].constant != nil {
            camLayer = pool.inputs[0]
            denseWeights = dense.inputs[1]
        }
    }
}
