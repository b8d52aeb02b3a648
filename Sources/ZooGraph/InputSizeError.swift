import ZooTensor

/// Why a graph cannot be rebuilt for the input height and width it was fed
/// (`Graph.acceptingAnyInputSize(model:)`). Messages name the model and the reason.
public enum InputSizeError: Error, CustomStringConvertible, Equatable {
    /// The network runs at its declared size only, and why (a flattened feature map feeding a Dense layer).
    case fixedSize(model: String, size: String, reason: String)
    /// The input is so small that some layer would have nothing to compute on.
    case tooSmall(model: String, size: String, detail: String)
    /// The input differs from the declared shape in more than its batch size, height and width.
    case otherAxes(input: String, expected: Shape, found: Shape)
    /// The input has another element type than the declared one.
    case type(input: String, expected: DType, found: DType)

    /// The error in one line.
    public var description: String {
        switch self {
        case let .fixedSize(model, size, reason): "\(model) takes \(size) inputs only: \(reason)"
        case let .tooSmall(model, size, detail): "\(model): a \(size) input is too small for this network: \(detail)"
        case let .otherAxes(input, expected, found):
            "input '\(input)': expected shape \(expected) (any batch size, height and width), found \(found)"
        case let .type(input, expected, found): "input '\(input)': expected \(expected), found \(found)"
        }
    }
}
