extension Graph {
    /// The part of the graph that the value `name` depends on, with that value as the only
    /// output (under `outputName`, default its own name). Everything after it is dropped: this
    /// is how a classifier loses its head and keeps its backbone.
    public func truncated(at name: String, outputName: String? = nil) throws -> Graph {
        guard let id = value(named: name), values[id].constant == nil else {
            throw GraphError.unknownValue(node: "truncation", name: name)
        }
        var g = self
        g.outputs = [GraphOutput(name: outputName ?? name, value: id)]
        g = g.compacted()
        // Graphs rebuilt for other inputs lose their head the same way.
        g.specializer = specializer.map { TransformingSpecializer(base: $0, transform: { try $0.truncated(at: name, outputName: outputName) }) }
        return g
    }

    /// A builder holding this graph's inputs, constants and nodes but none of its outputs, so
    /// that new nodes can be appended after any value (found with `value(named:)`). The nodes
    /// are replayed through the builder, so they get its shape checks again. The graph it
    /// builds is called `name` (default: this graph's name).
    public func extendingBuilder(name: String? = nil) throws -> GraphBuilder {
        try replayed(name: name ?? self.name) { builder, node, inputs in
            try builder.add(node.op, inputs: inputs, name: node.name)
        }.builder
    }

    /// Inputs (in the graph's order, which need not be value order), constants, then every node
    /// through `addNode` into a new builder; also returns each old value's new id, so callers can
    /// map outputs. The one place that knows how to rebuild a graph node by node.
    func replayed(name: String,
                  addNode: (inout GraphBuilder, Node, [ValueID]) throws -> ValueID) throws -> (builder: GraphBuilder, ids: [ValueID?]) {
        var builder = GraphBuilder(name: name)
        var ids = [ValueID?](repeating: nil, count: values.count)
        for id in inputs { ids[id] = try builder.input(values[id].name, shape: values[id].shape, dtype: values[id].dtype) }
        for (id, value) in values.enumerated() {
            if let tensor = value.constant { ids[id] = try builder.constant(value.name, tensor) }
        }
        for node in nodes {
            let inputIDs = try node.inputs.map { i -> ValueID in
                guard let id = ids[i] else { throw GraphError.unknownValue(node: node.name, name: values[i].name) }
                return id
            }
            ids[node.output] = try addNode(&builder, node, inputIDs)
        }
        return (builder, ids)
    }
}
