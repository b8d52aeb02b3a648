/// A Keras layer graph that cannot be built, naming the layer at fault.
public enum KerasModelError: Error, CustomStringConvertible, Sendable {
    case duplicateLayer(String)
    case unknownInput(layer: String, input: String)
    case wrongInputCount(layer: String, expected: String, found: Int)
    case cycle(layer: String)
    /// Shapes that do not fit the layer (wrong rank, kernel larger than input, ...).
    case shape(layer: String, detail: String)
    /// A layer setting zoo has no kernel for.
    case unsupported(layer: String, detail: String)
    /// The weights handed to `graph(weights:)` do not match what the layer expects.
    case weights(layer: String, detail: String)

    public var description: String {
        switch self {
        case .duplicateLayer(let name): "\(name): layer name used twice"
        case let .unknownInput(layer, input): "\(layer): input '\(input)' is not a layer of the model"
        case let .wrongInputCount(layer, expected, found): "\(layer): takes \(expected) inputs, got \(found)"
        case .cycle(let layer): "\(layer): part of a cycle"
        case let .shape(layer, detail): "\(layer): \(detail)"
        case let .unsupported(layer, detail): "\(layer): unsupported: \(detail)"
        case let .weights(layer, detail): "\(layer): \(detail)"
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
