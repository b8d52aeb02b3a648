/// A node attribute (`AttributeProto`). Graph-valued and type-valued attributes are kept only
/// as markers: no supported operator takes them.
public struct ONNXAttribute: Sendable {
    public enum Value: Sendable {
        case float(Float)
        case int(Int64)
        case string(String)
        case tensor(ONNXTensorProto)
        case floats([Float])
        case ints([Int64])
        case strings([String])
        case tensors([ONNXTensorProto])
        /// A graph, sparse tensor or type proto (or a list of them).
        case unsupported(kind: String)
    }

    public var name: String
    public var value: Value

    /// The attribute's kind as ONNX names it, for error messages.
    public var kindName: String {
        switch value {
        case .float: "float"
        case .int: "int"
        case .string: "string"
        case .tensor: "tensor"
        case .floats: "floats"
        case .ints: "ints"
        case .strings: "strings"
        case .tensors: "tensors"
        case .unsupported(let kind): kind
        }
    }
}
