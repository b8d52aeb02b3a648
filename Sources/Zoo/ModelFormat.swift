import Foundation
import ZooGraph
import ZooImport

/// The model file formats zoo reads, recognised by extension.
enum ModelFormat: CaseIterable {
    case onnx, kerasH5, kerasArchive

    init?(url: URL) {
        switch url.pathExtension.lowercased() {
        case "onnx": self = .onnx
        case "h5", "hdf5": self = .kerasH5
        case "keras": self = .kerasArchive
        default: return nil
        }
    }

    static var supportedExtensions: String { ".onnx, .h5, .keras" }

    func importGraph(from url: URL, architecture: String?) throws -> Graph {
        switch self {
        case .onnx, .kerasH5, .kerasArchive:
            throw ZooError.badModel(file: url, detail: "this build cannot read \(url.pathExtension) files yet")
        }
    }
}
