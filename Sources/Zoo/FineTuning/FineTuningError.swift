import Foundation

/// What can go wrong reading a dataset, training a head or using an embedding index. Each
/// message names the folder, file or argument at fault.
public enum FineTuningError: Error, CustomStringConvertible, Equatable {
    /// The dataset folder is missing or not a folder.
    case notAFolder(path: String)
    /// A class folder holds no images.
    case emptyClass(folder: String, className: String)
    /// Fewer than two classes: nothing to tell apart.
    case tooFewClasses(folder: String, found: [String])
    /// The dataset's labels do not fit the model (names, counts, ranges).
    case badDataset(String)
    /// An argument out of range (epochs, batch size, learning rate, split...).
    case badArgument(String)
    /// The model cannot carry a new head (no embedding layer, no preprocessing...).
    case unsuitableModel(model: String, detail: String)
    /// An embedding index file that cannot be used, or a vector that does not fit it.
    case badIndex(file: String, detail: String)

    /// The error in one line.
    public var description: String {
        switch self {
        case .notAFolder(let path): "\(path): no such folder (expected DIR/class_name/image files)"
        case let .emptyClass(folder, name): "\(folder): class folder '\(name)' holds no images"
        case let .tooFewClasses(folder, found):
            "\(folder): found \(found.count) class folder\(found.count == 1 ? "" : "s")\(found.isEmpty ? "" : " (" + found.joined(separator: ", ") + ")"), need at least 2 (DIR/class_name/image files)"
        case .badDataset(let detail): detail
        case .badArgument(let detail): detail
        case let .unsuitableModel(model, detail): "\(model): \(detail)"
        case let .badIndex(file, detail): "\(file): \(detail)"
        }
    }
}
