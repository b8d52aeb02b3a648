/// A Keras layer graph that cannot be built, naming the layer at fault.
public enum KerasModelError: Error, CustomStringConvertible, Sendable {
    /// Two layers share a name.
    case duplicateLayer(String)
    /// A layer reads a layer that does not exist (yet).
    case unknownInput(layer: String, input: String)
    /// A layer got a number of inputs it cannot take.
    case wrongInputCount(layer: String, expected: String, found: Int)
    /// The layers read each other in a loop.
    case cycle(layer: String)
    /// Shapes that do not fit the layer (wrong rank, kernel larger than input, ...).
    case shape(layer: String, detail: String)
    /// A layer setting zoo has no kernel for.
    case unsupported(layer: String, detail: String)
    /// The weights handed to `graph(weights:)` do not match what the layer expects.
    case weights(layer: String, detail: String)

    /// `layer: problem`, in one line.
    public var description: String { "\(layer): \(detail)" }

    /// What is wrong, without the layer's name.
    public var detail: String {
        switch self {
        case .duplicateLayer: "layer name used twice"
        case let .unknownInput(_, input): "input '\(input)' is not a layer of the model"
        case let .wrongInputCount(_, expected, found): "takes \(expected) inputs, got \(found)"
        case .cycle: "part of a cycle"
        case let .shape(_, detail): detail
        case let .unsupported(_, detail): "unsupported: \(detail)"
        case let .weights(_, detail): detail
        }
    }

    /// The layer the error is about.
    public var layer: String {
        switch self {
        case .duplicateLayer(let name): name
        case .unknownInput(let layer, _), .wrongInputCount(let layer, _, _), .cycle(let layer),
             .shape(let layer, _), .unsupported(let layer, _), .weights(let layer, _): layer
        }
    }
}
