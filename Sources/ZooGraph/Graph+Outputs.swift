extension Graph {
    /// The same graph with the named values also returned as outputs (for embeddings and
    /// inspecting inner layers). Unknown names are an error listing what exists.
    public func addingOutputs(_ names: [String]) throws -> Graph {
        var g = self
        for name in names where !g.outputs.contains(where: { $0.name == name }) {
            guard let id = value(named: name), values[id].constant == nil else {
                let layers = nodes.map(\.name)
                throw GraphError.unknownValue(node: "outputs", name: name + " (layers: " + layers.suffix(8).joined(separator: ", ") + (layers.count > 8 ? ", …" : "") + ")")
            }
            g.outputs.append(GraphOutput(name: name, value: id))
        }
        g.specializer = specializer.map { TransformingSpecializer(base: $0, transform: { try $0.addingOutputs(names) }) }
        return g
    }
}
