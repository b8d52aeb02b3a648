import ZooTensor

/// Errors building, checking or running a graph. Messages name the node and both shapes.
public enum GraphError: Error, CustomStringConvertible, Equatable {
    /// A node's inputs have shapes its op cannot take.
    case shapeMismatch(node: String, op: String, detail: String)
    /// A node whose parameters or inputs are invalid for its op.
    case invalidNode(node: String, op: String, detail: String)
    /// A node reads a value no earlier node or input defines.
    case unknownValue(node: String, name: String)
    /// Two values or nodes share a name.
    case duplicateName(String)
    /// A graph input that `run` was not given.
    case missingInput(name: String)
    /// A tensor given to `run` under a name that is no graph input.
    case unexpectedInput(name: String)
    /// An input tensor whose shape does not fit the graph's.
    case inputShape(name: String, expected: Shape, found: Shape)
    /// An input tensor of the wrong element type.
    case inputType(name: String, expected: DType, found: DType)
    /// The inputs do not fit the graph as declared, and rebuilding it for them failed.
    case cannotSpecialize(reason: String, detail: String)

    /// Whether the error is about an input's shape or element type (which a specializer may fix).
    var isInputShapeOrType: Bool {
        switch self {
        case .inputShape, .inputType: true
        default: false
        }
    }

    /// The error in one line, naming the node or input.
    public var description: String {
        switch self {
        case let .shapeMismatch(node, op, detail): "node '\(node)' (\(op)): \(detail)"
        case let .invalidNode(node, op, detail): "node '\(node)' (\(op)): \(detail)"
        case let .unknownValue(node, name): "node '\(node)' reads '\(name)', which no earlier node, input or constant defines"
        case let .duplicateName(name): "the name '\(name)' is defined twice"
        case let .missingInput(name): "input '\(name)' was not given"
        case let .unexpectedInput(name): "the model has no input named '\(name)'"
        case let .inputShape(name, expected, found):
            "input '\(name)': expected shape \(expected) (any batch size), found \(found)"
        case let .inputType(name, expected, found): "input '\(name)': expected \(expected), found \(found)"
        case let .cannotSpecialize(reason, detail): "\(reason), and the model cannot be rebuilt for these inputs: \(detail)"
        }
    }
}
