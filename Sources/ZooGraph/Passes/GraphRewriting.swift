import ZooTensor

/// Small edits the passes share. Passes work on a copy; `compacted()` at the end drops
/// whatever they disconnected, so each pass only has to rewire.
extension Graph {
    /// Points every reader of `old` (nodes and graph outputs) at `new`.
    mutating func replaceUses(of old: ValueID, with new: ValueID) {
        for i in nodes.indices {
            for j in nodes[i].inputs.indices where nodes[i].inputs[j] == old { nodes[i].inputs[j] = new }
        }
        for i in outputs.indices where outputs[i].value == old { outputs[i].value = new }
    }

    /// Disconnects a node a pass has replaced: it reads nothing, so later consumer counts
    /// ignore it, and `compacted()` drops it since nothing reads its output either.
    mutating func detach(_ node: Int) {
        nodes[node].inputs = []
    }

    /// Whether a value is read by a graph output (then it must keep existing as is).
    func isGraphOutput(_ value: ValueID) -> Bool { outputs.contains { $0.value == value } }

    /// The single node reading `value`, when exactly one does and it is not a graph output.
    func soleConsumer(of value: ValueID, in consumers: [[Int]]) -> Int? {
        guard consumers[value].count == 1, !isGraphOutput(value) else { return nil }
        return consumers[value][0]
    }

    /// Adds a constant with a name no other value has.
    mutating func addConstant(_ tensor: Tensor, name: String) -> ValueID {
        var unique = name
        var n = 1
        let taken = Set(values.map(\.name))
        while taken.contains(unique) { n += 1; unique = "\(name)_\(n)" }
        values.append(Value(name: unique, shape: tensor.shape, dtype: tensor.dtype, kind: .constant(tensor)))
        return values.count - 1
    }

    /// Drops nodes whose output nothing needs and values nothing references, renumbering values.
    func compacted() -> Graph {
        var live = [Bool](repeating: false, count: values.count)
        for out in outputs { live[out.value] = true }
        var keptNodes: [Node] = []
        for node in nodes.reversed() where live[node.output] {
            keptNodes.append(node)
            for v in node.inputs { live[v] = true }
        }
        keptNodes.reverse()
        for id in inputs { live[id] = true }
        var newID = [Int](repeating: -1, count: values.count)
        var keptValues: [Value] = []
        for (id, value) in values.enumerated() where live[id] {
            newID[id] = keptValues.count
            keptValues.append(value)
        }
        var result = Graph(name: name, values: keptValues, nodes: [], inputs: inputs.map { newID[$0] }, outputs: [])
        result.sourceFile = sourceFile
        result.nodes = keptNodes.map { Node(name: $0.name, op: $0.op, inputs: $0.inputs.map { newID[$0] }, output: newID[$0.output]) }
        result.outputs = outputs.map { GraphOutput(name: $0.name, value: newID[$0.value]) }
        result.specializer = specializer
        result.hasBatchDimension = hasBatchDimension
        return result
    }
}

extension Graph {
    /// The same graph with each constant replaced by `transform(value, tensor)` (which must keep
    /// its shape), e.g. to store weights as float16.
    public func mappingConstants(_ transform: (Value, Tensor) -> Tensor) -> Graph {
        var g = self
        for (i, v) in values.enumerated() {
            guard let t = v.constant else { continue }
            let mapped = transform(v, t)
            precondition(mapped.shape == t.shape, "mappingConstants changed the shape of \(v.name)")
            g.values[i].kind = .constant(mapped)
            g.values[i].dtype = mapped.dtype
        }
        return g
    }
}
