/// An ONNX `ModelProto` as plain Swift values: what the importer reads, detached from the
/// protobuf-c structures it was parsed from (see `ONNXModel.parse`).
public struct ONNXModel: Sendable {
    public var irVersion: Int64
    /// Operator set version per domain; the default domain (`ai.onnx`) is the empty string.
    public var opsetImports: [String: Int64]
    public var producerName: String
    public var producerVersion: String
    public var graph: ONNXGraph?

    /// The opset of the default (`ai.onnx`) domain, which also answers to the name "ai.onnx".
    public var defaultOpset: Int64? { opsetImports[""] ?? opsetImports["ai.onnx"] }
}

/// A `GraphProto`: nodes in file order, weights, and the declared inputs and outputs.
public struct ONNXGraph: Sendable {
    public var name: String
    public var nodes: [ONNXNode]
    public var initializers: [ONNXTensorProto]
    /// Declared inputs. Exporters for IR version < 4 also list every initializer here.
    public var inputs: [ONNXValueInfo]
    public var outputs: [ONNXValueInfo]
    /// Shape annotations of intermediate values (optional in a file).
    public var valueInfo: [ONNXValueInfo]
    /// True when the graph holds sparse initializers, which the importer does not read.
    public var hasSparseInitializers: Bool
}

/// A `NodeProto`. An empty string in `inputs` or `outputs` marks an omitted optional one.
public struct ONNXNode: Sendable {
    public var name: String
    public var opType: String
    /// Empty for the default domain.
    public var domain: String
    public var inputs: [String]
    public var outputs: [String]
    public var attributes: [ONNXAttribute]

    public func attribute(_ name: String) -> ONNXAttribute? { attributes.first { $0.name == name } }
}

/// A `ValueInfoProto` of a tensor: name, element type and (possibly symbolic) shape.
public struct ONNXValueInfo: Sendable {
    public var name: String
    /// nil when the value is not a tensor or declares no type.
    public var elementType: ONNXDataType?
    /// nil when no shape is declared.
    public var dims: [ONNXDimension]?
}

/// One dimension of a declared shape.
public enum ONNXDimension: Sendable, Hashable, CustomStringConvertible {
    case value(Int64)
    /// A symbolic size such as "batch_size".
    case param(String)
    case unknown

    public var description: String {
        switch self {
        case .value(let v): String(v)
        case .param(let p): p
        case .unknown: "?"
        }
    }
}
