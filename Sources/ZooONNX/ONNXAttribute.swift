/// A node attribute (`AttributeProto`). Graph-valued and type-valued attributes are kept only
/// as markers: no supported operator takes them.
public struct ONNXAttribute: Sendable {
    /// The attribute's value, by type.
    public enum Value: Sendable {
        /// A float (`f`).
        case float(Float)
        /// An integer (`i`).
        case int(Int64)
        /// A string (`s`), decoded as UTF-8.
        case string(String)
        /// A tensor (`t`).
        case tensor(ONNXTensorProto)
        /// A list of floats (`floats`).
        case floats([Float])
        /// A list of integers (`ints`).
        case ints([Int64])
        /// A list of strings (`strings`).
        case strings([String])
        /// A list of tensors (`tensors`).
        case tensors([ONNXTensorProto])
        /// A graph, sparse tensor or type proto (or a list of them).
        case unsupported(kind: String)
    }

    /// The attribute's name (`kernel_shape`, `strides`, ...).
    public var name: String
    /// The attribute's value.
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
