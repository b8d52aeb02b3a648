import ZooTensor

/// Index of a value in `Graph.values`.
public typealias ValueID = Int

/// A tensor flowing through the graph: a named input, a constant (weights), or a node's output.
public struct Value: Sendable {
    /// Where a value comes from.
    public enum Kind: Sendable {
        /// Fed by the caller at run time.
        case input
        /// Weights or other data fixed in the graph.
        case constant(Tensor)
        /// Written by a node.
        case intermediate
    }
    /// The value's name, unique in its graph (the source framework's name where it has one).
    public var name: String
    /// The value's shape, batch first (the declared batch for inputs).
    public var shape: Shape
    /// The element type.
    public var dtype: DType
    /// Input, constant or intermediate.
    public var kind: Kind

    /// The tensor of a constant value; nil for the others.
    public var constant: Tensor? {
        if case .constant(let t) = kind { return t }
        return nil
    }
}

/// One operation: reads `inputs`, writes `output`.
public struct Node: Sendable {
    /// The node's name, unique in its graph.
    public var name: String
    /// What the node computes.
    public var op: Op
    /// The values it reads, in the order `Op` documents.
    public var inputs: [ValueID]
    /// The value it writes.
    public var output: ValueID
}

/// A named graph output.
public struct GraphOutput: Sendable, Hashable, Codable {
    /// The output's name, as callers see it in `run`'s result.
    public var name: String
    /// The value it returns.
    public var value: ValueID

    /// The JSON keys, named here once for the encoder and for `.zoo`'s reader (ZooFormat).
    public enum CodingKeys: String, CodingKey { case name, value }

    /// An output called `name` returning `value`.
    public init(name: String, value: ValueID) {
        self.name = name
        self.value = value
    }
}

/// A frozen inference graph: static shapes (batch dimension first on every input and
/// activation), NHWC activations, nodes in topological order. Built by `GraphBuilder`,
/// rewritten by the passes into new graphs; never mutated once handed out.
public struct Graph: Sendable {
    /// The graph's name (the model's name or file name).
    public var name: String
    /// Every value, indexed by `ValueID`.
    public internal(set) var values: [Value]
    /// The nodes, in an order that computes each value before it is read.
    public internal(set) var nodes: [Node]
    /// The values the caller feeds, in order.
    public internal(set) var inputs: [ValueID]
    /// The values `run` returns, named.
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

    /// The value with this name, or nil.
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
