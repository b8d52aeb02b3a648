/// An ONNX `ModelProto` as plain Swift values: what the importer reads, detached from the
/// protobuf-c structures it was parsed from (see `ONNXModel.parse`).
public struct ONNXModel: Sendable {
    /// The file's ONNX IR version.
    public var irVersion: Int64
    /// Operator set version per domain; the default domain (`ai.onnx`) is the empty string.
    public var opsetImports: [String: Int64]
    /// The program that wrote the file (`pytorch`, `tf2onnx`, ...).
    public var producerName: String
    /// That program's version.
    public var producerVersion: String
    /// The main graph; nil when the file has none.
    public var graph: ONNXGraph?

    /// The opset of the default (`ai.onnx`) domain, which also answers to the name "ai.onnx".
    public var defaultOpset: Int64? { opsetImports[""] ?? opsetImports["ai.onnx"] }
}

/// A `GraphProto`: nodes in file order, weights, and the declared inputs and outputs.
public struct ONNXGraph: Sendable {
    /// The graph's name.
    public var name: String
    /// The nodes, in file order.
    public var nodes: [ONNXNode]
    /// The weights and other constant tensors.
    public var initializers: [ONNXTensorProto]
    /// Declared inputs. Exporters for IR version < 4 also list every initializer here.
    public var inputs: [ONNXValueInfo]
    /// The declared outputs.
    public var outputs: [ONNXValueInfo]
    /// Shape annotations of intermediate values (optional in a file).
    public var valueInfo: [ONNXValueInfo]
    /// True when the graph holds sparse initializers, which the importer does not read.
    public var hasSparseInitializers: Bool
}

/// A `NodeProto`. An empty string in `inputs` or `outputs` marks an omitted optional one.
public struct ONNXNode: Sendable {
    /// The node's name (may be empty).
    public var name: String
    /// The operator (`Conv`, `Gemm`, ...).
    public var opType: String
    /// Empty for the default domain.
    public var domain: String
    /// Names of the values it reads.
    public var inputs: [String]
    /// Names of the values it writes.
    public var outputs: [String]
    /// Its attributes, in file order.
    public var attributes: [ONNXAttribute]

    /// The attribute named `name`, or nil.
    public func attribute(_ name: String) -> ONNXAttribute? { attributes.first { $0.name == name } }
}

/// A `ValueInfoProto` of a tensor: name, element type and (possibly symbolic) shape.
public struct ONNXValueInfo: Sendable {
    /// The value's name.
    public var name: String
    /// nil when the value is not a tensor or declares no type.
    public var elementType: ONNXDataType?
    /// nil when no shape is declared.
    public var dims: [ONNXDimension]?
}

/// One dimension of a declared shape.
public enum ONNXDimension: Sendable, Hashable, CustomStringConvertible {
    /// A fixed size.
    case value(Int64)
    /// A symbolic size such as "batch_size".
    case param(String)
    /// Neither a size nor a name.
    case unknown

    /// The size, the symbol, or `?`.
    public var description: String {
        switch self {
        case .value(let v): String(v)
        case .param(let p): p
        case .unknown: "?"
        }
    }
}
