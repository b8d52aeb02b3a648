import ZooTensor

/// Index of a value in `Graph.values`.
public typealias ValueID = Int

/// A tensor flowing through the graph: a named input, a constant (weights), or a node's output.
public struct Value: Sendable {
    public enum Kind: Sendable {
        case input
        case constant(Tensor)
        case intermediate
    }
    public var name: String
    public var shape: Shape
    public var dtype: DType
    public var kind: Kind

    public var constant: Tensor? {
        if case .constant(let t) = kind { return t }
        return nil
    }
}

/// One operation: reads `inputs`, writes `output`.
public struct Node: Sendable {
    public var name: String
    public var op: Op
    public var inputs: [ValueID]
    public var output: ValueID
}

/// A named graph output.
public struct GraphOutput: Sendable, Hashable, Codable {
    public var name: String
    public var value: ValueID
}

/// A frozen inference graph: static shapes (batch dimension first on every input and
/// activation), NHWC activations, nodes in topological order. Built by `GraphBuilder`,
/// rewritten by the passes into new graphs; never mutated once handed out.
public struct Graph: Sendable {
    public var name: String
    public internal(set) var values: [Value]
    public internal(set) var nodes: [Node]
    public internal(set) var inputs: [ValueID]
    public internal(set) var outputs: [GraphOutput]
    /// Rebuilds the graph for inputs that do not fit it as declared (other shapes, or values
    /// that decide its structure); nil when the source cannot be re-read that way.
    public var specializer: (any GraphSpecializer)? = nil
    /// Whether the first dimension of every input is a batch, free at run time (all inputs
    /// sharing it). False for a graph built for exact input shapes by a specializer: its
    /// inputs must be fed at exactly the declared shapes.
    public var hasBatchDimension = true
    /// The file this graph was read from (its last path component), named in errors raised
    /// while planning or running it; set by the loader, kept by compaction.
    public var sourceFile: String? = nil

    public func value(named name: String) -> ValueID? { values.firstIndex { $0.name == name } }

    /// Number of weights (elements of constants that nodes read).
    public var parameterCount: Int {
        var used = Set<ValueID>()
        for node in nodes { for v in node.inputs where values[v].constant != nil { used.insert(v) } }
        return used.reduce(0) { $0 + values[$1].shape.elementCount }
    }

    /// For each value, the nodes that read it (by node index).
    func consumers() -> [[Int]] {
        var result = [[Int]](repeating: [], count: values.count)
        for (i, node) in nodes.enumerated() { for v in node.inputs { result[v].append(i) } }
        return result
    }

    /// For each value, the node that writes it.
    func producers() -> [Int?] {
        var result = [Int?](repeating: nil, count: values.count)
        for (i, node) in nodes.enumerated() { result[node.output] = i }
        return result
    }
}
