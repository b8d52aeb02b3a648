import ZooKernels
import ZooTensor

/// Builds a `Graph` node by node, inferring and checking each output shape as it goes.
public struct GraphBuilder {
    private var graph: Graph
    private var ids: [String: ValueID] = [:]

    /// An empty graph called `name`.
    public init(name: String) {
        graph = Graph(name: name, values: [], nodes: [], inputs: [], outputs: [])
    }

    /// Declares a graph input. Its first dimension is the batch, free to change at run time.
    public mutating func input(_ name: String, shape: Shape, dtype: DType = .float32) throws -> ValueID {
        try Self.checkExtents(shape, node: name, op: "input")
        let id = try define(Value(name: name, shape: shape, dtype: dtype, kind: .input))
        graph.inputs.append(id)
        return id
    }

    /// Declares a constant (weights, biases, broadcast operands).
    public mutating func constant(_ name: String, _ tensor: Tensor) throws -> ValueID {
        guard tensor.shape.dims.allSatisfy({ $0 <= ShapeInference.maxExtent }) else {
            throw GraphError.shapeMismatch(node: name, op: "constant", detail: "shape \(tensor.shape) is too large")
        }
        return try define(Value(name: name, shape: tensor.shape, dtype: tensor.dtype, kind: .constant(tensor)))
    }

    /// Appends a node and returns its output value, named like the node.
    @discardableResult
    public mutating func add(_ op: Op, inputs: [ValueID], name: String) throws -> ValueID {
        let shapes = inputs.map { graph.values[$0].shape }
        let shape = try ShapeInference.outputShape(node: name, op: op, inputs: shapes)
        try Self.checkExtents(shape, node: name, op: op.name)
        let out = try define(Value(name: name, shape: shape, dtype: .float32, kind: .intermediate))
        graph.nodes.append(Node(name: name, op: op, inputs: inputs, output: out))
        return out
    }

    /// Marks a value as a graph output, under its own name unless another is given.
    public mutating func output(_ value: ValueID, name: String? = nil) {
        graph.outputs.append(GraphOutput(name: name ?? graph.values[value].name, value: value))
    }

    /// The inferred shape of a value added so far.
    public func shape(of value: ValueID) -> Shape { graph.values[value].shape }
    /// The value added under this name, or nil.
    public func value(named name: String) -> ValueID? { ids[name] }
    /// The tensor of a constant added so far; nil for other values.
    public func constant(of value: ValueID) -> Tensor? { graph.values[value].constant }

    /// The graph built so far.
    public func build() -> Graph { graph }

    /// Every input and computed value has positive dimensions of at most `ShapeInference.maxExtent`
    /// and an element count that fits an Int, so that shape rules and memory planning never
    /// overflow. A zero dimension (a convolution with no filters, say) means a broken file.
    private static func checkExtents(_ shape: Shape, node: String, op: String) throws {
        guard shape.dims.allSatisfy({ $0 > 0 && $0 <= ShapeInference.maxExtent }), shape.checkedElementCount != nil else {
            throw GraphError.shapeMismatch(node: node, op: op, detail: "shape \(shape) has no elements or is too large")
        }
    }

    private mutating func define(_ value: Value) throws -> ValueID {
        guard ids[value.name] == nil else { throw GraphError.duplicateName(value.name) }
        let id = graph.values.count
        graph.values.append(value)
        ids[value.name] = id
        return id
    }
}

extension GraphBuilder {
    /// A convolution with its weights (HWIO) and optional bias as constants named
    /// `<name>/kernel` and `<name>/bias`; a missing bias becomes zeros.
    public mutating func conv2d(_ x: ValueID, weights: Tensor, bias: Tensor?, params: Conv2DParams, name: String) throws -> ValueID {
        let w = try constant(name + "/kernel", weights)
        let b = try constant(name + "/bias", bias ?? Tensor(zeros: [weights.shape.dims.last ?? 0]))
        return try add(.conv2d(params), inputs: [x, w, b], name: name)
    }

    /// A dense layer with weights `[in, out]` and optional bias as constants.
    public mutating func dense(_ x: ValueID, weights: Tensor, bias: Tensor?, activation: Activation = .none, name: String) throws -> ValueID {
        let w = try constant(name + "/kernel", weights)
        let b = try constant(name + "/bias", bias ?? Tensor(zeros: [weights.shape.dims.last ?? 0]))
        return try add(.dense(DenseParams(activation: activation)), inputs: [x, w, b], name: name)
    }

    /// Inference batch normalisation with per-channel constants.
    public mutating func batchNorm(_ x: ValueID, scale: Tensor, bias: Tensor, mean: Tensor, variance: Tensor,
                                   epsilon: Float, name: String) throws -> ValueID {
        let ids = try [("gamma", scale), ("beta", bias), ("moving_mean", mean), ("moving_variance", variance)]
            .map { try constant(name + "/" + $0.0, $0.1) }
        return try add(.batchNorm(epsilon: epsilon), inputs: [x] + ids, name: name)
    }
}

extension Graph {
    /// Every value's shape when the inputs carry batch size `batch` instead of their declared one.
    /// Every shape's byte count is checked to fit 64 bits (`PlanBudget`), so the size arithmetic
    /// of the shape rules and the planner cannot overflow on a hostile batch or file.
    public func shapes(batch: Int) throws -> [Shape] {
        var shapes = values.map(\.shape)
        for id in inputs where shapes[id].rank > 0 {
            if hasBatchDimension { shapes[id][0] = batch }
            try PlanBudget.checkRepresentable(shapes[id], of: self, batch: batch)
        }
        for node in nodes {
            shapes[node.output] = try ShapeInference.outputShape(
                node: node.name, op: node.op, inputs: node.inputs.map { shapes[$0] })
            try PlanBudget.checkRepresentable(shapes[node.output], of: self, batch: batch)
        }
        return shapes
    }
}

extension GraphBuilder {
    /// Declares a value that no node computes: an output of a graph that only declares its
    /// interface until its specializer builds it for actual inputs (`Graph.needsSpecialization`).
    public mutating func placeholder(_ name: String, shape: Shape) throws -> ValueID {
        try define(Value(name: name, shape: shape, dtype: .float32, kind: .intermediate))
    }
}
