import Foundation

/// Errors of the public API that are not an importer's or the graph's own.
public enum ZooError: Error, CustomStringConvertible {
    /// No zoo model and no file has this name.
    case unknownModel(String)
    /// A model file that cannot be used, and why.
    case badModel(file: URL, detail: String)
    /// A converted file whose outputs do not match its source's.
    case conversionMismatch(file: URL, detail: String)
    /// An argument that cannot be used, said in one sentence.
    case badArgument(String)
    /// A manifest that does not decode or is inconsistent.
    case badManifest(name: String, detail: String)
    /// A zoo model whose weights file is missing from the cache (and may not be fetched).
    case weightsNotCached(model: String, file: String)
    /// A model without an image pipeline asked to classify or embed images.
    case noPreprocessing(model: String)
    /// The Keras import helper process (`KerasIsolation`) failed, crashed or hit its limits.
    case isolatedImportFailed(file: URL, detail: String)

    /// The error in one line, naming the model or file.
    public var description: String {
        switch self {
        case .unknownModel(let name):
            "'\(name)' is neither a model file nor a zoo model (try `zoo list`)"
        case let .badModel(file, detail):
            "\(file.path): \(detail)"
        case let .conversionMismatch(file, detail):
            "\(file.lastPathComponent): conversion check failed: \(detail)"
        case .badArgument(let detail):
            detail
        case let .badManifest(name, detail):
            "manifest of \(name): \(detail)"
        case let .weightsNotCached(model, file):
            "the weights of \(model) (\(file)) are not cached and its manifest lists no source: pass --weights FILE"
        case let .isolatedImportFailed(file, detail):
            "\(file.lastPathComponent): \(detail)"
        case .noPreprocessing(let model):
            "\(model) carries no preprocessing or labels: pass --arch with the zoo model it is (see `zoo list`)"
        }
    }
}
