import Foundation
import ZooTensor

/// A graph's structure without the constants' bytes, which are referred to by value name:
/// what a `.zoo` file stores as JSON. Loading rebuilds the graph through `GraphBuilder`, so
/// a stored graph gets every check a freshly built one does (defined-before-use, shapes).
public struct GraphDescription: Codable, Sendable {
    /// A value's name, shape, type and kind.
    public struct ValueEntry: Codable, Sendable {
        /// The value's name (constants' bytes are stored under it).
        public var name: String
        /// The value's shape.
        public var shape: [Int]
        /// The element type's name (`float32`, ...).
        public var dtype: String
        /// "input", "constant" or "intermediate".
        public var kind: String

        /// The JSON keys, named here once for the encoder and for `.zoo`'s reader (ZooFormat).
        public enum CodingKeys: String, CodingKey { case name, shape, dtype, kind }

        /// A value entry.
        public init(name: String, shape: [Int], dtype: String, kind: String) {
            self.name = name
            self.shape = shape
            self.dtype = dtype
            self.kind = kind
        }
    }

    /// A node: its name, op and the indices of its values.
    public struct NodeEntry: Codable, Sendable {
        /// The node's name.
        public var name: String
        /// What the node computes.
        public var op: Op
        /// Indices into `values` of what it reads.
        public var inputs: [Int]
        /// Index into `values` of what it writes.
        public var output: Int

        /// The JSON keys, named here once for the encoder and for `.zoo`'s reader (ZooFormat).
        public enum CodingKeys: String, CodingKey { case name, op, inputs, output }

        /// A node entry.
        public init(name: String, op: Op, inputs: [Int], output: Int) {
            self.name = name
            self.op = op
            self.inputs = inputs
            self.output = output
        }
    }

    /// The graph's name.
    public var name: String
    /// Every value, in `ValueID` order.
    public var values: [ValueEntry]
    /// The nodes, in execution order.
    public var nodes: [NodeEntry]
    /// Indices of the graph inputs.
    public var inputs: [Int]
    /// The named outputs.
    public var outputs: [GraphOutput]

    /// The JSON keys, named here once for the encoder and for `.zoo`'s reader (ZooFormat).
    public enum CodingKeys: String, CodingKey { case name, values, nodes, inputs, outputs }

    /// A description from its parts.
    public init(name: String, values: [ValueEntry], nodes: [NodeEntry], inputs: [Int], outputs: [GraphOutput]) {
        self.name = name
        self.values = values
        self.nodes = nodes
        self.inputs = inputs
        self.outputs = outputs
    }

    /// The description of `graph`.
    public init(_ graph: Graph) {
        name = graph.name
        values = graph.values.map { v in
            let kind: String
            switch v.kind {
            case .input: kind = "input"
            case .constant: kind = "constant"
            case .intermediate: kind = "intermediate"
            }
            return ValueEntry(name: v.name, shape: v.shape.dims, dtype: v.dtype.rawValue, kind: kind)
        }
        nodes = graph.nodes.map { NodeEntry(name: $0.name, op: $0.op, inputs: $0.inputs, output: $0.output) }
        inputs = graph.inputs
        outputs = graph.outputs
    }

    /// The constant values' names, in value order.
    public var constantNames: [String] { values.filter { $0.kind == "constant" }.map(\.name) }

    /// Rebuilds the graph; `constant` supplies each constant's tensor by name.
    public func graph(constant: (ValueEntry) throws -> Tensor) throws -> Graph {
        func bad(_ detail: String) -> GraphError { .invalidNode(node: name, op: "graph", detail: detail) }
        var builder = GraphBuilder(name: name)
        var ids = [ValueID?](repeating: nil, count: values.count)
        for (i, v) in values.enumerated() {
            guard DType(rawValue: v.dtype) != nil else { throw bad("value '\(v.name)' has unknown dtype '\(v.dtype)'") }
            guard Shape(v.shape).checkedElementCount != nil else { throw bad("value '\(v.name)' has a bad shape \(v.shape)") }
            switch v.kind {
            case "input":
                guard inputs.contains(i) else { throw bad("value '\(v.name)' is an input the graph does not list") }
                ids[i] = try builder.input(v.name, shape: Shape(v.shape), dtype: DType(rawValue: v.dtype)!)
            case "constant":
                let tensor = try constant(v)
                guard tensor.shape.dims == v.shape, tensor.dtype.rawValue == v.dtype else {
                    throw bad("constant '\(v.name)' is \(tensor.shape) \(tensor.dtype), declared \(Shape(v.shape)) \(v.dtype)")
                }
                ids[i] = try builder.constant(v.name, tensor)
            case "intermediate":
                continue
            default:
                throw bad("value '\(v.name)' has unknown kind '\(v.kind)'")
            }
        }
        for node in nodes {
            let inputIDs = try node.inputs.map { i -> ValueID in
                guard values.indices.contains(i), let id = ids[i] else {
                    throw GraphError.unknownValue(node: node.name, name: values.indices.contains(i) ? values[i].name : "#\(i)")
                }
                return id
            }
            guard values.indices.contains(node.output), values[node.output].kind == "intermediate", ids[node.output] == nil,
                  values[node.output].name == node.name else {
                throw bad("node '\(node.name)' writes a value that is not its own fresh output")
            }
            let out = try builder.add(node.op, inputs: inputIDs, name: node.name)
            guard builder.shape(of: out).dims == values[node.output].shape else {
                throw GraphError.shapeMismatch(node: node.name, op: node.op.name,
                                               detail: "declared output \(Shape(values[node.output].shape)), computed \(builder.shape(of: out))")
            }
            ids[node.output] = out
        }
        for out in outputs {
            guard values.indices.contains(out.value), let id = ids[out.value] else { throw bad("output '\(out.name)' names no value") }
            builder.output(id, name: out.name)
        }
        return builder.build()
    }
}

extension JSONEncoder {
    /// Encoder for graph JSON: infinities (a max pool's pad value) spelled as strings.
    public static var graphJSON: JSONEncoder {
        let e = JSONEncoder()
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        e.outputFormatting = [.sortedKeys]
        return e
    }
}

extension JSONDecoder {
    /// A decoder for graph JSON, which spells non-finite floats `inf`, `-inf` and `nan`.
    public static var graphJSON: JSONDecoder {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return d
    }
}
